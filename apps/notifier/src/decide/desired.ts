/**
 * What GitLab should show for a Delivery, derived from its status alone.
 * Pure: the same Delivery always gives the same answer, so a restarted
 * notifier decides exactly what the one before it decided.
 */
import { noteMarker } from './adopt.js';
import {
  runPageUrl,
  shortSha,
  shownStages,
  stageName,
  type Delivery,
  type EnvironmentName,
  type GitLabStatusState,
  type Stage,
  type StageState,
} from '@sluice/delivery';
import { truncateText, type DeploymentStatus, type EnvironmentTier } from '@sluice/gitlab';

/** Options of {@link desiredFor}. */
export interface DesiredOptions {
  /** Status name prefix, e.g. `sluice`. */
  readonly prefix: string;
  /** Run-page base URL without trailing slash; statuses link `<url>/deliveries/<name>`. */
  readonly publicUrl?: string;
}

/** One commit status as it should be. */
export interface DesiredStatus {
  /** GitLab status name, also the key in `status.posted`. */
  readonly name: string;
  readonly state: GitLabStatusState;
  /** At most 255 characters. */
  readonly description: string;
  readonly targetUrl?: string;
}

/** One GitLab deployment as it should be. */
export interface DesiredDeployment {
  /** Key in `status.posted`, e.g. `sluice/deployment:production`. */
  readonly key: string;
  readonly environment: EnvironmentName;
  readonly status: DeploymentStatus;
  /** Key in `status.posted` of the environment's tier, set before the first deployment, e.g. `sluice/environment:production`. */
  readonly environmentKey: string;
  /** The GitLab environment tier of {@link environment}. */
  readonly tier: EnvironmentTier;
}

/** The one note posted after an automatic rollback. */
export interface DesiredNote {
  /** Key in `status.posted`, e.g. `sluice/rollback-note`. */
  readonly key: string;
  /** On the merge request when the Delivery came from one, else on the commit. */
  readonly target: { readonly kind: 'merge_request'; readonly iid: number } | { readonly kind: 'commit' };
  /** Ends with {@link DesiredNote.marker}. */
  readonly body: string;
  /** An HTML comment naming the Delivery (invisible in GitLab's Markdown): how a note already posted is found again (see `postedNote`). */
  readonly marker: string;
}

/** Everything GitLab should show for one Delivery. */
export interface Desired {
  /** In pipeline order: test, build, deploy per environment. */
  readonly statuses: readonly DesiredStatus[];
  readonly deployments: readonly DesiredDeployment[];
  readonly note?: DesiredNote;
}

const GITLAB_STATE: Readonly<Record<StageState, GitLabStatusState>> = {
  pending: 'pending',
  running: 'running',
  succeeded: 'success',
  failed: 'failed',
  // GitLab's `skipped` cannot follow `running`; canceled reads right in both cases.
  skipped: 'canceled',
  canceled: 'canceled',
};

/** `sluice/test`, `sluice/build`, `sluice/deploy:production`. */
export function statusName(prefix: string, stage: Pick<Stage, 'name' | 'environment'>): string {
  return `${prefix}/${stageName(stage)}`;
}

/** `posted` key of an environment's GitLab deployment. */
export function deploymentKey(prefix: string, environment: EnvironmentName): string {
  return `${prefix}/deployment:${environment}`;
}

/** `posted` key of an environment's tier, set once before its first deployment. */
export function environmentKey(prefix: string, environment: EnvironmentName): string {
  return `${prefix}/environment:${environment}`;
}

/** GitLab's environment tier for a Sluice environment: `production` and `staging` are their own tier, anything else `other`. */
export function environmentTier(environment: EnvironmentName): EnvironmentTier {
  const name: string = environment;
  return name === 'production' ? 'production' : name === 'staging' ? 'staging' : 'other';
}

/** `posted` key of the rollback note. */
export function noteKey(prefix: string): string {
  return `${prefix}/rollback-note`;
}

/** Decides every status, deployment and note GitLab should show for `delivery`. */
export function desiredFor(delivery: Delivery, options: DesiredOptions): Desired {
  const stages = shownStages(delivery);
  const targetUrl = runPageUrl(options.publicUrl, delivery.metadata.name);
  const statuses = stages.map((stage): DesiredStatus => {
    const status: DesiredStatus = { name: statusName(options.prefix, stage), state: GITLAB_STATE[stage.state], description: describeStage(stage) };
    return targetUrl === undefined ? status : { ...status, targetUrl };
  });
  const deployments = stages.flatMap((stage): DesiredDeployment[] => {
    if (stage.name !== 'deploy' || stage.environment === undefined) return [];
    const status = deploymentStatus(stage);
    if (status === undefined) return [];
    const environment = stage.environment;
    return [
      {
        key: deploymentKey(options.prefix, environment),
        environment,
        status,
        environmentKey: environmentKey(options.prefix, environment),
        tier: environmentTier(environment),
      },
    ];
  });
  const note = delivery.status?.phase === 'RolledBack' ? rollbackNote(delivery, stages, options, targetUrl) : undefined;
  return note === undefined ? { statuses, deployments } : { statuses, deployments, note };
}

/** A deployment exists once a deploy stage started; one that never started is not a deployment. */
function deploymentStatus(stage: Stage): DeploymentStatus | undefined {
  switch (stage.state) {
    case 'pending':
      return undefined;
    case 'running':
      return 'running';
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'failed';
    case 'skipped':
    case 'canceled':
      return stage.startedAt === undefined ? undefined : 'canceled';
  }
}

const WHAT: Readonly<Record<Stage['name'], readonly [waiting: string, running: string, done: string]>> = {
  test: ['Waiting to run tests', 'Running tests', 'Tests passed'],
  build: ['Waiting to build the image', 'Building the image', 'Image built'],
  deploy: ['Waiting to deploy', 'Deploying', 'Live'],
};

/** The status description: what happened, and for a failure the reason and a short message; ≤ 255 characters. */
export function describeStage(stage: Stage): string {
  const [waiting, running, done] = WHAT[stage.name];
  const where = stage.environment === undefined ? '' : ` ${stage.name === 'deploy' && stage.state === 'succeeded' ? 'on' : 'to'} ${stage.environment}`;
  let text: string;
  switch (stage.state) {
    case 'pending':
      text = `${waiting}${where}`;
      break;
    case 'running':
      text = `${running}${where}`;
      break;
    case 'succeeded':
      text = `${done}${where}${testCounts(stage)}`;
      break;
    case 'failed':
      text = withDetail(stage.reason ?? 'Failed', stage.message);
      break;
    case 'skipped':
      text = withDetail(stage.reason ?? 'Skipped', stage.message ?? 'an earlier stage did not succeed');
      break;
    case 'canceled':
      text = withDetail(stage.reason ?? 'Canceled', stage.message);
      break;
  }
  return truncateText(text);
}

function testCounts(stage: Stage): string {
  const summary = stage.testSummary;
  if (stage.name !== 'test' || summary === undefined) return '';
  return `: ${summary.passed} passed${summary.skipped > 0 ? `, ${summary.skipped} skipped` : ''}`;
}

function withDetail(reason: string, message: string | undefined): string {
  const detail = message?.replace(/\s+/g, ' ').trim();
  return detail ? `${reason}: ${detail}` : reason;
}

function rollbackNote(delivery: Delivery, stages: readonly Stage[], options: DesiredOptions, targetUrl: string | undefined): DesiredNote {
  const status = delivery.status;
  const sha = shortSha(delivery.spec.checkoutSha);
  const failed = stages.filter((stage) => stage.name === 'deploy' && stage.state === 'failed');
  const where = failed.map((stage) => stage.environment).join(', ') || 'its environment';
  const why = withDetail(status?.reason ?? failed[0]?.reason ?? 'RolledBack', status?.message ?? failed[0]?.message);
  const live = stages
    .filter((stage) => stage.name === 'deploy' && stage.environment !== undefined)
    .map((stage) =>
      stage.state === 'succeeded'
        ? `- **${stage.environment}**: \`${sha}\` (this commit)`
        : stage.state === 'failed'
          ? `- **${stage.environment}**: the version that was live before \`${sha}\` (restored by the rollback)`
          : `- **${stage.environment}**: unchanged (this commit was not deployed there)`,
    );
  const lines = [
    `**Sluice rolled back \`${sha}\` automatically on ${where}.**`,
    '',
    `Why: ${why}`,
    '',
    'What is live now:',
    ...live,
    ...(targetUrl === undefined ? [] : ['', `Details: ${targetUrl}`]),
    '',
    'This revision will not be deployed again automatically; push a fix to deliver a new one.',
  ];
  const mergeRequest = delivery.spec.mergeRequest;
  const marker = noteMarker(delivery.metadata.name ?? '');
  return {
    key: noteKey(options.prefix),
    target: mergeRequest === undefined ? { kind: 'commit' } : { kind: 'merge_request', iid: mergeRequest.iid },
    body: [...lines, '', marker].join('\n'),
    marker,
  };
}
