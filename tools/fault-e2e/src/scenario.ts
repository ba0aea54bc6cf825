/**
 * One fault run: the stack, a baseline push per branch (each branch Live
 * first, so an unhealthy revision always has a good one to roll back to),
 * then the seeded plan — pushes, SIGKILLs of the active controller replicas
 * (each replaced by a new process), GitLab 429/502 stretches — then the wait
 * until every Delivery is final and GitLab caught up, and the verdict.
 */
import { writeFile } from 'node:fs/promises';
import { API_GROUP_VERSION, ANNOTATIONS, TERMINAL_PHASES, type DeliverySpec, type DeliveryStatus } from '@sluice/delivery';
import { resourcePath, type KubeObject } from '@sluice/kube';
import { waitForLeaseHolder } from '@sluice/kube/testing';
import { gitlabFigures, judge, type DeliveryView, type OracleResult, type PushRecord } from './oracle.js';
import { KILLED_SERVICES, makePlan, type FaultPlan, type KilledService, type PlanOptions } from './plan.js';
import { leaderHolder } from './replicas.js';
import { createSampleRepository, type SampleCommit, type SampleRepository } from './sample-repo.js';
import { ENVIRONMENT, LEADER, openStack, projectOf, type Stack } from './stack.js';
import { startTraffic } from './traffic.js';
import { pushHook, sendPushHook } from './webhook.js';
import { observeWrites, type WriteObserver } from './writes.js';

const STATUS_NAMES = ['sluice/test', 'sluice/build', `sluice/deploy:${ENVIRONMENT.name}`];

export interface KillRecord {
  readonly service: KilledService;
  readonly plannedAtMs: number;
  /** When the SIGKILL was sent, ms after the window opened. */
  readonly atMs?: number;
  readonly victim?: string;
  readonly successor?: string;
  /** Epoch ms of the SIGKILL. */
  readonly killedAt?: number;
  /** SIGKILL → the Lease names another live replica. */
  readonly takeoverMs?: number;
  /** SIGKILL → the first write of the service again (Delivery, Job, Deployment, Service; for the notifier also a GitLab request). */
  firstWriteMs?: number;
  readonly skipped?: string;
}

export interface RunOptions {
  readonly kubeconfig: string;
  readonly seed: number;
  readonly plan?: PlanOptions;
  /** Gateways to run. Default 1. */
  readonly gateways?: number;
  /** How long after the last push every Delivery must be final. Default 120 s. */
  readonly settleDeadlineMs?: number;
  /** At least this long after the faults stopped, whatever the above says. Default 90 s. */
  readonly settleAfterFaultsMs?: number;
  /** The settle ends at the latest this long after the run began, so a run on a swamped machine still reports (the test's timeout is 420 s). Default 330 s. */
  readonly budgetMs?: number;
  readonly log?: (line: string) => void;
}

export interface RunResult {
  readonly plan: FaultPlan;
  readonly pushes: readonly PushRecord[];
  readonly kills: readonly KillRecord[];
  readonly verdict: OracleResult;
  /** Problems found outside the oracle (a Delivery never final, a timeout). */
  readonly problems: readonly string[];
  readonly figures: {
    readonly pushes: number;
    readonly kinds: Readonly<Record<string, number>>;
    readonly phases: Readonly<Record<string, number>>;
    readonly killsPerService: Readonly<Record<string, number>>;
    readonly gitlab: ReturnType<typeof gitlabFigures>;
    /** Last push sent, ms after the window opened. */
    readonly pushWindowMs: number;
    /** Faults stopped → every Delivery final (0 when they were all final before). */
    readonly settleMs: number | undefined;
    /** Last push → every Delivery final. */
    readonly lastPushToFinalMs: number | undefined;
    /** Faults stopped → GitLab holds every final status. */
    readonly gitlabSettleMs: number | undefined;
    readonly ties: number;
    readonly traffic: { answered: number; failed: number };
    readonly totalMs: number;
    /** Replicas that exited on their own and were restarted (ms after the window opened). */
    readonly exits: readonly { readonly pod: string; readonly atMs: number; readonly lastLog: string }[];
    /** Replica starts that failed (each retried; ms after the window opened). */
    readonly startFailures: readonly { readonly pod: string; readonly atMs: number; readonly error: string }[];
  };
}

type DeliveryObject = KubeObject & { spec: DeliverySpec; status?: DeliveryStatus };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function viewOf(d: DeliveryObject): DeliveryView {
  return {
    name: d.metadata.name ?? '',
    sha: d.spec.checkoutSha,
    projectId: d.spec.project.id,
    ref: d.spec.ref,
    receivedAt: d.spec.receivedAt,
    ...(d.status?.phase !== undefined && { phase: d.status.phase }),
    ...(d.status?.reason !== undefined && { reason: d.status.reason }),
    ...(d.status?.message !== undefined && { message: d.status.message }),
    stages: (d.status?.stages ?? []).map((s) => ({
      name: s.name,
      state: s.state,
      ...(s.environment !== undefined && { environment: s.environment }),
      ...(s.startedAt !== undefined && { startedAt: s.startedAt }),
      ...(s.finishedAt !== undefined && { finishedAt: s.finishedAt }),
      ...(s.reason !== undefined && { reason: s.reason }),
      ...(s.message !== undefined && { message: s.message }),
    })),
  };
}

const isFinal = (d: DeliveryObject) => (TERMINAL_PHASES as readonly string[]).includes(d.status?.phase ?? '');

export async function runFaultScenario(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? ((line: string) => console.info(line));
  const began = Date.now();
  const plan = makePlan(options.seed, options.plan);
  log(`fault-e2e: seed ${plan.seed} (replay with SLUICE_FAULT_SEED=${plan.seed}); ${plan.pushes.length} pushes over ${plan.branches.length} branches, ${plan.kills.length} kills, ${plan.gitlabFaults.length} GitLab fault stretches`);
  const stack = await openStack(options.kubeconfig, plan.branches);
  let observer: WriteObserver | undefined;
  let traffic: Awaited<ReturnType<typeof startTraffic>> | undefined;
  let deliveries: ReturnType<typeof stack.client.informer<DeliveryObject>> | undefined;
  try {
    const repo = await createSampleRepository(stack.git, 'fault/sample', plan.branches, plan.pushes);
    await stack.createApplications(repo.url);
    await stack.startServices({ gateways: options.gateways ?? 1 });
    const logDir = process.env['SLUICE_FAULT_LOGS'];
    if (logDir) for (const set of Object.values(stack.sets)) set.logDir = `${logDir}/${stack.namespace}`;
    log(`fault-e2e: stack up in ${Date.now() - began} ms (namespace ${stack.namespace})`);
    observer = await observeWrites(stack.client, stack);
    traffic = await startTraffic(stack.client, stack.appsNamespace);

    // When each Delivery was first seen final, by this process's clock.
    const finalAt = new Map<string, number>();
    deliveries = stack.client.informer<DeliveryObject>({
      path: resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace: stack.namespace }),
      onEvent: (e) => {
        if (e.type === 'ADDED' || e.type === 'MODIFIED') {
          const name = e.object.metadata.name ?? '';
          if (isFinal(e.object) && !finalAt.has(name)) finalAt.set(name, Date.now());
        }
      },
    });
    await deliveries.waitForSync();

    const heads = new Map<string, string>([...repo.baseline].map(([b, c]) => [b, c.parent]));
    const pushes: PushRecord[] = [];
    const push = async (index: number, commit: SampleCommit): Promise<void> => {
      const before = heads.get(commit.branch) ?? '0'.repeat(40);
      heads.set(commit.branch, commit.sha);
      await repo.movePushed(commit.branch, commit.sha);
      const project = projectOf(plan.branches, commit.branch);
      const sentAtMs = Date.now();
      const answer = await sendPushHook(stack.gateways, pushHook({ ...project, gitlabUrl: 'https://gitlab.example.test', httpUrl: repo.url }, commit, before), stack.secrets, 'https://gitlab.example.test');
      pushes.push({
        index,
        branch: commit.branch,
        kind: commit.kind,
        sha: commit.sha,
        projectId: project.id,
        sentAtMs,
        answerStatus: answer.status,
        ...(answer.delivery !== undefined && { answerDelivery: answer.delivery }),
      });
      if (answer.status !== 202 && answer.status !== 200) log(`fault-e2e: push ${index} answered ${answer.status} after ${answer.attempts} attempts: ${answer.detail ?? ''}`);
    };

    // Baseline: every branch Live before the faults.
    await baselines(stack, repo, push, deliveries);
    log(`fault-e2e: baselines Live at ${Date.now() - began} ms`);

    // The window.
    const t0 = Date.now();
    const tasks: Promise<unknown>[] = [];
    const at = (ms: number, work: () => Promise<unknown>) => tasks.push(sleep(Math.max(0, t0 + ms - Date.now())).then(work));
    plan.pushes.forEach((p) => at(p.atMs, () => push(p.index, repo.pushes[p.index] as SampleCommit)));
    const kills: KillRecord[] = [];
    const killTasks: Promise<unknown>[] = [];
    // One kill of a controller at a time: a later one waits for the earlier one's takeover.
    const lastKill = new Map<KilledService, Promise<unknown>>();
    for (const k of plan.kills) {
      at(k.atMs, async () => {
        const task = (lastKill.get(k.service) ?? Promise.resolve())
          .then(() => killActive(stack, k.service, k.atMs, log))
          .then((r) => kills.push({ ...r, ...(r.killedAt !== undefined && { atMs: r.killedAt - t0 }) }));
        lastKill.set(k.service, task);
        killTasks.push(task);
        await task;
      });
    }
    for (const f of plan.gitlabFaults) {
      at(f.fromMs, async () => {
        stack.gitlab.inject({ status: f.status, times: 1_000_000, ...(f.retryAfter !== undefined && { retryAfter: f.retryAfter }) });
      });
      at(f.untilMs, async () => {
        stack.gitlab.clearFaults();
      });
    }
    await Promise.all(tasks);
    await Promise.all(killTasks);
    stack.gitlab.clearFaults();
    await Promise.all(Object.values(stack.sets).map((s) => s.settled()));
    const lastPushAt = Math.max(...pushes.map((p) => p.sentAtMs));
    const faultsStoppedAt = Date.now();
    log(`fault-e2e: pushes sent in ${lastPushAt - t0} ms; faults stopped ${faultsStoppedAt - t0} ms into the window; replicas ${Object.values(stack.sets).map((s) => `${s.service}=${s.replicas.length}`).join(' ')}`);

    // Settle: every Delivery final, then GitLab holding every final status.
    const problems: string[] = [];
    // The faults can stop long after the last push: each kill waits for the replacement of the previous one to be a
    // standby, which on a loaded machine takes tens of seconds (faults stopped 110–215 s into the window at load 15–22,
    // after the last push at 21–28 s). The Deliveries get their time after the last push, and fault-free time after that.
    const deadline = Math.min(
      began + (options.budgetMs ?? 330_000),
      Math.max(lastPushAt + (options.settleDeadlineMs ?? 120_000), faultsStoppedAt + (options.settleAfterFaultsMs ?? 90_000)),
    );
    const ourShas = new Set(pushes.map((p) => p.sha));
    const all = () => (deliveries?.list() ?? []).filter((d) => ourShas.has(d.spec.checkoutSha));
    while (Date.now() < deadline && !(all().length >= pushes.length && (deliveries?.list() ?? []).every(isFinal))) await sleep(200);
    const open = (deliveries?.list() ?? []).filter((d) => !isFinal(d));
    if (open.length > 0) problems.push(`not final ${Math.round((deadline - lastPushAt) / 1000)} s after the last push (${Math.round((deadline - faultsStoppedAt) / 1000)} s after the faults stopped): ${open.map((d) => `${d.metadata.name}=${d.status?.phase ?? 'new'}`).join(', ')}`);
    const lastFinal = Math.max(...[...finalAt.values()]);
    const settleMs = open.length > 0 ? undefined : Math.max(0, lastFinal - faultsStoppedAt);
    log(`fault-e2e: ${open.length === 0 ? `all Deliveries final ${settleMs} ms after the faults stopped` : `${open.length} Deliveries not final`}`);

    const gitlabSettled = await waitForGitlab(stack, pushes, all, deadline + 30_000);
    const gitlabSettleMs = gitlabSettled === undefined ? undefined : Math.max(0, gitlabSettled - faultsStoppedAt);
    if (gitlabSettled === undefined) problems.push('GitLab did not receive every final status in time');

    // What is live, and the verdict.
    const live = new Map<string, string | undefined>();
    for (const branch of plan.branches) {
      const svc = await stack.client.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: stack.appsNamespace, name: `app-${branch}` });
      live.set(branch, svc?.metadata.annotations?.[ANNOTATIONS.revision]);
    }
    const requests = stack.gitlab.requests();
    const verdict = judge({
      pushes,
      deliveries: all().map(viewOf),
      live,
      environment: ENVIRONMENT.name,
      statusNames: STATUS_NAMES,
      gitlab: { statuses: stack.gitlab.statuses(), deployments: stack.gitlab.deployments(), commitComments: stack.gitlab.commitComments(), requests },
    });

    // Recovery: SIGKILL → first write of that service again.
    for (const k of kills) {
      if (k.killedAt === undefined || k.takeoverMs === undefined) continue;
      // The standby writes only once it holds the Lease (before, its writes are fenced); a watch event that
      // arrives later than that reports a write of the killed replica. The Lease is polled every 50 ms.
      const after = k.killedAt + k.takeoverMs - 100;
      const firstKube = observer.firstAfter(`sluice-${k.service}`, after)?.atMs;
      const firstGitlab = k.service === 'notifier' ? requests.map((r) => Date.parse(r.at)).find((t) => t >= after) : undefined;
      const first = Math.min(firstKube ?? Infinity, firstGitlab ?? Infinity);
      if (Number.isFinite(first)) k.firstWriteMs = first - k.killedAt;
    }

    const windowPushes = pushes.filter((p) => p.index >= 0);
    const count = <T>(items: readonly T[], key: (t: T) => string) => items.reduce<Record<string, number>>((acc, t) => ({ ...acc, [key(t)]: (acc[key(t)] ?? 0) + 1 }), {});
    const views = new Map(all().map((d) => [d.spec.checkoutSha, d.status?.phase ?? 'none']));
    const result: RunResult = {
      plan,
      pushes,
      kills,
      verdict,
      problems,
      figures: {
        pushes: windowPushes.length,
        kinds: count(windowPushes, (p) => p.kind),
        phases: count(windowPushes, (p) => views.get(p.sha) ?? 'none'),
        killsPerService: Object.fromEntries(KILLED_SERVICES.map((s) => [s, kills.filter((k) => k.service === s && k.killedAt !== undefined).length])),
        gitlab: gitlabFigures(requests),
        pushWindowMs: lastPushAt - t0,
        settleMs,
        lastPushToFinalMs: open.length > 0 ? undefined : lastFinal - lastPushAt,
        gitlabSettleMs,
        ties: verdict.verdicts.filter((v) => v.tie).length,
        traffic: { ...traffic.counts },
        totalMs: Date.now() - began,
        exits: Object.values(stack.sets).flatMap((set) => set.exits.map((e) => ({ ...e, atMs: e.atMs - t0 }))),
        startFailures: Object.values(stack.sets).flatMap((set) => set.startFailures.map((e) => ({ ...e, atMs: e.atMs - t0 }))),
      },
    };
    report(result, log);
    const dump = process.env['SLUICE_FAULT_DUMP'];
    if (dump) await writeFile(dump, JSON.stringify({ result, deliveries: all().map(viewOf), t0, faultsStoppedAt }, null, 2));
    return result;
  } finally {
    deliveries?.stop();
    traffic?.stop();
    observer?.stop();
    await stack.close();
  }
}

/** Pushes each branch's baseline and waits until all are Live. */
async function baselines(
  stack: Stack,
  repo: SampleRepository,
  push: (index: number, commit: SampleCommit) => Promise<void>,
  deliveries: { list(): DeliveryObject[] },
): Promise<void> {
  await Promise.all([...repo.baseline.values()].map((c) => push(-1, c)));
  const shas = new Set([...repo.baseline.values()].map((c) => c.sha));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const mine = deliveries.list().filter((d) => shas.has(d.spec.checkoutSha));
    if (mine.length === shas.size && mine.every((d) => d.status?.phase === 'Live')) return;
    const wrong = mine.find((d) => isFinal(d) && d.status?.phase !== 'Live');
    if (wrong) throw new Error(`baseline ${wrong.metadata.name} ended ${wrong.status?.phase}: ${wrong.status?.message ?? ''}`);
    if (Date.now() > deadline) throw new Error(`baselines not Live after 120 s: ${mine.map((d) => `${d.metadata.name}=${d.status?.phase}`).join(', ')}`);
    await sleep(200);
  }
  void stack;
}

/**
 * SIGKILLs the current leader of `service` (waiting up to 15 s for the Lease
 * to name a live replica: the previous takeover may still be under way),
 * starts its replacement, and measures the takeover.
 */
export async function killActive(stack: Stack, service: KilledService, plannedAtMs: number, log: (line: string) => void): Promise<KillRecord> {
  const set = stack.sets[service];
  // A Deployment keeps two pods: kill only once the replacement of the last kill runs and is a standby,
  // so what is measured is a standby taking over, not a process starting.
  const until = Date.now() + 30_000;
  let holder = '';
  let why = '';
  while (Date.now() < until) {
    holder = await leaderHolder(stack.client, stack.namespace, service);
    const others = set.replicas.filter((r) => r.pod !== holder);
    const standbys = await Promise.all(others.map((r) => r.process.get('/leaderz').then((res) => res.json() as Promise<{ role?: string }>).then((b) => b.role === 'standby', () => false)));
    if (holder !== '' && set.get(holder) && standbys.some(Boolean) && (await leaderHolder(stack.client, stack.namespace, service)) === holder) break;
    why = `Lease holder "${holder}", ${standbys.filter(Boolean).length} standby of ${set.replicas.length} replicas`;
    await sleep(200);
  }
  if (holder === '' || !set.get(holder)) return { service, plannedAtMs, skipped: `no live leader with a standby (${why})` };
  const killedAt = Date.now();
  set.kill(holder);
  void set.keepOne().catch((error: unknown) => log(`fault-e2e: replacement ${service} failed to start: ${String(error)}`));
  try {
    const next = await waitForLeaseHolder(stack.client, { namespace: stack.namespace, service }, (h) => h !== holder, 30_000);
    return { service, plannedAtMs, victim: holder, successor: next.holder, killedAt, takeoverMs: next.seenAtMs - killedAt };
  } catch {
    return { service, plannedAtMs, victim: holder, killedAt };
  }
}

/** Resolves with when GitLab holds a final status of every name for every push (and a note for each rollback), or undefined at the deadline. */
async function waitForGitlab(stack: Stack, pushes: readonly PushRecord[], all: () => DeliveryObject[], deadline: number): Promise<number | undefined> {
  const rolledBack = () => new Set(all().filter((d) => d.status?.phase === 'RolledBack').map((d) => d.spec.checkoutSha));
  while (Date.now() < deadline) {
    const statuses = stack.gitlab.statuses();
    const finals = new Set(statuses.filter((s) => s.status === 'success' || s.status === 'failed' || s.status === 'canceled').map((s) => `${s.sha} ${s.name}`));
    const comments = new Set(stack.gitlab.commitComments().map((c) => c.sha));
    const done = pushes.every((p) => STATUS_NAMES.every((n) => finals.has(`${p.sha} ${n}`))) && [...rolledBack()].every((sha) => comments.has(sha));
    if (done) {
      const at = Date.now();
      // Quiet for a moment: a duplicate would come now.
      await sleep(2_000);
      return at;
    }
    await sleep(200);
  }
  return undefined;
}

function report(r: RunResult, log: (line: string) => void): void {
  const f = r.figures;
  const s = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
  log(`fault-e2e: seed ${r.plan.seed}`);
  log(`  pushes: ${f.pushes} in ${s(f.pushWindowMs)} (${Object.entries(f.kinds).map(([k, v]) => `${k} ${v}`).join(', ')}); phases: ${Object.entries(f.phases).map(([k, v]) => `${k} ${v}`).join(', ')}; ties: ${f.ties}`);
  log(`  kills: ${r.kills.filter((k) => k.killedAt !== undefined).length} (${Object.entries(f.killsPerService).map(([k, v]) => `${k} ${v}`).join(', ')})${r.kills.some((k) => k.skipped) ? `; skipped ${r.kills.filter((k) => k.skipped).length}` : ''}`);
  for (const k of [...r.kills].sort((a, b) => (a.atMs ?? a.plannedAtMs) - (b.atMs ?? b.plannedAtMs))) {
    log(`    ${((k.atMs ?? k.plannedAtMs) / 1000).toFixed(1).padStart(5)} s ${k.service.padEnd(11)} ${k.skipped ?? `${k.victim} → ${k.successor ?? '?'}: Lease taken after ${s(k.takeoverMs)}, first write after ${s(k.firstWriteMs)} (bound ${s(LEADER.leaseDurationMs + 2_000)})`}`);
  }
  if (f.exits.length > 0) log(`  replicas that exited on their own (restarted): ${f.exits.map((e) => `${e.pod} at ${(e.atMs / 1000).toFixed(1)} s: ${e.lastLog}`).join('; ')}`);
  if (f.startFailures.length > 0) log(`  replica starts that failed (retried): ${f.startFailures.map((e) => `${e.pod} at ${(e.atMs / 1000).toFixed(1)} s: ${e.error.slice(0, 120)}`).join('; ')}`);
  log(`  GitLab: ${f.gitlab.requests} requests, injected ${f.gitlab.faults429} × 429 and ${f.gitlab.faults502} × 502, ${f.gitlab.retries} retried writes`);
  log(`  settle: every Delivery final ${s(f.lastPushToFinalMs)} after the last push, ${s(f.settleMs)} after the faults stopped; GitLab caught up ${s(f.gitlabSettleMs)} after the faults stopped`);
  log(`  traffic: ${f.traffic.answered} requests answered, ${f.traffic.failed} failed; total ${s(f.totalMs)}`);
  const problems = [...r.problems, ...r.verdict.problems];
  log(problems.length === 0 ? '  verdict: all as expected' : `  verdict: ${problems.length} problems:\n${problems.map((p) => `    - ${p}`).join('\n')}`);
}
