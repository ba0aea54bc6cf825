import { ANNOTATIONS, API_GROUP_VERSION, shortSha, type Application, type EnvironmentName } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { EXIT, failure, type ExitCode } from '../cli/errors.js';
import { actionOptions } from '../cli/options.js';
import { annotate } from '../cluster/annotate.js';
import { applicationsPath, deliveriesPath, getApplication, readService } from '../cluster/read.js';
import { waitFor } from '../cluster/watch.js';
import { parseRollbackRecord } from '../decide/outcome.js';
import { planRollback, type RollbackPlan } from '../decide/rollback.js';
import { printable } from '../format/printable.js';
import { target, type Command, type CommandContext } from './context.js';
import { waitEnded } from './wait-messages.js';

type Requested = { readonly app: Application; readonly plan: Extract<RollbackPlan, { kind: 'rollback' }> };

/**
 * `sluice rollback <application> [--env production|staging]`: sets
 * `sluice.dev/action=rollback:<env>` on the Application (the deployer's
 * contract), then waits for the deployer to consume it and reports what it
 * recorded in `sluice.dev/last-action`: a switch back, a redeploy (with the
 * rollback Delivery it created), or a refusal.
 */
export const rollback: Command = async (ctx) => {
  const options = actionOptions(ctx.values);
  const environment = options.env ?? 'production';
  const { client } = ctx.cluster();
  const name = target(ctx);
  const rollbacksBefore = await rollbackDeliveries(client, ctx.globals.namespace);
  const { app, plan } = await request(ctx, client, name, environment);
  const change = plan.from && plan.to ? ` (${shortSha(plan.from)} → ${shortSha(plan.to)})` : '';
  ctx.io.out(`rollback of ${name} in ${environment} requested${change}: ${ANNOTATIONS.action}=${plan.action}\n`);
  if (options.waitMs === undefined) return EXIT.ok;

  const before = app.metadata.annotations?.[ANNOTATIONS.lastAction];
  const where = `Application ${name}`;
  const result = await waitFor<KubeObject, string | null>(
    client,
    { path: applicationsPath(ctx.globals.namespace), fieldSelector: `metadata.name=${name}` },
    ([current]) => {
      if (!current) return null;
      const ann = current.metadata.annotations ?? {};
      return ann[ANNOTATIONS.action] === undefined ? (ann[ANNOTATIONS.lastAction] ?? '') : undefined;
    },
    { timeoutMs: options.waitMs, signal: ctx.io.interrupt },
  );
  if (result.kind === 'error') throw result.error;
  if (result.kind !== 'done') return waitEnded(ctx.io, result, 'rollback', where, options.waitMs, `is it running? a rollout in ${environment} defers it`);
  if (result.value === null) throw failure(`application ${name} was deleted while waiting`);
  if (result.value === before) throw failure(`the rollback request was removed from ${where} without a recorded outcome`);
  return report(ctx, client, name, environment, result.value, rollbacksBefore, options.waitMs);
};

/** Decides and sets the action; re-reads and decides again if the Application changed in between. */
async function request(ctx: CommandContext, client: KubeClient, name: string, environment: EnvironmentName): Promise<Requested> {
  const namespace = ctx.globals.namespace;
  for (let attempt = 0; attempt < 5; attempt++) {
    const app = await getApplication(client, namespace, name);
    const env = app.spec.environments[environment];
    const plan = planRollback(app, environment, env ? await readService(client, env.namespace, env.serviceName) : { kind: 'absent' });
    if (plan.kind === 'refuse') throw failure(`cannot roll back: ${plan.why}`);
    const ref = { kind: 'Application' as const, namespace, name, resourceVersion: app.metadata.resourceVersion };
    if (plan.alreadyRequested || (await annotate(client, ref, ANNOTATIONS.action, plan.action))) return { app, plan };
  }
  throw failure(`application ${name} kept changing while the rollback was being requested; try again`);
}

/** What the deployer did, from its record; for a redeploy, also the rollback Delivery it creates. */
async function report(
  ctx: CommandContext,
  client: KubeClient,
  name: string,
  environment: EnvironmentName,
  record: string,
  rollbacksBefore: ReadonlySet<string>,
  waitMs: number,
): Promise<ExitCode> {
  const outcome = parseRollbackRecord(record);
  switch (outcome.kind) {
    case 'refused':
      throw failure(`the deployer refused the rollback: ${outcome.why}`);
    case 'switched':
      ctx.io.out(`rolled back: ${environment} traffic of ${name} is back on ${shortSha(outcome.sha)} (switched to ${outcome.color})\n`);
      return EXIT.ok;
    case 'other':
      ctx.io.out(`the deployer took the rollback: ${printable(outcome.text)}\n`);
      return EXIT.ok;
    case 'redeploy': {
      ctx.io.out(`rolling back: the previous color is gone, so the deployer redeploys ${shortSha(outcome.sha)} in ${environment}\n`);
      const created = await waitFor<KubeObject, string>(
        client,
        { path: deliveriesPath(ctx.globals.namespace) },
        (list) => list.find((d) => isRollbackDelivery(d, name, environment, outcome.sha) && !rollbacksBefore.has(d.metadata.name ?? ''))?.metadata.name,
        { timeoutMs: waitMs, signal: ctx.io.interrupt },
      );
      if (created.kind === 'done') ctx.io.out(`rollback Delivery: ${created.value} (follow it: sluice show ${created.value})\n`);
      else ctx.io.err(`the rollback Delivery has not appeared yet; see 'sluice deliveries --app ${name}'\n`);
      return EXIT.ok;
    }
  }
}

/** Rollback Deliveries that exist already, so the one this rollback creates can be told apart. */
async function rollbackDeliveries(client: KubeClient, namespace: string): Promise<Set<string>> {
  const { items } = await client.list<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace });
  return new Set(items.filter((d) => d.metadata.annotations?.[ANNOTATIONS.rollback] !== undefined).map((d) => d.metadata.name ?? ''));
}

function isRollbackDelivery(d: KubeObject, app: string, environment: string, sha: string): boolean {
  const spec = (d['spec'] ?? {}) as { application?: string; checkoutSha?: string };
  return d.metadata.annotations?.[ANNOTATIONS.rollback] === environment && spec.application === app && spec.checkoutSha === sha;
}
