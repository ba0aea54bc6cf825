/**
 * The demo's story: push v1 … v4 of the sample app with real commits and
 * signed GitLab webhooks, watch each delivery to its end, then check what the
 * cluster, GitLab and the live app say against what should have happened.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultSpec } from '@sluice/gitlab-stand-in';
import { conclude, emptyResult } from './conclude.js';
import { deliver, type PushContext } from './deliver.js';
import type { DeliveryOutcome, DemoResult } from './result.js';
import { DEFAULT_TIMING, SAMPLE_APP, type SampleTiming } from './sample-app/application.js';
import { createSampleRepo } from './sample-app/repo.js';
import { VERSIONS, type SampleVersion } from './sample-app/versions.js';
import { NAMESPACES } from './stack/cluster.js';
import { readLive, sampleServiceUrl } from './stack/live-app.js';
import { startStack, type Stack, type StackOptions } from './stack/stack.js';
import { startTraffic, TRAFFIC_RATE, type TrafficClient } from './stack/traffic.js';
import { Teardown } from './stack/teardown.js';
import { createLiveView, type OutputMode } from './view/live.js';
import { rowOf } from './view/model.js';
import { ClusterWatch } from './watch/cluster-watch.js';
import { newWebhookSecrets } from './webhook/sign.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** How progress is shown. Default `quiet`. */
  readonly output?: OutputMode;
  /** Where progress goes. Default stdout. */
  readonly write?: (text: string) => void;
  /** ANSI colours. Default false. */
  readonly color?: boolean;
  /**
   * Leave everything running when the demo ends: the result then carries the
   * receiver and `stop()`, which the caller must call (the `--keep` flag, and
   * tests that assert on traces afterwards).
   */
  readonly keepStack?: boolean;
  /** Stops waiting and tears down (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Bake, scale-down delay and replicas of the sample app. */
  readonly timing?: Partial<SampleTiming>;
  /** `minReadySeconds` of the color Deployments (the deployer's SLUICE_MIN_READY_SECONDS). Default 1. */
  readonly minReadySeconds?: number;
  /** Longest wait for one delivery to end. Default 150 s. */
  readonly deliveryTimeoutMs?: number;
  /** Starts a receiver of the services' metrics where the collector also exports them (OTLP/JSON); see StackOptions. */
  readonly startMetricsReceiver?: StackOptions['startMetricsReceiver'];
  /**
   * Failures the GitLab stand-in answers with, armed right before `version`'s
   * webhook is sent (its commit is `sha`): e.g. one 503 to its first commit
   * status, which the notifier retries. Default: GitLab never fails.
   */
  readonly gitlabFaults?: (version: SampleVersion, sha: string) => readonly FaultSpec[];
}

/**
 * Runs the whole demo and resolves with what happened. Never throws for a
 * failed expectation — those are `problems`; everything it started is
 * stopped before it resolves (unless `keepStack`), also on failure or abort.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const teardown = new Teardown();
  const view = createLiveView({
    mode: options.output ?? 'quiet',
    write: options.write ?? ((text) => void process.stdout.write(text)),
    startedAt: started,
    color: options.color ?? false,
    columns: () => process.stdout.columns,
  });
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
  teardown.add('work directory', () => rm(dir, { recursive: true, force: true }));
  const timing: SampleTiming = { ...DEFAULT_TIMING, ...options.timing };
  const secrets = newWebhookSecrets();
  const problems: string[] = [];
  let stack: Stack | undefined;
  let watch: ClusterWatch | undefined;
  let traffic: TrafficClient | undefined;
  let startupMs = 0;
  let deliveriesMs = 0;
  const outcomes: DeliveryOutcome[] = [];
  let result: DemoResult | undefined;
  try {
    view.log('Starting the local control plane, Sluice and its surroundings…');
    stack = await startStack(
      {
        dir,
        webhook: secrets,
        timing,
        minReadySeconds: options.minReadySeconds ?? 1,
        log: (l) => view.log(l),
        ...(options.startMetricsReceiver && { startMetricsReceiver: options.startMetricsReceiver }),
      },
      teardown,
    );
    startupMs = Date.now() - started;
    view.log(
      `  Sluice's services and collector running as pods (${(startupMs / 1000).toFixed(1)} s after start); gateway ${stack.services.gatewayUrl}`,
    );
    const s = stack;
    // SHA → version, filled as each is pushed, so the live view can name what it shows.
    const versionOf = new Map<string, SampleVersion>();
    watch = new ClusterWatch(s.admin, {
      namespace: NAMESPACES.system,
      targetNamespace: NAMESPACES.production,
      jobNamespaces: [NAMESPACES.test, NAMESPACES.build],
      onChange: () => view.update(rowsOf(watch, versionOf)),
    });
    await watch.synced();
    const w = watch;

    const repo = await createSampleRepo(join(dir, 'sample-app'), s.repositoryUrl, s.git.authorization);
    const ctx: PushContext = {
      stack: s,
      watch: w,
      repo,
      secrets,
      view,
      pushed: versionOf,
      started,
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 150_000,
      ...(options.signal && { signal: options.signal }),
      ...(options.gitlabFaults && { gitlabFaults: options.gitlabFaults }),
    };
    const pushesStarted = Date.now();
    for (const version of VERSIONS) {
      const outcome = await deliver(ctx, version);
      outcomes.push(outcome.result);
      if (outcome.problem) {
        problems.push(outcome.problem);
        break;
      }
      // From the first live version on, a steady client asks the app through its Service during every switch.
      if (!traffic && outcome.result.phase === 'Live') {
        traffic = startTraffic(await sampleServiceUrl(s.admin));
        view.log(`  a steady client now asks ${SAMPLE_APP} through its Service, ${TRAFFIC_RATE} requests/s`);
      }
    }
    deliveriesMs = Date.now() - pushesStarted;
    if (options.signal?.aborted) throw new Error('interrupted');
    view.stop();
    // The last switch (v4's rollback) may be a moment old: let the client see where traffic settled.
    const live = await readLive(s.admin);
    const liveVersion = outcomes.find((o) => o.sha === live.revision)?.version;
    if (traffic && liveVersion) await traffic.settled(liveVersion);
    result = await conclude(s, w, outcomes, problems, { startupMs, deliveriesMs, started }, await traffic?.stop());
  } catch (error) {
    view.stop();
    const why = options.signal?.aborted ? 'interrupted' : `the demo stopped: ${error instanceof Error ? error.message : String(error)}`;
    if (!problems.includes(why)) problems.push(why);
    result = emptyResult(outcomes, problems, { startupMs, deliveriesMs, totalMs: Date.now() - started }, stack);
  } finally {
    watch?.stop();
    await traffic?.stop();
  }
  // Before the logs go with the work directory: what the services said last, to see why.
  if (!result.ok && stack) result = { ...result, diagnostics: await stack.services.logTails().catch(() => '') };
  if (options.keepStack && stack && !options.signal?.aborted) {
    const receiver = 'unavailable' in stack.receiver ? undefined : stack.receiver;
    return { ...result, ...(receiver && { receiver }), stop: async () => void (await teardown.run()) };
  }
  const failures = await teardown.run();
  return failures.length === 0 ? result : { ...result, ok: false, problems: [...result.problems, ...failures.map((f) => `clean-up failed: ${f}`)] };
}

function rowsOf(watch: ClusterWatch | undefined, versionOf: ReadonlyMap<string, SampleVersion>) {
  return (watch?.deliveries() ?? []).map((d) => rowOf(d, versionOf.get(d.spec.checkoutSha)?.id ?? '?'));
}
