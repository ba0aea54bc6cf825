import type { KubeClient, KubeObject } from '@sluice/kube';
import { TestRunnerError } from '../errors.js';
import type { Job } from '../jobs/types.js';

/** client-node's TypeScript-only field names (`_from`, `x_kubernetes_…`); none may reach the API server. */
function assertWireNames(value: unknown, path: string): void {
  if (Array.isArray(value)) value.forEach((v, i) => assertWireNames(v, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('_') || key.startsWith('x_kubernetes_')) {
        throw new TestRunnerError('InvalidManifest', `${path}.${key} is a client-node field name; the API server would drop it (map it to its wire name)`);
      }
      assertWireNames(v, `${path}.${key}`);
    }
  }
}

/**
 * Creates the Job unless a Job of that name exists (then it is returned):
 * the deterministic name is what keeps a restarted runner from starting a
 * second run. The manifests lib's objects are client-node shapes; a Job
 * uses no renamed fields, which this checks before sending it as JSON.
 */
export async function createJob(client: KubeClient, job: Job): Promise<{ created: boolean }> {
  assertWireNames(job, 'Job');
  const result = await client.createIfAbsent(job as unknown as KubeObject);
  return { created: result.created };
}

/** Deletes a Job and, through Background propagation, its pods. `false` when it was gone already. */
export async function deleteJob(client: KubeClient, namespace: string, name: string): Promise<boolean> {
  return client.delete({ apiVersion: 'batch/v1', kind: 'Job', namespace, name }, { propagationPolicy: 'Background' });
}
