/**
 * One push of the story: commit the version, push it to the Git server, send
 * GitLab's signed Push Hook to the gateway, and follow the Delivery to its end.
 */
import type { FaultSpec } from '@sluice/gitlab-stand-in';
import { traceIdOf } from '@sluice/telemetry';
import type { DeliveryOutcome } from './result.js';
import { SAMPLE_PROJECT } from './sample-app/application.js';
import { DEMO_AUTHOR } from './sample-app/git.js';
import type { SampleRepo } from './sample-app/repo.js';
import type { SampleVersion } from './sample-app/versions.js';
import { readLive } from './stack/live-app.js';
import type { Stack } from './stack/stack.js';
import { elapsedLabel, type LiveView } from './view/live.js';
import { rowOf } from './view/model.js';
import type { ClusterWatch, WatchedDelivery } from './watch/cluster-watch.js';
import { pushHookPayload } from './webhook/push-hook.js';
import { sendWebhook, type WebhookSecrets } from './webhook/sign.js';

/** What every push needs. */
export interface PushContext {
  readonly stack: Stack;
  readonly watch: ClusterWatch;
  readonly repo: SampleRepo;
  readonly secrets: WebhookSecrets;
  readonly view: LiveView;
  /** SHA → version of every push so far; `deliver` adds its own before sending the webhook. */
  readonly pushed: Map<string, SampleVersion>;
  /** When the demo started (the narration's clock). */
  readonly started: number;
  readonly deliveryTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** GitLab failures to arm before a version's webhook is sent. */
  readonly gitlabFaults?: (version: SampleVersion, sha: string) => readonly FaultSpec[];
}

/** How one push ended. */
export interface Delivered {
  readonly result: DeliveryOutcome;
  /** Set when the story cannot go on (no Delivery, or it never ended). */
  readonly problem?: string;
}

/** Commits and pushes `version`, sends its webhook, and waits for its Delivery to end. */
export async function deliver(ctx: PushContext, version: SampleVersion): Promise<Delivered> {
  const { stack: s, view, started } = ctx;
  const push = await ctx.repo.commitAndPush(version);
  ctx.pushed.set(push.after, version);
  for (const fault of ctx.gitlabFaults?.(version, push.after) ?? []) s.gitlab.inject(fault);
  const title = version.message.split('\n', 1)[0] ?? version.id;
  let base: DeliveryOutcome = { version: version.id, expect: version.expect, sha: push.after, title, stages: [] };
  const payload = pushHookPayload(
    push,
    { ...SAMPLE_PROJECT, gitlabUrl: s.gitlab.url, httpUrl: s.repositoryUrl },
    { id: 7, name: DEMO_AUTHOR.name, username: DEMO_AUTHOR.username, email: DEMO_AUTHOR.email },
  );
  view.log(`${elapsedLabel(started)} git push: ${version.id} ${push.after.slice(0, 7)} "${title}" — sending the signed Push Hook`);
  base = { ...base, webhookSentAt: Date.now() };
  const answer = await sendWebhook(s.services.gatewayUrl, payload, ctx.secrets, { event: 'Push Hook', instance: s.gitlab.url });
  if (answer.status !== 202 || !answer.body.delivery) {
    return { result: base, problem: `${version.id}: the gateway answered ${answer.status} ${JSON.stringify(answer.body)} instead of 202 accepted` };
  }
  const name = answer.body.delivery;
  view.log(`${elapsedLabel(started)} ${answer.status} ${answer.body.status ?? ''}: Delivery ${name}, run page ${answer.body.url ?? '?'}`);
  try {
    const final = await ctx.watch.untilFinal(name, ctx.deliveryTimeoutMs, ctx.signal);
    const live = await readLive(s.admin);
    const liveVersion = live.revision === undefined ? undefined : (ctx.pushed.get(live.revision)?.id ?? live.revision.slice(0, 7));
    view.log(`${elapsedLabel(started)} ${version.id} ended ${final.status?.phase ?? '?'}; live now: ${liveVersion ? `${liveVersion} on ${live.color ?? '?'}` : 'nothing'}`);
    return { result: outcomeOf(base, final, answer.body.url, live) };
  } catch (error) {
    const now = ctx.watch.delivery(name);
    return {
      result: now ? outcomeOf(base, now, answer.body.url, undefined) : { ...base, name },
      problem: ctx.signal?.aborted ? 'interrupted' : `${version.id}: ${(error as Error).message}`,
    };
  }
}

function outcomeOf(base: DeliveryOutcome, d: WatchedDelivery, url: string | undefined, liveAfter: DeliveryOutcome['liveAfter']): DeliveryOutcome {
  const row = rowOf(d, base.version);
  const traceId = traceIdOf(d);
  return {
    ...base,
    name: row.name,
    ...(url !== undefined && { url }),
    phase: row.phase,
    ...(row.reason !== undefined && { reason: row.reason }),
    ...(row.message !== undefined && { message: row.message }),
    stages: row.stages,
    ...(traceId !== undefined && { traceId }),
    ...(liveAfter !== undefined && { liveAfter }),
  };
}
