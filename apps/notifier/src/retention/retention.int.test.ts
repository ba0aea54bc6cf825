/**
 * Delivery retention against the real apiserver: the notifier's controller
 * posts every Delivery to the GitLab stand-in, and once they have settled it
 * deletes the finished Deliveries the Application's spec.history no longer
 * keeps — never a running one, one GitLab has not got all statuses of, the
 * one the production Service names live, or another Application's.
 */
import { startGitlabStandIn, type GitlabStandIn } from '@sluice/gitlab-stand-in';
import { ANNOTATIONS, API_GROUP_VERSION, type EnvironmentName } from '@sluice/delivery';
import type { KubeClient } from '@sluice/kube';
import { memoryTelemetry } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotifierController } from '../controller/controller.js';
import { createGitlabClient } from '../gitlab-client.js';
import { NotifierTelemetry } from '../telemetry/gitlab.js';
import { adminClient, createNamespace, deleteNamespace, deliveryObject, fakeSha, installCrds, StatusDriver, testLogger, waitUntil, type Delivery } from '../testing/cluster.testkit.js';

const TOKEN = 'glpat-retention-int-test';
const INVENTORY = { id: 8801, path: 'platform/inventory' };
const BILLING = { id: 8802, path: 'platform/billing' };
const PRODUCTION: EnvironmentName[] = ['production'];

let kube: KubeClient;
let ns: string;
let target: string;
let gitlab: GitlabStandIn;
let controller: NotifierController;
const telemetry = memoryTelemetry();

function application(name: string, project: { id: number; path: string }, history?: { keepFinished: number }) {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Application',
    metadata: { name, namespace: ns },
    spec: {
      project,
      repositoryUrl: `https://gitlab.example.test/${project.path}.git`,
      rules: [{ refs: 'main', environments: ['production'] }],
      test: { image: 'node:22', commands: ['npm test'] },
      build: { repository: `registry.example.test/${name}` },
      environments: { production: { namespace: target, deploymentName: name, serviceName: name } },
      ...(history && { history }),
    },
  };
}

beforeAll(async () => {
  kube = adminClient();
  await installCrds(kube);
  ns = await createNamespace(kube, 'notifier-retention');
  target = await createNamespace(kube, 'retention-prod');
  gitlab = await startGitlabStandIn({ token: TOKEN, projects: [INVENTORY, BILLING] });
  await kube.create(application('inventory', INVENTORY, { keepFinished: 3 }));
  await kube.create(application('billing', BILLING));
  // The deployer's record of production: `ret-live` serves traffic there.
  await kube.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'inventory', namespace: target, annotations: { [ANNOTATIONS.delivery]: 'ret-live', [ANNOTATIONS.revision]: fakeSha('ret-live') } },
    spec: { selector: { app: 'inventory' }, ports: [{ port: 80, targetPort: 8080 }] },
  });
  const notifierTelemetry = new NotifierTelemetry(telemetry);
  controller = new NotifierController({
    kube,
    gitlab: await createGitlabClient({ url: gitlab.url, token: TOKEN, timeoutMs: 2_000, wrapDispatcher: (inner) => notifierTelemetry.dispatcher(inner) }),
    telemetry: notifierTelemetry,
    namespace: ns,
    decide: { prefix: 'sluice' },
    concurrency: 4,
    backoff: { initialMs: 50, maxMs: 800 },
    logger: testLogger(),
  });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  await gitlab?.close();
  await telemetry.shutdown();
  if (target) await deleteNamespace(kube, target);
  if (ns) await deleteNamespace(kube, ns);
});

async function create(name: string, project = INVENTORY, app = 'inventory'): Promise<StatusDriver> {
  const object = deliveryObject({ name, namespace: ns, sha: fakeSha(name), project, environments: PRODUCTION });
  await kube.create({ ...object, spec: { ...object.spec, application: app } });
  const driver = new StatusDriver(kube, ns, name);
  await driver.init(PRODUCTION);
  return driver;
}

/** Takes a Delivery through test, build and deploy to Live (it finishes now). */
async function toLive(driver: StatusDriver): Promise<void> {
  await driver.start({ name: 'test' }, 'Testing');
  await driver.succeed({ name: 'test' });
  await driver.start({ name: 'build' }, 'Building');
  await driver.succeed({ name: 'build' });
  await driver.start({ name: 'deploy', environment: 'production' }, 'Deploying');
  await driver.succeed({ name: 'deploy', environment: 'production' }, 'Live');
}

async function names(): Promise<string[]> {
  const list = await kube.list<Delivery>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: ns });
  return list.items.map((d) => d.metadata.name).sort();
}

async function finalPosted(name: string): Promise<boolean> {
  const delivery = await kube.get<Delivery>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: ns, name });
  return delivery === undefined || delivery.status?.posted['sluice/deployment:production']?.state === 'success';
}

describe('Delivery retention', () => {
  it('keeps the 3 newest finished Deliveries and deletes the older ones, but never a running, an unposted, the live one or another Application’s', async () => {
    // Oldest first: another Application's, the live one, one GitLab refuses every status of (never all posted), then six more.
    await toLive(await create('other-1', BILLING, 'billing'));
    await toLive(await create('ret-live'));
    gitlab.inject({ status: 403, method: 'POST', path: `/statuses/${fakeSha('ret-unposted')}`, times: 100 });
    await toLive(await create('ret-unposted'));
    for (const i of [1, 2, 3, 4, 5, 6]) {
      await toLive(await create(`ret-${i}`));
      await waitUntil(() => finalPosted(`ret-${i}`), `ret-${i} posted`);
    }
    const running = await create('ret-running');
    await running.start({ name: 'test' }, 'Testing');

    const expected = ['other-1', 'ret-4', 'ret-5', 'ret-6', 'ret-live', 'ret-running', 'ret-unposted'];
    await waitUntil(async () => (await names()).join() === expected.join(), 'retention to leave the 3 newest, the running, the unposted and the live one');
    await controller.idle();
    expect(await names()).toEqual(expected);
    const unposted = await kube.get<Delivery>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: ns, name: 'ret-unposted' });
    expect(unposted?.status?.phase).toBe('Live');
    expect(unposted?.status?.posted['sluice/deploy:production']).toBeUndefined();
    const deleted = await telemetry.metric('sluice.deliveries.deleted');
    // Every pass counts, so the other Application has its series too, at 0.
    expect(deleted.find((point) => point.attributes['cicd.pipeline.name'] === 'inventory')).toMatchObject({ value: 3 });
    expect(deleted.reduce((sum, point) => sum + Number(point.value), 0)).toBe(3);
  });
});
