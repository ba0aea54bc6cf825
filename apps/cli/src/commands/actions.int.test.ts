import { API_GROUP_VERSION, type DeliveryStatus } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';
import { waitForObject } from '@sluice/local-cluster/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationsPath, deliveriesPath } from '../cluster/read.js';
import { annotationsOf, applicationObject, createDelivery, openFixture, runCli, sha, startCli, type Fixture } from '../testing/cli.testkit.js';

let f: Fixture;
const LIVE = sha('a1');
const PREVIOUS = sha('b2');

function service(name: string, annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: f.namespace, annotations },
    spec: { selector: { app: name, color: 'green' }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

/** Production waits at a manual gate (the deploy stage's promotion field and message), staging done. */
function waitingInProduction(s: DeliveryStatus): DeliveryStatus {
  const now = new Date().toISOString();
  return {
    ...s,
    phase: 'Deploying',
    stages: s.stages.map((st) =>
      st.name === 'deploy' && st.environment === 'production'
        ? { ...st, state: 'running', startedAt: now, promotion: 'waiting', message: 'waiting for promotion' }
        : { ...st, state: 'succeeded', startedAt: now, finishedAt: now },
    ),
  };
}

/** Plays the deployer: consumes the action on `kind/name` once it appears, writing `annotations` in the same patch. */
async function consumeLikeTheDeployer(kind: 'Application' | 'Delivery', name: string, annotations: Record<string, string>): Promise<void> {
  const path = kind === 'Application' ? applicationsPath(f.namespace) : deliveriesPath(f.namespace);
  const seen = await waitForObject(f.client, path, (o) => o.metadata.name === name && o.metadata.annotations?.['sluice.dev/action'] !== undefined);
  await f.client.mergePatch(
    { apiVersion: API_GROUP_VERSION, kind, namespace: f.namespace, name },
    { metadata: { resourceVersion: seen.metadata.resourceVersion, annotations: { 'sluice.dev/action': null, ...annotations } } },
  );
}

beforeAll(async () => {
  f = await openFixture('cli-actions');
  await f.client.create(applicationObject({ namespace: f.namespace, name: 'shop', targetNamespace: f.namespace }));
  await f.client.create(applicationObject({ namespace: f.namespace, name: 'fresh', targetNamespace: f.namespace }));
  await f.client.create(applicationObject({ namespace: f.namespace, name: 'once', targetNamespace: f.namespace }));
  await f.client.create(applicationObject({ namespace: f.namespace, name: 'gone', targetNamespace: f.namespace }));
  await f.client.create(service('shop-production', { 'sluice.dev/revision': LIVE, 'sluice.dev/previous-revision': PREVIOUS }));
  await f.client.create(service('once-production', { 'sluice.dev/revision': LIVE, 'sluice.dev/previous-revision': '' }));
  await f.client.create(service('gone-production', { 'sluice.dev/revision': LIVE, 'sluice.dev/previous-revision': PREVIOUS }));
});
afterAll(async () => {
  await f?.close();
});

describe('sluice rollback', () => {
  it('--no-wait sets exactly the annotation of the deployer contract on the Application', async () => {
    const r = await runCli(['rollback', 'shop', ...f.flags, '--no-wait']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('rollback of shop in production requested (a1a1a1a → b2b2b2b)');
    expect((await annotationsOf(f.client, f.namespace, 'Application', 'shop'))['sluice.dev/action']).toBe('rollback:production');
    // Asking again while the first request waits is harmless: the same request.
    expect((await runCli(['rollback', 'shop', ...f.flags, '--no-wait'])).code).toBe(0);
  });

  it('waits for the deployer and reports the switch it recorded', async () => {
    await f.client.mergePatch({ apiVersion: API_GROUP_VERSION, kind: 'Application', namespace: f.namespace, name: 'shop' }, { metadata: { annotations: { 'sluice.dev/action': null } } });
    const cli = startCli(['rollback', 'shop', ...f.flags]);
    await consumeLikeTheDeployer('Application', 'shop', { 'sluice.dev/last-action': `rollback@2030-01-01T10:00:00.000Z → ${PREVIOUS} (switch to blue)` });
    const r = await cli.done;
    expect(r.code).toBe(0);
    expect(r.out).toContain('rolled back: production traffic of shop is back on b2b2b2b (switched to blue)');
  });

  it('reports the rollback Delivery the deployer creates when it redeploys', async () => {
    const cli = startCli(['rollback', 'gone', ...f.flags]);
    await consumeLikeTheDeployer('Application', 'gone', { 'sluice.dev/last-action': `rollback@2030-01-01T10:00:00.000Z → ${PREVIOUS} (redeploy)` });
    await createDelivery(f.client, f.namespace, { name: 'gone-rollback-b2b2b2b2-x1', application: 'gone', sha: PREVIOUS, receivedAt: new Date().toISOString(), annotations: { 'sluice.dev/rollback': 'production' } });
    const r = await cli.done;
    expect(r.code).toBe(0);
    expect(r.out).toContain('the deployer redeploys b2b2b2b in production');
    expect(r.out).toContain('rollback Delivery: gone-rollback-b2b2b2b2-x1');
  });

  it('refuses, with exit 1 and nothing set, when there is nothing to roll back to', async () => {
    const noService = await runCli(['rollback', 'fresh', ...f.flags]);
    expect(noService).toMatchObject({ code: 1, out: '' });
    expect(noService.err).toBe(`sluice: cannot roll back: nothing is live in production yet (no Service ${f.namespace}/fresh-production); there is nothing to roll back\n`);
    const noPrevious = await runCli(['rollback', 'once', ...f.flags]);
    expect(noPrevious.err).toBe('sluice: cannot roll back: once has no previous good revision in production to return to\n');
    const noStaging = await runCli(['rollback', 'once', ...f.flags, '--env', 'staging']);
    expect(noStaging.err).toBe('sluice: cannot roll back: application once has no staging environment\n');
    const missing = await runCli(['rollback', 'nope', ...f.flags]);
    expect(missing).toMatchObject({ code: 1, err: `sluice: application "nope" not found in namespace "${f.namespace}"\n` });
    for (const app of ['fresh', 'once']) expect((await annotationsOf(f.client, f.namespace, 'Application', app))['sluice.dev/action']).toBeUndefined();
  });

  it('gives up after --timeout with exit 1 when no deployer takes the action, leaving the request set', async () => {
    await f.client.mergePatch({ apiVersion: API_GROUP_VERSION, kind: 'Application', namespace: f.namespace, name: 'shop' }, { metadata: { annotations: { 'sluice.dev/action': null } } });
    const r = await runCli(['rollback', 'shop', ...f.flags, '--timeout', '1s']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^sluice: the deployer has not taken the rollback within 1s \(.*\); the request stays on Application shop\n$/);
    expect((await annotationsOf(f.client, f.namespace, 'Application', 'shop'))['sluice.dev/action']).toBe('rollback:production');
  });
});

describe('sluice promote', () => {
  it('sets sluice.dev/action=promote on a Delivery waiting at a manual gate, and reports the approval', async () => {
    await createDelivery(f.client, f.namespace, { name: 'wait-1', application: 'shop', sha: sha('c3'), receivedAt: new Date().toISOString(), environments: ['staging', 'production'], status: waitingInProduction });
    const noWait = await runCli(['promote', 'wait-1', ...f.flags, '--no-wait', '--env', 'production']);
    expect(noWait).toMatchObject({ code: 0, err: '' });
    expect(noWait.out).toContain('promotion of wait-1 in production requested: sluice.dev/action=promote');
    expect((await annotationsOf(f.client, f.namespace, 'Delivery', 'wait-1'))['sluice.dev/action']).toBe('promote');
    await f.client.mergePatch({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: f.namespace, name: 'wait-1' }, { metadata: { annotations: { 'sluice.dev/action': null } } });

    const cli = startCli(['promote', 'wait-1', ...f.flags]);
    await consumeLikeTheDeployer('Delivery', 'wait-1', { 'sluice.dev/promotion-approved.production': '2030-01-01T10:00:00.000Z' });
    const r = await cli.done;
    expect(r.code).toBe(0);
    expect(r.out).toContain('promoted: the deployer approved wait-1 in production at 2030-01-01T10:00:00Z');
  });

  it('refuses with exit 1 a delivery that is not waiting for promotion, or waits in another environment', async () => {
    await createDelivery(f.client, f.namespace, { name: 'busy-1', application: 'shop', sha: sha('d4'), receivedAt: new Date().toISOString(), status: (s) => ({ ...s, phase: 'Testing' }) });
    const busy = await runCli(['promote', 'busy-1', ...f.flags]);
    expect(busy).toMatchObject({ code: 1, out: '', err: 'sluice: cannot promote: delivery busy-1 is not waiting for promotion (phase Testing; test is pending)\n' });
    await createDelivery(f.client, f.namespace, { name: 'wait-2', application: 'shop', sha: sha('e5'), receivedAt: new Date().toISOString(), environments: ['staging', 'production'], status: waitingInProduction });
    const wrongEnv = await runCli(['promote', 'wait-2', ...f.flags, '--env', 'staging']);
    expect(wrongEnv.err).toBe('sluice: cannot promote: delivery wait-2 waits for promotion in production, not staging\n');
    for (const name of ['busy-1', 'wait-2']) expect((await annotationsOf(f.client, f.namespace, 'Delivery', name))['sluice.dev/action']).toBeUndefined();
  });
});
