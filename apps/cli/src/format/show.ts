import {
  ANNOTATIONS,
  isTerminal,
  liveEnvironments,
  PROMOTE_ACTION,
  promotionApprovedAnnotation,
  replacementsOf,
  runPageUrl,
  stageName,
  waitingForPromotion,
  type Delivery,
  type Stage,
} from '@sluice/delivery';
import { traceIdOf } from '@sluice/telemetry';
import type { Styles } from './color.js';
import { refText } from './deliveries.js';
import { printableDeep } from './printable.js';
import { phaseStyle, stageSymbol, stateStyle } from './stages.js';
import { renderTable } from './table.js';
import { age, elapsed, formatDuration, timestamp } from './time.js';

/** What `show` needs besides the Delivery. */
export interface ShowContext {
  readonly now: Date;
  readonly styles: Styles;
  /** `SLUICE_PUBLIC_URL`: base of the run pages. */
  readonly publicUrl?: string;
  /** The Application's Ready condition, when it could be read; shown next to the app only when it is not True. */
  readonly applicationReady?: { readonly status: string; readonly reason: string; readonly message: string };
}

function field(label: string, value: string | undefined): string[] {
  return value ? [`${label.padEnd(11)} ${value}`] : [];
}

function appText(application: string, ctx: ShowContext): string {
  const ready = ctx.applicationReady;
  if (ready === undefined || ready.status === 'True') return application;
  const why = [ready.reason, ready.message].filter(Boolean).join(': ');
  return `${application} ${ctx.styles.bad(`(Ready ${ready.status}${why ? `, ${why}` : ''})`)}`;
}

function pusher(d: Delivery): string {
  const p = d.spec.pusher;
  return [p.name, p.email && `<${p.email}>`, p.username && `(@${p.username})`].filter(Boolean).join(' ');
}

function phaseLine(d: Delivery, s: Styles): string {
  const phase = d.status?.phase ?? 'Pending';
  const why = [d.status?.reason, d.status?.message].filter(Boolean).join(': ');
  return phaseStyle(phase, s)(phase) + (why ? ` (${why})` : '');
}

/** `Live in production`, `Replaced by <name> at <time> in staging`: whether the revision still serves where it went live. */
function trafficLines(d: Delivery, s: Styles): string[] {
  const live = liveEnvironments(d);
  return [
    ...(live.length > 0 ? [s.ok(`Live in ${live.join(' and ')}`)] : []),
    ...replacementsOf(d).map((r) => `Replaced by ${r.by} at ${timestamp(r.at)} in ${r.environment}`),
  ];
}

function stageTable(d: Delivery, now: Date, s: Styles): string[] {
  const rows = (d.status?.stages ?? []).map((stage) => {
    const took = elapsed(stage.startedAt, stage.finishedAt, now);
    const duration = took === undefined ? '' : stage.state === 'running' ? `${formatDuration(took)} so far` : formatDuration(took);
    return [
      { text: stageName(stage) },
      { text: `${stageSymbol(stage.state)} ${stage.state}`, style: stateStyle(stage.state, s) },
      { text: timestamp(stage.startedAt) },
      { text: duration },
      { text: [stage.reason, stage.message].filter(Boolean).join(': ') },
    ];
  });
  return rows.length === 0 ? ['  (no stages yet)'] : renderTable(['STAGE', 'STATE', 'STARTED', 'DURATION', 'DETAIL'], rows).map((l) => `  ${l}`);
}

function stageDetails(stage: Stage): string[] {
  const lines: string[] = [];
  const t = stage.testSummary;
  if (t) {
    lines.push(`Tests (${stageName(stage)}): ${t.total} total, ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
    for (const name of t.firstFailures) lines.push(`  ✗ ${name}`);
  }
  if (stage.logTail) {
    const job = stage.jobName ? `, Job ${stage.jobName}` : '';
    const exit = stage.exitCode !== undefined ? `, exit code ${stage.exitCode}` : '';
    lines.push(`Log tail (${stageName(stage)}${job}${exit}):`);
    for (const line of stage.logTail.replace(/\n$/, '').split('\n')) lines.push(`  | ${line}`);
  }
  return lines;
}

function notes(d: Delivery): string[] {
  const ann = d.metadata.annotations ?? {};
  const out: string[] = [];
  const rollbackOf = ann[ANNOTATIONS.rollback];
  if (rollbackOf) out.push(`manual rollback Delivery for ${rollbackOf}`);
  if (d.status?.supersededBy) out.push(`superseded by ${d.status.supersededBy}`);
  const requested = d.status?.endRequested;
  if (requested && !isTerminal(d.status?.phase ?? 'Pending')) {
    out.push(`${requested.phase === 'Superseded' ? `superseded by ${requested.supersededBy ?? '?'}` : 'canceled'} once this environment is finished`);
  }
  for (const env of ['staging', 'production']) {
    const at = ann[promotionApprovedAnnotation(env)];
    if (at) out.push(`promoted in ${env} at ${timestamp(at)}`);
  }
  const waiting = waitingForPromotion(d.status?.stages ?? []);
  if (ann[ANNOTATIONS.action] === PROMOTE_ACTION) out.push('promotion requested; the deployer has not taken it yet');
  else if (waiting) out.push(`waiting for promotion in ${waiting.environment ?? '?'}: sluice promote ${d.metadata.name}`);
  return out;
}

/**
 * Everything a person needs about one delivery, as text. Every string of
 * the Delivery goes through `printable` first: most of them come from the
 * push (commit, pusher, test names, failure messages, the log tail).
 */
export function renderShow(delivery: Delivery, ctx: ShowContext): string {
  const d = printableDeep(delivery);
  const s = ctx.styles;
  const mr = d.spec.mergeRequest;
  const lines = [
    ...field('Delivery', s.bold(d.metadata.name)),
    ...field('Namespace', d.metadata.namespace),
    ...field('App', appText(d.spec.application, ctx)),
    ...field('Project', `${d.spec.project.path} (id ${d.spec.project.id})`),
    ...field('Ref', `${refText(d)} (${d.spec.refType.replace('_', ' ')})`),
    ...field('Commit', d.spec.checkoutSha),
    ...field('Title', d.spec.commit?.title ?? mr?.title),
    ...field('Author', d.spec.commit?.authorName),
    ...field('Pushed by', pusher(d)),
    ...field('Commit URL', d.spec.commit?.url),
    ...field('MR', mr && [`!${mr.iid} ${mr.sourceBranch} → ${mr.targetBranch}`, mr.url].filter(Boolean).join('  ')),
    ...field('Received', `${timestamp(d.spec.receivedAt)} (${age(d.spec.receivedAt, ctx.now)} ago)`),
    ...field('Phase', phaseLine(d, s)),
    ...trafficLines(d, s).map((line) => `${'Traffic'.padEnd(11)} ${line}`),
    ...field('Trace', traceIdOf(d)),
    ...field('Run page', runPageUrl(ctx.publicUrl, d.metadata.name)),
    ...notes(d).map((n) => `${'Note'.padEnd(11)} ${n}`),
    '',
    'Stages:',
    ...stageTable(d, ctx.now, s),
  ];
  const details = (d.status?.stages ?? []).flatMap(stageDetails);
  if (details.length > 0) lines.push('', ...details);
  return `${lines.join('\n')}\n`;
}
