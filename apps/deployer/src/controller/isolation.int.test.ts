import { ANNOTATIONS, MANAGED_BY_LABEL, TEAM_LABEL } from '@sluice/delivery';
import { resourcePath, type KubeObject } from '@sluice/kube';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applicationObject, createHandedOffDelivery, sha, TEST_TEAM, waitForObject, waitForPhase } from '../testing/deployer.testkit.js';
import { openHarness, type Harness } from '../testing/harness.testkit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

let h: Harness;
let other: string;
beforeAll(async () => {
  // Watching every namespace, as an install without SLUICE_TARGET_NAMESPACES does: the other team's namespace is in reach.
  h = await openHarness(inject('kubeconfig'), 'deployer-isolation', { settings: { targetNamespaces: undefined } });
  const ns = await h.client.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'deployer-isolation-other-', labels: { [TEAM_LABEL]: 'other-team' } } });
  other = ns.metadata.name ?? '';
});
afterAll(async () => {
  if (other) await h?.client.delete({ apiVersion: 'v1', kind: 'Namespace', name: other });
  await h?.close();
});

const ENDED = ['Live', 'Failed', 'RolledBack', 'Superseded'];
const deployment = (namespace: string, name: string) => h.client.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
const service = (namespace: string, name: string) => h.client.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace, name });

/** Who ever wrote `object` (its field managers): the in-process deployer writes as `sluice-deployer`. */
const managers = (object: KubeObject | undefined) => ((object?.metadata['managedFields'] ?? []) as { manager?: string }[]).map((m) => m.manager);

async function deliver(app: string, name: string, commit: string): Promise<KubeObject & { status: { phase: string; reason?: string; message?: string } }> {
  await createHandedOffDelivery(h.client, { namespace: h.namespace, application: app, name, commit, environments: ['production'] });
  return waitForPhase(h.client, h.namespace, name, ENDED);
}

/** A Deployment someone else made (no Sluice label), parked at 0 replicas. */
function squatter(namespace: string, name: string): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 0,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.example.com/other/app@sha256:${'2'.repeat(64)}` }] } },
    },
  } as KubeObject;
}

describe('the deployer writes only what its Application owns', () => {
  it('fails NotOwned when a Deployment of the color exists and is not Sluice\'s, and leaves it exactly as it was', async () => {
    await h.client.create<KubeObject>(squatter(h.namespace, 'squat-production-blue'));
    // Once the Deployment controller has settled its status, nothing but a write to it changes its resourceVersion.
    const before = await waitForObject(h.client, resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: h.namespace }), (d) =>
      d.metadata.name === 'squat-production-blue' &&
      ((d['status'] as { conditions?: { type: string; reason?: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable'),
    );
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'squat', targetNamespace: h.namespace }));

    const failed = await deliver('squat', 'squat-1', sha('good', 1));
    expect(failed.status).toMatchObject({ phase: 'Failed', reason: 'NotOwned' });
    expect(failed.status.message).toContain(`Deployment squat-production-blue in namespace ${h.namespace} is not ${h.namespace}/squat's: its owner is not managed by Sluice`);

    const after = await deployment(h.namespace, 'squat-production-blue');
    expect(after?.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after?.['spec']).toEqual(before['spec']);
    expect(after?.metadata.annotations?.[ANNOTATIONS.owner]).toBeUndefined();
    expect(managers(after)).not.toContain('sluice-deployer');
    // Nothing else was created for it either.
    expect(await service(h.namespace, 'squat-production')).toBeUndefined();
    expect(await deployment(h.namespace, 'squat-production-green')).toBeUndefined();
  });

  it("fails NotOwned when the Service belongs to another Application, naming it, and writes nothing", async () => {
    const owner = `${h.namespace}/someone-else`;
    const before = await h.client.create<KubeObject>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'twin-production', namespace: h.namespace, labels: { [MANAGED_BY_LABEL]: 'sluice', app: 'twin-production' }, annotations: { [ANNOTATIONS.owner]: owner } },
      spec: { selector: { app: 'twin-production', color: 'green' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    } as KubeObject);
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'twin', targetNamespace: h.namespace }));

    const failed = await deliver('twin', 'twin-1', sha('good', 2));
    expect(failed.status).toMatchObject({ phase: 'Failed', reason: 'NotOwned' });
    expect(failed.status.message).toContain(`Service twin-production in namespace ${h.namespace} is not ${h.namespace}/twin's: its owner is ${owner}`);

    const after = await service(h.namespace, 'twin-production');
    expect(after?.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after?.['spec']).toEqual(before['spec']);
    expect(managers(after)).not.toContain('sluice-deployer');
    expect(await deployment(h.namespace, 'twin-production-blue')).toBeUndefined();
  });

  it("adopts what an earlier deployer made for this Application (no owner annotation yet), writing the owner on the next rollout", async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'heir', targetNamespace: h.namespace }));
    expect((await deliver('heir', 'heir-1', sha('good', 3))).status.phase).toBe('Live');
    const mine = `${h.namespace}/heir`;
    expect((await service(h.namespace, 'heir-production'))?.metadata.annotations?.[ANNOTATIONS.owner]).toBe(mine);
    expect((await deployment(h.namespace, 'heir-production-blue'))?.metadata.annotations?.[ANNOTATIONS.owner]).toBe(mine);
    // As an earlier deployer left them: no owner annotation.
    const strip = { metadata: { annotations: { [ANNOTATIONS.owner]: null } } };
    await h.client.mergePatch({ apiVersion: 'v1', kind: 'Service', namespace: h.namespace, name: 'heir-production' }, strip);
    await h.client.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.namespace, name: 'heir-production-blue' }, strip);

    expect((await deliver('heir', 'heir-2', sha('good', 4))).status.phase).toBe('Live');
    expect((await service(h.namespace, 'heir-production'))?.metadata.annotations?.[ANNOTATIONS.owner]).toBe(mine);
    for (const color of ['blue', 'green']) expect((await deployment(h.namespace, `heir-production-${color}`))?.metadata.annotations?.[ANNOTATIONS.owner]).toBe(mine);
    // The field manager the checks above look for is the one this deployer writes as.
    expect(managers(await service(h.namespace, 'heir-production'))).toContain('sluice-deployer');
  });
});

describe('the deployer deploys only into namespaces open to the Application', () => {
  it("fails NamespaceNotAllowed for a namespace labeled for another team, saying which label it needs, and creates nothing there", async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'stray', targetNamespace: other }));

    const failed = await deliver('stray', 'stray-1', sha('good', 5));
    expect(failed.status).toMatchObject({ phase: 'Failed', reason: 'NamespaceNotAllowed' });
    expect(failed.status.message).toBe(
      `namespace ${other} is not open to Application stray: it needs the label sluice.dev/application=stray or sluice.dev/team=${TEST_TEAM}; it is labeled sluice.dev/team=other-team`,
    );
    const [deployments, services] = await Promise.all([
      h.client.list<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: other }),
      h.client.list<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: other }),
    ]);
    expect(deployments.items).toEqual([]);
    expect(services.items).toEqual([]);
  });
});
