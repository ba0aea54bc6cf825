import { findStage, isFinalStageState, LABEL_KEYS, STAGE_LABEL, toLabelValue, type Delivery, type Stage } from '@sluice/delivery';
import { isKubeError, resourcePath, type PodLogOptions } from '@sluice/kube';
import { EXIT, failure, type ExitCode } from '../cli/errors.js';
import { logsOptions, type LogsOptions } from '../cli/options.js';
import type { Cluster } from '../cluster/connect.js';
import { followUntilInterrupted } from '../cluster/follow.js';
import { getDelivery } from '../cluster/read.js';
import { waitFor, type WatchTarget } from '../cluster/watch.js';
import { newestPod, podFinished, podSteps, stepOf, type Pod } from '../decide/pods.js';
import { printable } from '../format/printable.js';
import { target, type CommandContext, type Command } from './context.js';

type JobStage = 'test' | 'build';

/** How one pass over the pod ended: done, or the pod vanished (its Job's TTL ran out) and the recorded tail is next. */
type Outcome = 'done' | 'gone' | 'interrupted';

/**
 * `sluice logs <delivery> [--follow] [--container clone|install|test|build]`:
 * the log of the delivery's test Job pod (the build Job's for `build`),
 * found by the labels the test runner sets; every step in order unless
 * `--container` picks one. When the pod is gone, the log tail the test
 * runner recorded in the Delivery.
 */
export const logs: Command = async (ctx) => {
  const options = logsOptions(ctx.values, ctx.io.env);
  const cluster = ctx.cluster();
  const name = target(ctx);
  const { delivery } = await getDelivery(cluster.client, ctx.globals.namespace, name);
  const stage: JobStage = options.container === 'build' ? 'build' : 'test';
  const namespace = stage === 'build' ? options.buildNamespace : options.testNamespace;
  const pods: WatchTarget = {
    path: resourcePath({ apiVersion: 'v1', plural: 'pods', namespace }),
    labelSelector: `${LABEL_KEYS.delivery}=${toLabelValue(name)},${STAGE_LABEL}=${stage}`,
  };
  let pod = newestPod((await cluster.client.list<Pod>({ apiVersion: 'v1', kind: 'Pod', namespace }, pods)).items);
  if (!pod && options.follow && !isFinalStageState(stageOf(delivery, stage)?.state ?? 'pending')) {
    ctx.io.err(`waiting for the ${stage} pod of ${name} in ${namespace}…\n`);
    const found = await waitFor<Pod, Pod>(cluster.client, pods, (list) => newestPod(list), { signal: ctx.io.interrupt });
    if (found.kind === 'interrupted') return EXIT.ok;
    if (found.kind === 'error') throw found.error;
    if (found.kind === 'done') pod = found.value;
  }
  if (pod) {
    const outcome = await printPod(ctx, cluster, pod, options);
    if (outcome !== 'gone') return EXIT.ok;
  }
  return recordedTail(ctx, delivery, stage, pod === undefined);
};

/** Prints the pod's steps (or the one asked for), reading or following each. */
async function printPod(ctx: CommandContext, cluster: Cluster, first: Pod, options: LogsOptions): Promise<Outcome> {
  const podName = first.metadata.name as string;
  const namespace = first.metadata.namespace ?? options.testNamespace;
  if (options.container && !stepOf(first, options.container)) {
    throw failure(`pod ${podName} has no "${options.container}" step; its steps: ${podSteps(first).map((s) => s.name).join(', ')}`);
  }
  const steps = options.container ? [options.container] : podSteps(first).map((s) => s.name);
  const self: WatchTarget = { path: resourcePath({ apiVersion: 'v1', plural: 'pods', namespace }), fieldSelector: `metadata.name=${podName}` };
  let pod = first;
  let printed = 0;
  for (const step of steps) {
    if (options.follow && !stepOf(pod, step)?.started && !podFinished(pod)) {
      // Wait (watching, not polling) for the step to start, or for the pod to end without it.
      const next = await waitFor<Pod, Pod | 'gone'>(cluster.client, self, (list) => {
        const p = list[0];
        return !p ? 'gone' : stepOf(p, step)?.started || podFinished(p) ? p : undefined;
      }, { signal: ctx.io.interrupt });
      if (next.kind === 'interrupted') return 'interrupted';
      if (next.kind === 'error') throw next.error;
      if (next.kind === 'done') {
        if (next.value === 'gone') return 'gone';
        pod = next.value;
      }
    }
    if (!stepOf(pod, step)?.started) {
      if (options.container) throw failure(`the ${step} step of pod ${podName} has not started yet${options.follow ? '' : ' (--follow waits for it)'}`);
      continue;
    }
    if (!options.container) ctx.io.out(`==> ${step} <==\n`);
    printed++;
    const log = { namespace, pod: podName, container: step, ...(options.tail !== undefined && { tailLines: options.tail }) };
    try {
      if (!options.follow) ctx.io.out(printable(await cluster.client.readPodLog(log)));
      else if ((await follow(ctx, cluster, log)) === 'interrupted') return 'interrupted';
    } catch (err) {
      if (isKubeError(err, 'NotFound')) return 'gone';
      throw err;
    }
  }
  if (printed === 0) throw failure(options.follow ? `pod ${podName} ended without running any step` : `pod ${podName} has not started any step yet (--follow waits for it)`);
  return 'done';
}

/** Streams one step's log until it ends or Ctrl-C. */
function follow(ctx: CommandContext, cluster: Cluster, log: PodLogOptions): Promise<Outcome> {
  return followUntilInterrupted(() => cluster.client.streamPodLog(log, (text) => ctx.io.out(printable(text))), ctx.io.interrupt);
}

/** The log tail the test runner recorded on the stage, when the pod itself is gone. */
function recordedTail(ctx: CommandContext, delivery: Delivery, stage: JobStage, neverFound: boolean): ExitCode {
  const name = delivery.metadata.name;
  const recorded = stageOf(delivery, stage);
  if (recorded?.logTail) {
    ctx.io.err(`the ${stage} pod of ${name} is gone; showing the log tail recorded in the Delivery\n`);
    const tail = printable(recorded.logTail);
    ctx.io.out(tail.endsWith('\n') ? tail : `${tail}\n`);
    return EXIT.ok;
  }
  const state = recorded?.state ?? 'not planned';
  if (neverFound && (state === 'pending' || state === 'running')) {
    throw failure(`delivery ${name} has no ${stage} pod yet (${stage} is ${state}); --follow waits for it`);
  }
  throw failure(`no logs for delivery ${name}: the ${stage} pod is gone and no log tail was recorded (${stage} is ${state})`);
}

function stageOf(delivery: Delivery, stage: JobStage): Stage | undefined {
  return delivery.status ? findStage(delivery.status, { name: stage }) : undefined;
}
