import type { Phase, StageState } from '@sluice/delivery';

/** `850ms`, `3.2s`, `1m05s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** ✓ succeeded, ✗ failed, … running, · pending, – skipped or canceled. */
export function stageSymbol(state: StageState): string {
  switch (state) {
    case 'succeeded':
      return '✓';
    case 'failed':
      return '✗';
    case 'running':
      return '…';
    case 'pending':
      return '·';
    case 'skipped':
    case 'canceled':
      return '–';
  }
}

/** ✓ Live/Passed, ✗ Failed, ↩ RolledBack, – Superseded/Canceled, … on the way. */
export function phaseSymbol(phase: Phase): string {
  switch (phase) {
    case 'Live':
    case 'Passed':
      return '✓';
    case 'Failed':
      return '✗';
    case 'RolledBack':
      return '↩';
    case 'Superseded':
    case 'Canceled':
      return '–';
    default:
      return '…';
  }
}

const CODES = { green: 32, red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

/** An ANSI colour, or none. */
export type Paint = (style: keyof typeof CODES, text: string) => string;

/** Paints when `enabled`, else leaves text alone. */
export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\x1b[${CODES[style]}m${text}\x1b[0m` : (_style, text) => text;
}

/** The colour a stage state reads in. */
export function stageStyle(state: StageState): keyof typeof CODES {
  return state === 'succeeded' ? 'green' : state === 'failed' ? 'red' : state === 'running' ? 'yellow' : 'dim';
}

/** The colour a phase reads in. */
export function phaseStyle(phase: Phase): keyof typeof CODES {
  if (phase === 'Live' || phase === 'Passed') return 'green';
  if (phase === 'Failed' || phase === 'RolledBack') return 'red';
  if (phase === 'Superseded' || phase === 'Canceled') return 'dim';
  return 'yellow';
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Visible length, ANSI escapes not counted. */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/** Pads to `width` visible characters. */
export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/** The first 7 characters of a SHA. */
export function short(sha: string): string {
  return sha.slice(0, 7);
}
