import { createHash } from 'node:crypto';

/**
 * The run pages' only stylesheet, inlined in a `<style>` element and allowed
 * by its hash in the Content-Security-Policy (no `unsafe-inline`). It holds
 * none of the characters HTML escapes (`< > & ' "`), so JSX renders it
 * byte for byte and the hash matches; a unit test keeps it that way.
 */
export const STYLESHEET = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
  --pending-fg: #59636e; --pending-bg: #eff2f5; --running-fg: #0550ae; --running-bg: #ddf4ff;
  --success-fg: #116329; --success-bg: #dafbe1; --failure-fg: #a40e26; --failure-bg: #ffebe9;
  --neutral-fg: #6e7781; --neutral-bg: #eaeef2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
header.top { display: flex; gap: 1rem; align-items: baseline; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top a { color: var(--fg); font-weight: 600; text-decoration: none; }
header.top .note { color: var(--muted); font-size: .85rem; margin-left: auto; }
main { max-width: 72rem; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
h1 { font-size: 1.45rem; margin: .2rem 0 .6rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
a { color: #0969da; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, Liberation Mono, monospace; font-size: .85rem; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.tone-pending { color: var(--pending-fg); background: var(--pending-bg); border-color: var(--line); }
.tone-running { color: var(--running-fg); background: var(--running-bg); }
.tone-success { color: var(--success-fg); background: var(--success-bg); }
.tone-failure { color: var(--failure-fg); background: var(--failure-bg); }
.tone-neutral { color: var(--neutral-fg); background: var(--neutral-bg); }
.pulse { display: inline-block; width: .5rem; height: .5rem; margin-right: .35rem; border-radius: 50%; background: currentColor; animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .25; } }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.25rem; margin: 1rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.outcome { padding: .75rem 1rem; border-radius: .4rem; margin: 1rem 0; }
.outcome p { margin: .25rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
ol.stages { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
ol.stages li.stage { border: 1px solid var(--line); border-left-width: 4px; border-radius: .4rem; padding: .6rem .9rem; }
li.stage.tone-running { border-left-color: var(--running-fg); }
li.stage.tone-success { border-left-color: var(--success-fg); }
li.stage.tone-failure { border-left-color: var(--failure-fg); }
li.stage.tone-neutral { border-left-color: var(--neutral-fg); }
li.stage.tone-pending { border-left-color: var(--line); }
li.stage { background: var(--bg); color: var(--fg); }
.stage-head { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: baseline; }
.stage-head strong { min-width: 11rem; }
.stage p { margin: .4rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.tests { margin: .4rem 0 0; }
.tests ul { margin: .25rem 0 0; padding-left: 1.25rem; }
pre.log { background: #0d1117; color: #e6edf3; padding: .6rem .8rem; border-radius: .4rem; overflow: auto; max-height: 24rem; white-space: pre-wrap; overflow-wrap: anywhere; margin: .5rem 0 0; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0 1rem; }
form.filters label { display: grid; font-size: .85rem; color: var(--muted); }
form.filters select, form.filters input { font: inherit; padding: .25rem .4rem; border: 1px solid var(--line); border-radius: .3rem; min-width: 12rem; }
form.filters button { font: inherit; padding: .3rem .9rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--panel); cursor: pointer; }
table.deliveries { width: 100%; border-collapse: collapse; }
table.deliveries th, table.deliveries td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.deliveries th { font-size: .8rem; color: var(--muted); font-weight: 600; }
table.deliveries td.title { overflow-wrap: anywhere; }
.stage-dots { display: flex; flex-wrap: wrap; gap: .25rem; }
.stage-dots .badge { font-weight: 500; }
nav.pages { display: flex; gap: 1rem; margin-top: 1rem; }
footer.refresh { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
`;

/** `'sha256-…'`, the CSP source that allows exactly {@link STYLESHEET}. */
export const STYLESHEET_HASH = `'sha256-${createHash('sha256').update(STYLESHEET, 'utf8').digest('base64')}'`;
