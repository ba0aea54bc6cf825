import { finishStage, startStage, type DeliveryStatus } from '@sluice/delivery';
import { resourcePath, type KubeObject } from '@sluice/kube';
import { createNamespace, deleteNamespace, waitForObject } from '@sluice/local-cluster/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDelivery, openFixture, runCli, sha, startCli, type Fixture } from '../testing/cli.testkit.js';

let f: Fixture;
let testNs: string;

interface Pod extends KubeObject {
  status?: { phase?: string; containerStatuses?: { name: string; state?: { running?: object } }[] };
}

/** A test Job as the test runner makes it, as far as the CLI cares: its labels and its three steps. */
function testJob(delivery: string, testScript: string): KubeObject {
  const labels = { 'sluice.dev/delivery': delivery, 'sluice.dev/stage': 'test', 'app.kubernetes.io/managed-by': 'sluice' };
  const step = (name: string, script: string) => ({ name, image: 'local', command: ['sh', '-c', script] });
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${delivery}-test`, namespace: testNs, labels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 0,
          initContainers: [step('clone', 'echo cloned 1a2b3c4'), step('install', 'echo installed 12 packages')],
          containers: [step('test', testScript)],
        },
      },
    },
  };
}

const podsPath = () => resourcePath({ apiVersion: 'v1', plural: 'pods', namespace: testNs });
const podOf = (delivery: string) => (p: Pod) => p.metadata.labels?.['sluice.dev/delivery'] === delivery;

function withTestTail(s: DeliveryStatus): DeliveryStatus {
  const started = startStage(s, { name: 'test' }, { now: new Date() });
  if (!started.ok) throw new Error('refused');
  const done = finishStage(started.status, { name: 'test' }, { state: 'failed', reason: 'TestsFailed', logTail: 'not ok 1 recorded\n' }, new Date());
  if (!done.ok) throw new Error('refused');
  return { ...done.status, phase: 'Failed', reason: 'TestsFailed' };
}

beforeAll(async () => {
  f = await openFixture('cli-logs');
  testNs = await createNamespace(f.client, 'cli-logs-test');
});
afterAll(async () => {
  await f?.close();
  if (testNs) await deleteNamespace(f.client, testNs);
});

describe('sluice logs', () => {
  it("prints every step of the delivery's test pod in order, or one step with --container", async () => {
    await createDelivery(f.client, f.namespace, { name: 'done-1', application: 'shop', sha: sha('e5'), receivedAt: new Date().toISOString(), status: (s) => s });
    await f.client.create(testJob('done-1', 'echo ok 1 cart; echo ok 2 checkout'));
    await waitForObject<Pod>(f.client, podsPath(), (p) => podOf('done-1')(p) && p.status?.phase === 'Succeeded');

    const all = await runCli(['logs', 'done-1', ...f.flags, '--test-namespace', testNs]);
    expect(all).toMatchObject({ code: 0, err: '' });
    expect(all.out).toBe('==> clone <==\ncloned 1a2b3c4\n==> install <==\ninstalled 12 packages\n==> test <==\nok 1 cart\nok 2 checkout\n');

    const one = await runCli(['logs', 'done-1', ...f.flags, '--test-namespace', testNs, '-c', 'install']);
    expect(one.out).toBe('installed 12 packages\n');
    const tail = await runCli(['logs', 'done-1', ...f.flags, '--test-namespace', testNs, '-c', 'test', '--tail', '1']);
    expect(tail.out).toBe('ok 2 checkout\n');
  });

  it('--follow streams the test step while it runs and ends when it exits', async () => {
    await createDelivery(f.client, f.namespace, { name: 'running-1', application: 'shop', sha: sha('f6'), receivedAt: new Date().toISOString(), status: (s) => s });
    // The CLI starts first: it waits for the pod, then for each step, and streams the test step as it prints.
    const follow = startCli(['logs', 'running-1', ...f.flags, '--test-namespace', testNs, '--follow']);
    await f.client.create(testJob('running-1', 'for i in 1 2 3; do echo tick $i; sleep 0.4; done'));
    const done = await follow.done;
    expect(done.code).toBe(0);
    expect(done.out).toBe('==> clone <==\ncloned 1a2b3c4\n==> install <==\ninstalled 12 packages\n==> test <==\ntick 1\ntick 2\ntick 3\n');
  });

  it('Ctrl-C stops a follow with exit 0', async () => {
    await createDelivery(f.client, f.namespace, { name: 'forever-1', application: 'shop', sha: sha('a7'), receivedAt: new Date().toISOString(), status: (s) => s });
    await f.client.create(testJob('forever-1', 'echo started; exec sleep 600'));
    const follow = startCli(['logs', 'forever-1', ...f.flags, '--test-namespace', testNs, '-f', '-c', 'test']);
    await follow.waitForOutput((out) => out.includes('started'));
    follow.interrupt();
    expect(await follow.done).toMatchObject({ code: 0, out: 'started\n' });
  });

  it('falls back to the log tail recorded in the Delivery once the pod is gone', async () => {
    await createDelivery(f.client, f.namespace, { name: 'gone-1', application: 'shop', sha: sha('b8'), receivedAt: new Date().toISOString(), status: withTestTail });
    const r = await runCli(['logs', 'gone-1', ...f.flags, '--test-namespace', testNs]);
    expect(r).toMatchObject({ code: 0, out: 'not ok 1 recorded\n' });
    expect(r.err).toContain('pod of gone-1 is gone; showing the log tail recorded in the Delivery');
  });

  it('fails with exit 1 when there is no pod and nothing was recorded, and for an unknown delivery', async () => {
    await createDelivery(f.client, f.namespace, { name: 'pending-1', application: 'shop', sha: sha('c9'), receivedAt: new Date().toISOString(), status: (s) => s });
    const pending = await runCli(['logs', 'pending-1', ...f.flags, '--test-namespace', testNs]);
    expect(pending).toMatchObject({ code: 1, out: '', err: 'sluice: delivery pending-1 has no test pod yet (test is pending); --follow waits for it\n' });
    const unknown = await runCli(['logs', 'nope', ...f.flags, '--test-namespace', testNs]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('delivery "nope" not found');
  });
});
