import { APPLICATION_RESOURCE, type Condition } from '@sluice/delivery';
import { resourcePath, type KubeObject } from '@sluice/kube';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applicationObject, waitForObject } from '../testing/deployer.testkit.js';
import { openHarness, type Harness } from '../testing/harness.testkit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

let h: Harness;
beforeAll(async () => {
  h = await openHarness(inject('kubeconfig'), 'deployer-appstatus');
});
afterAll(async () => {
  await h?.close();
});

const GROUP = 'sluice.dev/v1alpha1';
const applicationsPath = () => resourcePath({ apiVersion: GROUP, plural: 'applications', namespace: h.namespace });
const readyOf = (app: KubeObject) => ((app['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
const waitForReady = (name: string, status: 'True' | 'False', reason: string) =>
  waitForObject(h.client, applicationsPath(), (a) => a.metadata.name === name && readyOf(a)?.status === status && readyOf(a)?.reason === reason);
const app = (name: string) => applicationObject({ namespace: h.namespace, name, targetNamespace: h.namespace });

describe('Application status on the real cluster', () => {
  it('marks a valid Application Ready and shows why through the API', async () => {
    await h.client.create(app('alpha'));
    const alpha = await waitForReady('alpha', 'True', 'Accepted');
    expect(readyOf(alpha)).toMatchObject({ message: 'pushes of project 42 (team/sample) are delivered by this Application', observedGeneration: alpha.metadata.generation });
  });

  it('marks both Applications of one project DuplicateProject (neither gets its pushes), and the one left Ready again once the other is gone', async () => {
    await h.client.create(app('beta'));
    const beta = await waitForReady('beta', 'False', 'DuplicateProject');
    expect(readyOf(beta)?.message).toContain('project 42 (team/sample) is also claimed by Application alpha; its pushes are delivered by none of them');
    // The first one by name no longer wins: a crafted Application cannot take another team's pushes by its name.
    const alpha = await waitForReady('alpha', 'False', 'DuplicateProject');
    expect(readyOf(alpha)?.message).toContain('is also claimed by Application beta');
    await h.client.delete({ apiVersion: GROUP, kind: 'Application', namespace: h.namespace, name: 'alpha' });
    await waitForReady('beta', 'True', 'Accepted');
  });

  it('marks an Application the CRD accepts but Sluice refuses InvalidSpec, naming the field', async () => {
    const bad = app('gamma');
    const spec = bad['spec'] as { project: { id: number }; rules: { refs: string; environments: string[] }[] };
    spec.project.id = 43;
    spec.rules = [{ refs: 'main', environments: ['staging'] }];
    await h.client.create(bad);
    const gamma = await waitForReady('gamma', 'False', 'InvalidSpec');
    expect(readyOf(gamma)?.message).toBe('spec.rules[0].environments[0]: "staging" is not configured; add environments.staging or remove it from this rule');
  });

  it('refuses a bad promotion value at the API server, with the field in the message', async () => {
    const bad = app('delta');
    (bad['spec'] as { environments: { production: Record<string, unknown> } }).environments.production['promotion'] = 'sometimes';
    await expect(h.client.create(bad)).rejects.toThrow(/spec\.environments\.production\.promotion/);
  });

  it('has printer columns for Project, Ready and Reason in the served CRD', async () => {
    const crd = await h.client.get<KubeObject>({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: `${APPLICATION_RESOURCE.plural}.${APPLICATION_RESOURCE.group}`,
    });
    const versions = (crd?.['spec'] as { versions: { additionalPrinterColumns?: { name: string; jsonPath: string }[]; subresources?: object }[] }).versions;
    expect(versions[0]?.subresources).toHaveProperty('status');
    expect(versions[0]?.additionalPrinterColumns).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Project', jsonPath: '.spec.project.path' }),
        expect.objectContaining({ name: 'Ready', jsonPath: '.status.conditions[?(@.type=="Ready")].status' }),
        expect.objectContaining({ name: 'Reason', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' }),
        expect.objectContaining({ name: 'Age' }),
      ]),
    );
  });
});
