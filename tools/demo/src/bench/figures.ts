/**
 * The push-to-live benchmark's figures, from what one demo run recorded: the
 * Delivery stages (written by the controllers, ms precision), the test and
 * build Jobs' pods as the demo's watch saw them run, the Service switches the
 * watch saw, and every request of the steady client. Pure.
 */
import type { DeliveryOutcome } from '../result.js';
import type { TrafficSample } from '../stack/traffic.js';
import type { JobRun, TrafficSwitch } from '../watch/cluster-watch.js';

/** Where one delivery's time went, in ms. */
export interface DeliveryFigures {
  readonly version: string;
  /** Webhook sent → the delivery's last stage finished (Live, Failed or RolledBack). */
  readonly totalMs: number;
  /** The test and build Jobs' pods running (first container — the clone step — started → pod ended), as the watch saw them. */
  readonly testJobMs: number;
  readonly buildJobMs: number;
  /** Their pods starting (created → first container running: scheduling, sandbox, image pulls): the node's time, not Sluice's. */
  readonly podStartMs: number;
  /** Deploy stage start → the Service switched to it: render, rollout, readiness, pre-promotion check. */
  readonly rolloutWaitMs: number;
  /** The Service switched → the deploy stage ended: the bake (or the time until an automatic rollback). */
  readonly bakeMs: number;
  /** What Sluice itself added: total − Job run times − pod starts − rollout wait − bake (webhook, queueing, Job creation, status hand-offs between the services). */
  readonly overheadMs: number;
}

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

/** How long a stage's Job pod took to start, and then ran (the last pod of that stage: a retried clone leaves several). */
function jobMs(runs: readonly JobRun[], delivery: string | undefined, stage: string): { start: number; run: number } {
  const run = runs.filter((r) => r.delivery === delivery && r.stage === stage && r.runningAt !== undefined && r.endedAt !== undefined).at(-1);
  return run?.runningAt !== undefined && run.endedAt !== undefined ? { start: run.runningAt - run.createdAt, run: run.endedAt - run.runningAt } : { start: 0, run: 0 };
}

/** The figures of one delivery, or undefined when it did not end or its webhook time is unknown. */
export function deliveryFigures(d: DeliveryOutcome, runs: readonly JobRun[], switches: readonly TrafficSwitch[]): DeliveryFigures | undefined {
  const ends = d.stages.map((s) => ms(s.finishedAt)).filter((t): t is number => t !== undefined);
  if (d.webhookSentAt === undefined || ends.length === 0) return undefined;
  const end = Math.max(...ends);
  const deploy = d.stages.find((s) => s.label.startsWith('deploy') && s.startedAt !== undefined && s.state !== 'skipped');
  const switched = switches.find((s) => s.revision === d.sha)?.at;
  const deployStart = ms(deploy?.startedAt);
  const deployEnd = ms(deploy?.finishedAt);
  const rolloutWaitMs = deployStart !== undefined && switched !== undefined ? Math.max(0, switched - deployStart) : deployStart !== undefined && deployEnd !== undefined ? deployEnd - deployStart : 0;
  const bakeMs = switched !== undefined && deployEnd !== undefined ? Math.max(0, deployEnd - switched) : 0;
  const test = jobMs(runs, d.name, 'test');
  const build = jobMs(runs, d.name, 'build');
  const podStartMs = test.start + build.start;
  const totalMs = end - d.webhookSentAt;
  return {
    version: d.version,
    totalMs,
    testJobMs: test.run,
    buildJobMs: build.run,
    podStartMs,
    rolloutWaitMs,
    bakeMs,
    overheadMs: totalMs - test.run - build.run - podStartMs - rolloutWaitMs - bakeMs,
  };
}

/** One switch of the Service, and how long requests sent after it still reached the version it replaced. */
export interface SwitchGap {
  readonly from: string;
  readonly to: string;
  /** Last request sent after the switch that the old version answered, ms after the switch (0: none). */
  readonly gapMs: number;
  /** Requests sent after the switch that the old version answered. */
  readonly stale: number;
}

/**
 * For each switch the client lived through: the versions on either side
 * (from `versionOf`, SHA → version) and how long after the switch the old
 * version still answered new connections (kube-proxy catching up).
 */
export function switchGaps(switches: readonly TrafficSwitch[], samples: readonly TrafficSample[], versionOf: (sha: string) => string | undefined): SwitchGap[] {
  const first = samples[0]?.at ?? Infinity;
  const gaps: SwitchGap[] = [];
  for (let i = 1; i < switches.length; i++) {
    const [before, sw] = [switches[i - 1], switches[i]];
    if (!before || !sw || sw.at < first) continue;
    const from = versionOf(before.revision) ?? before.revision;
    const to = versionOf(sw.revision) ?? sw.revision;
    const next = switches[i + 1]?.at ?? Infinity;
    const stale = samples.filter((s) => s.at >= sw.at && s.at < next && s.version === from);
    const last = Math.max(sw.at, ...stale.map((s) => s.at));
    gaps.push({ from, to, gapMs: last - sw.at, stale: stale.length });
  }
  return gaps;
}
