import {
  isTerminal,
  liveEnvironments,
  replacementsOf,
  RUN_PAGES_PATH,
  runPagePath,
  shortSha,
  shownStages,
  stageLabel,
  type Delivery,
  type EnvironmentName,
  type Phase,
  type Stage,
  type StageState,
} from '@sluice/delivery';
import { traceIdOf } from '@sluice/telemetry';
import { between, formatDuration, formatUtc } from './format.js';
import { gitlabLinks, grafanaTraceUrl, type GrafanaOptions } from './links.js';

/** How a phase or stage state is coloured. */
export type Tone = 'pending' | 'running' | 'success' | 'failure' | 'neutral';

/** Seconds between reloads of a page showing something that still moves. */
export const REFRESH_SECONDS = 2;

/** What every page model is built with. */
export interface PageContext {
  /** The time the page is rendered at (durations of running stages). */
  readonly now: Date;
  /** Path prefix of the run pages (from the public URL), `''` at the root. */
  readonly basePath: string;
  readonly grafana?: GrafanaOptions;
}

/** The test counts of a stage, ready to show. */
export interface TestsModel {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly total: number;
  readonly firstFailures: readonly string[];
}

/** One stage row of a run page. */
export interface StageModel {
  /** `test`, `build`, `deploy/staging`. */
  readonly label: string;
  readonly state: StageState;
  readonly tone: Tone;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** How long it took, or has been running. */
  readonly duration?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly exitCode?: number;
  readonly job?: string;
  readonly tests?: TestsModel;
  readonly logTail?: string;
}

/** Where a Delivery was replaced, for a run page. */
export interface ReplacedModel {
  readonly environment: EnvironmentName;
  readonly by: { readonly name: string; readonly href: string };
  /** When the environment's traffic switched to it, UTC. */
  readonly at: string;
}

/** Everything a run page shows, as plain strings and numbers. */
export interface RunPageModel {
  readonly name: string;
  /** The commit title, else the merge request title, else the ref. */
  readonly title: string;
  readonly application: string;
  /** `branch`, `tag` or `merge request`. */
  readonly refKind: string;
  readonly ref: string;
  readonly mergeRequest?: { readonly label: string; readonly target: string; readonly url?: string };
  readonly project: string;
  readonly projectUrl?: string;
  readonly sha: string;
  readonly shortSha: string;
  readonly commitUrl?: string;
  readonly author?: string;
  readonly pusher: string;
  readonly phase: Phase;
  readonly tone: Tone;
  readonly final: boolean;
  readonly reason?: string;
  readonly message?: string;
  readonly supersededBy?: { readonly name: string; readonly href: string };
  /** Environments this Delivery's revision serves now (`status.liveIn`); absent when none. */
  readonly liveIn?: readonly EnvironmentName[];
  /** Environments it served and another Delivery's revision serves now (`status.replaced`): by which (linked), since when. */
  readonly replaced?: readonly ReplacedModel[];
  /** A newer push came while this one was in the middle of an environment: it finishes that environment first (`status.endRequested`). */
  readonly supersedeRequested?: { readonly name: string; readonly href: string };
  readonly receivedAt: string;
  /** From receipt to the last stage's end (or until now while it runs). */
  readonly elapsed?: string;
  readonly traceId?: string;
  readonly grafanaUrl?: string;
  readonly stages: readonly StageModel[];
  readonly links: { readonly list: string; readonly application: string; readonly ref: string };
  /** Set while the Delivery is not final: the page reloads itself. */
  readonly refreshSeconds?: number;
}

const PHASE_TONE: Record<Phase, Tone> = {
  Pending: 'pending',
  Testing: 'running',
  Building: 'running',
  Deploying: 'running',
  Verifying: 'running',
  Live: 'success',
  Passed: 'success',
  Failed: 'failure',
  RolledBack: 'failure',
  Superseded: 'neutral',
  Canceled: 'neutral',
};

const STAGE_TONE: Record<StageState, Tone> = {
  pending: 'pending',
  running: 'running',
  succeeded: 'success',
  failed: 'failure',
  skipped: 'neutral',
  canceled: 'neutral',
};

const REF_KIND = { branch: 'branch', tag: 'tag', merge_request: 'merge request' } as const;

/** The tone of a phase. */
export function phaseTone(phase: Phase): Tone {
  return PHASE_TONE[phase];
}

/** The tone of a stage state. */
export function stageTone(state: StageState): Tone {
  return STAGE_TONE[state];
}

/** `/deliveries` under the base path, filtered when `filter` names an application or a branch. */
export function listHref(basePath: string, filter: { readonly application?: string; readonly branch?: string; readonly page?: number } = {}): string {
  const query = new URLSearchParams();
  if (filter.application) query.set('application', filter.application);
  if (filter.branch) query.set('branch', filter.branch);
  if (filter.page !== undefined && filter.page > 1) query.set('page', String(filter.page));
  const search = query.toString();
  return `${basePath}${RUN_PAGES_PATH}${search === '' ? '' : `?${search}`}`;
}

/**
 * How long the Delivery has taken: from receipt until now while it runs,
 * until its last stage ended once it is final (`undefined` when no stage
 * recorded an end, e.g. superseded before it started).
 */
export function elapsedMs(delivery: Delivery, now: Date): number | undefined {
  if (!isTerminal(delivery.status?.phase ?? 'Pending')) return between(delivery.spec.receivedAt, now.toISOString());
  const ends = (delivery.status?.stages ?? []).map((stage) => Date.parse(stage.finishedAt ?? '')).filter((ms) => !Number.isNaN(ms));
  return ends.length === 0 ? undefined : between(delivery.spec.receivedAt, new Date(Math.max(...ends)).toISOString());
}

/** A stage as a run page shows it. */
export function stageModel(stage: Stage, now: Date): StageModel {
  const running = stage.state === 'running';
  const took = between(stage.startedAt, stage.finishedAt ?? (running ? now.toISOString() : undefined));
  const summary = stage.testSummary;
  return {
    label: stageLabel(stage),
    state: stage.state,
    tone: stageTone(stage.state),
    ...(stage.startedAt !== undefined && { startedAt: formatUtc(stage.startedAt) }),
    ...(stage.finishedAt !== undefined && { finishedAt: formatUtc(stage.finishedAt) }),
    ...(took !== undefined && { duration: formatDuration(took) }),
    ...(stage.reason !== undefined && { reason: stage.reason }),
    ...(stage.message !== undefined && { message: stage.message }),
    ...(stage.exitCode !== undefined && { exitCode: stage.exitCode }),
    ...(stage.jobName !== undefined && { job: stage.jobName }),
    ...(summary !== undefined && {
      tests: { passed: summary.passed, failed: summary.failed, skipped: summary.skipped, total: summary.total, firstFailures: summary.firstFailures },
    }),
    ...(stage.logTail !== undefined && stage.logTail !== '' && { logTail: stage.logTail }),
  };
}

function pusherOf(delivery: Delivery): string {
  const { name, username } = delivery.spec.pusher;
  return username === undefined ? name : `${name} (@${username})`;
}

/** `liveIn` and `replaced` of a run page: whether the revision still serves where it went live (a Live Delivery stays Live). */
export function trafficModel(delivery: Delivery, basePath: string): Pick<RunPageModel, 'liveIn' | 'replaced'> {
  const liveIn = liveEnvironments(delivery);
  const replaced = replacementsOf(delivery).map((r) => ({ environment: r.environment, by: { name: r.by, href: runPagePath(basePath, r.by) }, at: formatUtc(r.at) }));
  return { ...(liveIn.length > 0 && { liveIn }), ...(replaced.length > 0 && { replaced }) };
}

/** Builds the run page of one Delivery. Pure: the same Delivery and context give the same page. */
export function runPageModel(delivery: Delivery, context: PageContext): RunPageModel {
  const { spec, metadata } = delivery;
  const status = delivery.status;
  const phase = status?.phase ?? 'Pending';
  const final = isTerminal(phase);
  const stages = shownStages(delivery);
  const links = gitlabLinks(delivery);
  const traceId = traceIdOf(delivery);
  const grafanaUrl = traceId === undefined || context.grafana === undefined ? undefined : grafanaTraceUrl(context.grafana, traceId, spec.receivedAt);
  const elapsed = elapsedMs(delivery, context.now);
  const mr = spec.mergeRequest;
  return {
    name: metadata.name,
    title: spec.commit?.title || mr?.title || `${REF_KIND[spec.refType]} ${spec.ref}`,
    application: spec.application,
    refKind: REF_KIND[spec.refType],
    ref: spec.ref,
    ...(mr && { mergeRequest: { label: `!${mr.iid}`, target: mr.targetBranch, ...(links.mergeRequest && { url: links.mergeRequest }) } }),
    project: spec.project.path,
    ...(links.project && { projectUrl: links.project }),
    sha: spec.checkoutSha,
    shortSha: shortSha(spec.checkoutSha),
    ...(links.commit && { commitUrl: links.commit }),
    ...(spec.commit?.authorName && { author: spec.commit.authorName }),
    pusher: pusherOf(delivery),
    phase,
    tone: phaseTone(phase),
    final,
    ...(status?.reason !== undefined && { reason: status.reason }),
    ...(status?.message !== undefined && { message: status.message }),
    ...(status?.supersededBy !== undefined && { supersededBy: { name: status.supersededBy, href: runPagePath(context.basePath, status.supersededBy) } }),
    ...trafficModel(delivery, context.basePath),
    ...(!final &&
      status?.endRequested?.supersededBy !== undefined && {
        supersedeRequested: { name: status.endRequested.supersededBy, href: runPagePath(context.basePath, status.endRequested.supersededBy) },
      }),
    receivedAt: formatUtc(spec.receivedAt),
    ...(elapsed !== undefined && { elapsed: formatDuration(elapsed) }),
    ...(traceId !== undefined && { traceId }),
    ...(grafanaUrl !== undefined && { grafanaUrl }),
    stages: stages.map((stage) => stageModel(stage, context.now)),
    links: {
      list: listHref(context.basePath),
      application: listHref(context.basePath, { application: spec.application }),
      ref: listHref(context.basePath, { application: spec.application, branch: spec.ref }),
    },
    ...(!final && { refreshSeconds: REFRESH_SECONDS }),
  };
}
