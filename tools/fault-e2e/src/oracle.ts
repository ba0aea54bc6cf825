/**
 * What a fault run must end with, decided from the pushes and what the
 * cluster and GitLab hold afterwards. Pure: every check returns problems
 * (strings naming the push, Delivery or request), so a failed run says all
 * that went wrong at once.
 */
import type { RecordedRequest, StoredCommitComment, StoredDeployment, StoredStatus } from '@sluice/gitlab-stand-in';
import type { RevisionKind } from './plan.js';

/** One push that was sent (index -1: a branch's baseline). */
export interface PushRecord {
  readonly index: number;
  readonly branch: string;
  readonly kind: RevisionKind;
  readonly sha: string;
  readonly projectId: number;
  readonly sentAtMs: number;
  /** The gateway's final answer. */
  readonly answerStatus: number;
  readonly answerDelivery?: string;
}

/** The parts of a Delivery the oracle reads. */
export interface DeliveryView {
  readonly name: string;
  readonly sha: string;
  readonly projectId: number;
  readonly ref: string;
  readonly receivedAt: string;
  readonly phase?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly stages: readonly {
    readonly name: string;
    readonly environment?: string;
    readonly state: string;
    readonly startedAt?: string;
    readonly finishedAt?: string;
    readonly reason?: string;
    readonly message?: string;
  }[];
}

export interface GitlabView {
  readonly statuses: readonly StoredStatus[];
  readonly deployments: readonly StoredDeployment[];
  readonly commitComments: readonly StoredCommitComment[];
  readonly requests: readonly RecordedRequest[];
}

export interface OracleInput {
  readonly pushes: readonly PushRecord[];
  readonly deliveries: readonly DeliveryView[];
  /** Per branch: the live revision on its Service (`sluice.dev/revision`). */
  readonly live: ReadonlyMap<string, string | undefined>;
  readonly gitlab: GitlabView;
  /** The environment every branch deploys to. */
  readonly environment: string;
  readonly statusNames: readonly string[];
  /**
   * A newer push arriving within this many ms of an older one's deploy start
   * is a tie: the gateway's decision and the deployer's start race, and
   * either outcome is right. Default 1000.
   */
  readonly tieMs?: number;
}

/** One push's verdict. */
export interface Verdict {
  readonly push: PushRecord;
  readonly delivery?: DeliveryView;
  readonly allowed: readonly string[];
  readonly why: string;
  readonly tie: boolean;
}

export interface OracleResult {
  readonly problems: string[];
  readonly verdicts: Verdict[];
}

const FINAL_STATES = new Set(['success', 'failed', 'canceled']);
const GITLAB_STATE: Readonly<Record<string, string>> = { succeeded: 'success', failed: 'failed', skipped: 'canceled', canceled: 'canceled' };

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
const short = (sha: string) => sha.slice(0, 8);

export function judge(input: OracleInput): OracleResult {
  const problems: string[] = [];
  const tieMs = input.tieMs ?? 1_000;
  const label = (p: PushRecord) => `push ${p.index < 0 ? 'baseline' : `#${p.index + 1}`} (${p.branch}, ${p.kind}, ${short(p.sha)})`;

  // Every push answered and has exactly one Delivery; no Delivery without a push.
  const byPush = new Map<PushRecord, DeliveryView>();
  for (const p of input.pushes) {
    if (p.answerStatus !== 202 && p.answerStatus !== 200) problems.push(`${label(p)}: the gateway answered ${p.answerStatus}`);
    const found = input.deliveries.filter((d) => d.sha === p.sha && d.projectId === p.projectId);
    if (found.length !== 1) problems.push(`${label(p)}: ${found.length} Deliveries (${found.map((d) => d.name).join(', ')}), expected exactly one`);
    const d = found[0];
    if (d) {
      byPush.set(p, d);
      if (p.answerDelivery !== undefined && p.answerDelivery !== d.name) problems.push(`${label(p)}: the gateway named ${p.answerDelivery}, the Delivery is ${d.name}`);
    }
  }
  const known = new Set(input.pushes.map((p) => `${p.projectId}/${p.sha}`));
  for (const d of input.deliveries) if (!known.has(`${d.projectId}/${d.sha}`)) problems.push(`Delivery ${d.name} (${short(d.sha)}) belongs to no push`);

  // The final phase that is right for each push.
  const verdicts: Verdict[] = [];
  const branches = [...new Set(input.pushes.map((p) => p.branch))];
  for (const branch of branches) {
    const line = input.pushes
      .filter((p) => p.branch === branch && byPush.has(p))
      .sort((a, b) => (ms(byPush.get(a)?.receivedAt) ?? 0) - (ms(byPush.get(b)?.receivedAt) ?? 0));
    line.forEach((p, i) => {
      const d = byPush.get(p) as DeliveryView;
      const next = line[i + 1];
      const finish = p.kind === 'passing' ? 'Live' : p.kind === 'failing' ? 'Failed' : 'RolledBack';
      let allowed: string[];
      let why: string;
      let tie = false;
      if (!next) {
        allowed = [finish];
        why = 'newest push of its branch';
      } else {
        const nextAt = ms(byPush.get(next)?.receivedAt) as number;
        if (p.kind === 'failing') {
          const test = d.stages.find((s) => s.name === 'test');
          const failedAt = test?.state === 'failed' ? ms(test.finishedAt) : undefined;
          if (failedAt !== undefined && failedAt < nextAt - tieMs) {
            allowed = ['Failed'];
            why = `its tests failed ${nextAt - failedAt} ms before the next push arrived`;
          } else {
            allowed = ['Failed', 'Superseded'];
            why = 'the next push arrived before (or as) its tests failed';
            tie = failedAt !== undefined && Math.abs(failedAt - nextAt) <= tieMs;
          }
        } else {
          const deploy = d.stages.find((s) => s.name === 'deploy' && s.environment === input.environment);
          const startedAt = ms(deploy?.startedAt);
          if (startedAt !== undefined && startedAt < nextAt - tieMs) {
            allowed = [finish];
            why = `its deploy started ${nextAt - startedAt} ms before the next push arrived: it finishes the environment`;
          } else if (startedAt !== undefined && Math.abs(startedAt - nextAt) <= tieMs) {
            allowed = [finish, 'Superseded'];
            why = `its deploy started ${startedAt - nextAt} ms after the next push arrived (a tie)`;
            tie = true;
          } else {
            allowed = ['Superseded'];
            why = startedAt === undefined ? 'a newer push arrived and it never started deploying' : `its deploy started ${startedAt - nextAt} ms after the next push arrived`;
          }
        }
      }
      verdicts.push({ push: p, delivery: d, allowed, why, tie });
      if (!allowed.includes(d.phase ?? '')) {
        const stages = d.stages.map((s) => `${s.name}${s.environment ? `:${s.environment}` : ''}=${s.state}${s.reason ? `(${s.reason}${s.message ? `: ${s.message.slice(0, 160)}` : ''})` : ''}${s.startedAt ? `@${s.startedAt.slice(11, 23)}` : ''}`).join(' ');
        const because = d.reason || d.message ? ` [${[d.reason, d.message].filter(Boolean).join(': ')}]` : '';
        problems.push(`${label(p)}: Delivery ${d.name} is ${d.phase ?? 'without phase'}${because}, expected ${allowed.join(' or ')} (${why}); received ${d.receivedAt.slice(11, 23)}; ${stages}`);
      }
    });

    // The live revision: the newest push of the branch that is Live, never an unhealthy one.
    const lives = line.filter((p) => byPush.get(p)?.phase === 'Live');
    const expected = lives.at(-1)?.sha;
    const live = input.live.get(branch);
    if (live !== expected) problems.push(`${branch}: the Service serves ${live ? short(live) : 'nothing'}, expected ${expected ? short(expected) : 'nothing'} (the newest Live Delivery of the branch)`);
    const liveKind = input.pushes.find((p) => p.sha === live)?.kind;
    if (liveKind === 'unhealthy') problems.push(`${branch}: the Service serves unhealthy revision ${short(live as string)}`);
  }

  // GitLab: one final status per (SHA, name), matching the stage; one deployment per (SHA, environment); at most one note.
  for (const p of input.pushes) {
    const d = byPush.get(p);
    const rows = input.gitlab.statuses.filter((s) => s.sha === p.sha && s.projectId === p.projectId);
    const names = new Set([...input.statusNames, ...rows.map((r) => r.name)]);
    for (const name of names) {
      const finals = rows.filter((r) => r.name === name && FINAL_STATES.has(r.status));
      if (finals.length !== 1) {
        problems.push(`${label(p)}: GitLab holds ${finals.length} final statuses ${name} (${rows.filter((r) => r.name === name).map((r) => r.status).join(' → ') || 'none'}), expected exactly one`);
        continue;
      }
      const stage = d?.stages.find((s) => `sluice/${s.name}${s.environment ? `:${s.environment}` : ''}` === name);
      const want = stage ? GITLAB_STATE[stage.state] : undefined;
      if (want !== undefined && finals[0]?.status !== want) problems.push(`${label(p)}: GitLab's ${name} is ${finals[0]?.status}, the stage ended ${stage?.state}`);
    }
    const deployments = input.gitlab.deployments.filter((x) => x.sha === p.sha && x.projectId === p.projectId && x.environment.name === input.environment);
    const deployed = d?.stages.some((s) => s.name === 'deploy' && s.startedAt !== undefined) ?? false;
    if (deployments.length > 1 || (deployed && deployments.length !== 1)) problems.push(`${label(p)}: ${deployments.length} GitLab deployments to ${input.environment}${deployed ? ', expected exactly one' : ', expected at most one'}`);
    const notes = input.gitlab.commitComments.filter((c) => c.sha === p.sha && c.projectId === p.projectId);
    const rolledBack = d?.phase === 'RolledBack';
    if (notes.length > 1 || (rolledBack && notes.length !== 1)) problems.push(`${label(p)}: ${notes.length} rollback notes${rolledBack ? ', expected one' : ', expected at most one'}`);
  }

  // No request repeated after it succeeded.
  problems.push(...repeatedAfterSuccess(input.gitlab.requests));
  return { problems, verdicts };
}

/** The key of a write request: method, path and body. */
function requestKey(r: RecordedRequest): string {
  return `${r.method} ${r.path} ${JSON.stringify(r.body)}`;
}

/** Writes (anything but GET/HEAD) sent again after the same write was answered 2xx. */
export function repeatedAfterSuccess(requests: readonly RecordedRequest[]): string[] {
  const succeeded = new Map<string, RecordedRequest>();
  const problems: string[] = [];
  for (const r of requests) {
    if (r.method === 'GET' || r.method === 'HEAD') continue;
    const key = requestKey(r);
    const earlier = succeeded.get(key);
    if (earlier) problems.push(`GitLab: ${r.method} ${r.path} ${JSON.stringify(r.body).slice(0, 160)} sent again at ${r.at} after it succeeded at ${earlier.at} (answered ${r.status})`);
    if (r.status >= 200 && r.status < 300) succeeded.set(key, r);
  }
  return problems;
}

/** Writes sent again after a failed answer (the notifier's retries), and the injected faults used. */
export function gitlabFigures(requests: readonly RecordedRequest[]): { requests: number; faults429: number; faults502: number; retries: number } {
  const failed = new Set<string>();
  let retries = 0;
  for (const r of requests) {
    if (r.method === 'GET' || r.method === 'HEAD') continue;
    const key = requestKey(r);
    if (failed.has(key)) retries += 1;
    if (r.status < 200 || r.status >= 300) failed.add(key);
    else failed.delete(key);
  }
  return {
    requests: requests.length,
    faults429: requests.filter((r) => r.fault && r.status === 429).length,
    faults502: requests.filter((r) => r.fault && r.status === 502).length,
    retries,
  };
}
