/**
 * After the last push: what GitLab shows, what is live and what it answers,
 * whether the run pages open, the trace — checked against the story.
 */
import { checkExpectations, checkTraffic, expectedStatuses, expectedTrafficSequence, type DeliveryFacts } from './expectations.js';
import type { DeliveryOutcome, DemoResult } from './result.js';
import { VERSIONS } from './sample-app/versions.js';
import { askLiveApp, readLive } from './stack/live-app.js';
import type { Stack } from './stack/stack.js';
import type { TrafficReport } from './stack/traffic.js';
import { collectTrace, type ReceivedSpan } from './stack/trace.js';
import type { ClusterWatch } from './watch/cluster-watch.js';

/** The environment the sample app delivers to. */
const ENVIRONMENT = 'production';
/** Services expected to add spans to a delivery's trace. */
const TRACED_SERVICES = ['webhook-gateway', 'test-runner', 'deployer', 'notifier'];

/** Gathers the facts after the last delivery and checks them; `problems` are the ones found while pushing. */
export async function conclude(
  s: Stack,
  watch: ClusterWatch,
  outcomes: readonly DeliveryOutcome[],
  problems: string[],
  t: { readonly startupMs: number; readonly deliveriesMs: number; readonly started: number },
  traffic: TrafficReport | undefined,
): Promise<DemoResult> {
  // The notifier posts asynchronously (per-project queues): give it a moment to reach the final states.
  const statusesOf = () =>
    Object.fromEntries(
      outcomes.map((o) => [o.sha, Object.fromEntries(s.gitlab.statuses({ sha: o.sha, includeRetried: false }).map((st) => [st.name, st.status as string]))]),
    );
  const settled = () =>
    outcomes.every((o) => Object.entries(expectedStatuses(o.expect, ENVIRONMENT)).every(([n, state]) => statusesOf()[o.sha]?.[n] === state)) &&
    outcomes.filter((o) => o.expect === 'rolled-back').every((o) => s.gitlab.commitComments({ sha: o.sha }).length > 0);
  for (let waited = 0; waited < 20_000 && !settled(); waited += 200) await new Promise((r) => setTimeout(r, 200));
  const statuses = statusesOf();

  const live = await readLive(s.admin);
  const answer = live.color ? await askLiveApp(s.admin, live.color) : undefined;
  const lastGood = [...outcomes].reverse().find((o) => o.expect === 'live' && o.phase === 'Live');
  const facts: DeliveryFacts[] = outcomes.map((o) => ({
    version: o.version,
    expect: o.expect,
    sha: o.sha,
    ...(o.name !== undefined && { name: o.name }),
    ...(o.phase !== undefined && { phase: o.phase }),
    ...(o.reason !== undefined && { reason: o.reason }),
    stages: o.stages,
    ...(o.traceId !== undefined && { traceId: o.traceId }),
    ...(o.liveAfter !== undefined && { liveAfter: o.liveAfter }),
  }));
  const checked = checkExpectations(
    {
      environment: ENVIRONMENT,
      deliveries: facts,
      statuses,
      commentedShas: outcomes.filter((o) => s.gitlab.commitComments({ sha: o.sha }).length > 0).map((o) => o.sha),
      renderedRevisions: watch.renderedRevisions(),
      final: { ...live, ...(answer?.body !== undefined && { answer: answer.body }) },
    },
    lastGood && { version: lastGood.version, sha: lastGood.sha },
  );
  const allProblems = [...problems, ...checked, ...(await checkRunPages(outcomes))];
  if (outcomes.length === VERSIONS.length) {
    allProblems.push(...(traffic ? checkTraffic(traffic, expectedTrafficSequence(VERSIONS)) : ['no steady client ran: v1 never went live']));
  }
  if (outcomes.length < VERSIONS.length && problems.length === 0) allProblems.push(`only ${outcomes.length} of ${VERSIONS.length} versions were pushed`);

  let trace: DemoResult['trace'];
  let traceUnavailable: string | undefined;
  if ('unavailable' in s.receiver) {
    traceUnavailable = s.receiver.unavailable;
    allProblems.push(`no traces: ${traceUnavailable}`);
  } else {
    const shown = outcomes.find((o) => o.expect === 'rolled-back' && o.traceId) ?? [...outcomes].reverse().find((o) => o.traceId);
    if (shown?.traceId) {
      const spans: ReceivedSpan[] = await collectTrace(s.receiver, shown.traceId, TRACED_SERVICES);
      trace = { version: shown.version, traceId: shown.traceId, spans };
      if (spans.length === 0) allProblems.push(`${shown.version}: the trace receiver has no spans of trace ${shown.traceId}`);
    }
  }
  const liveVersion = outcomes.find((o) => o.sha === live.revision)?.version;
  return {
    ok: allProblems.length === 0,
    problems: allProblems,
    deliveries: outcomes,
    statuses,
    live: {
      ...live,
      ...(liveVersion !== undefined && { version: liveVersion }),
      ...(answer?.body !== undefined && { answer: answer.body }),
      ...(answer?.pod !== undefined && { pod: answer.pod }),
    },
    timings: { startupMs: t.startupMs, deliveriesMs: t.deliveriesMs, totalMs: Date.now() - t.started },
    ...(traffic && { traffic }),
    switches: watch.switches(),
    jobRuns: watch.jobRuns(),
    ...(trace && { trace }),
    ...(traceUnavailable !== undefined && { traceUnavailable }),
    endpoints: endpointsOf(s),
    identity: s.services.identity,
  };
}

/** Every printed run-page link must open: 200 and a page naming its Delivery. */
async function checkRunPages(outcomes: readonly DeliveryOutcome[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of outcomes) {
    if (!o.url || !o.name) continue;
    const page = await fetch(o.url, { signal: AbortSignal.timeout(10_000) }).then(
      async (r) => ({ status: r.status, text: await r.text() }),
      (error: Error) => ({ status: 0, text: error.message }),
    );
    if (page.status !== 200 || !page.text.includes(o.name)) problems.push(`${o.version}: its run page ${o.url} answered ${page.status || page.text}`);
  }
  return problems;
}

/** Where to look around while the stack runs. */
export function endpointsOf(s: Stack | undefined): DemoResult['endpoints'] {
  if (!s) return {};
  return {
    gatewayUrl: s.services.gatewayUrl,
    kubeconfig: s.cluster.cluster.kubeconfigPath,
    gitlabUrl: s.gitlab.url,
    gitlabToken: s.gitlabToken,
    ...(!('unavailable' in s.receiver) && { traceQueryUrl: s.receiver.queryUrl }),
  };
}

/** The result of a run that stopped before it could conclude. */
export function emptyResult(outcomes: readonly DeliveryOutcome[], problems: readonly string[], timings: DemoResult['timings'], s: Stack | undefined): DemoResult {
  return { ok: false, problems, deliveries: outcomes, statuses: {}, live: {}, timings, endpoints: endpointsOf(s), ...(s && { identity: s.services.identity }) };
}

