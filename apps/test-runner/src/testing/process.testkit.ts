/**
 * What the runner's process tests (restart, HA) share: a process's
 * environment, a Delivery caught mid-Job, and the check that it finished as
 * an undisturbed one would have.
 */
import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { expect } from 'vitest';
import type { ArtifactRegistry } from './artifact-registry.testkit.js';
import { createSoon, deliveriesPath, jobsPath, waitFor, type sampleDelivery } from './runner.testkit.js';

/** The environment of a runner process: its namespaces, the Git host its credentials are for, archive builds to `registry`, no clone retries. */
export function runnerProcessEnv(o: {
  readonly port: number;
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly testNamespace: string;
  readonly registry: ArtifactRegistry;
  readonly gitUrl: string;
}): Record<string, string> {
  return {
    SLUICE_PORT: String(o.port),
    SLUICE_HOST: '127.0.0.1',
    KUBECONFIG: o.kubeconfig,
    SLUICE_NAMESPACE: o.namespace,
    SLUICE_TEST_NAMESPACE: o.testNamespace,
    SLUICE_BUILD_NAMESPACE: o.testNamespace,
    SLUICE_GIT_CREDENTIALS_SECRET: 'git',
    SLUICE_GIT_URL: o.gitUrl,
    SLUICE_REGISTRY_CREDENTIALS_SECRET: 'registry',
    SLUICE_BUILD_MODE: 'archive',
    SLUICE_ARTIFACT_REGISTRY_URL: o.registry.url,
    SLUICE_JOB_BACKOFF_LIMIT: '0',
  };
}

/** Creates `d` and waits until its test Job's pod runs; returns its name and the Job. */
export async function deliveryMidJob(client: KubeClient, namespace: string, testNamespace: string, d: ReturnType<typeof sampleDelivery>): Promise<{ readonly name: string; readonly job: KubeObject }> {
  await createSoon(client, d);
  const name = d.metadata.name as string;
  const jobName = `${name}-test`;
  const job = await waitFor(client, jobsPath(testNamespace), (j) => j.metadata.name === jobName);
  await waitFor(client, `/api/v1/namespaces/${testNamespace}/pods`, (p) => p.metadata.labels?.['job-name'] === jobName && (p as { status?: { phase?: string } }).status?.phase === 'Running');
  return { name, job };
}

/** Waits for the build stage, then checks: one test Job (the one made before the disruption) and one build Job, tests passed, image uploaded. */
export async function expectFinishedAsUndisturbed(
  client: KubeClient,
  o: { readonly namespace: string; readonly testNamespace: string; readonly name: string; readonly job: KubeObject; readonly registry: ArtifactRegistry; readonly sha: string },
): Promise<KubeObject & Delivery> {
  const { name } = o;
  const done = await waitFor<KubeObject & Delivery>(client, deliveriesPath(o.namespace), (x) => x.metadata.name === name && (x.status?.stages.find((s) => s.name === 'build')?.state === 'succeeded' || x.status?.phase === 'Failed'), 80_000);
  const jobs = await client.list<KubeObject>({ apiVersion: 'batch/v1', kind: 'Job', namespace: o.testNamespace }, { labelSelector: `sluice.dev/delivery=${name}` });
  expect(jobs.items.map((j) => j.metadata.name).sort()).toEqual([`${name}-build`, `${name}-test`]);
  // The test Job that ran across the disruption is the one made before it.
  expect(jobs.items.find((j) => j.metadata.name === `${name}-test`)?.metadata.uid).toBe(o.job.metadata.uid);
  expect(done.status?.stages.find((s) => s.name === 'test')).toMatchObject({ state: 'succeeded', testSummary: { total: 1, passed: 1 } });
  expect(done.status?.phase).toBe('Building');
  expect(o.registry.get('registry.local/team/sample', o.sha)).toBeDefined();
  return done;
}
