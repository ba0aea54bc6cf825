import type { KubeClient } from '@sluice/kube';
import type { Job } from '../jobs/types.js';

/**
 * Creates the Job unless a Job of that name exists (then it is returned):
 * the deterministic name is what keeps a restarted runner from starting a
 * second run. The manifests lib's Job is in wire form already.
 */
export async function createJob(client: KubeClient, job: Job): Promise<{ created: boolean }> {
  const result = await client.createIfAbsent(job);
  return { created: result.created };
}

/** Deletes a Job and, through Background propagation, its pods. `false` when it was gone already. */
export async function deleteJob(client: KubeClient, namespace: string, name: string): Promise<boolean> {
  return client.delete({ apiVersion: 'batch/v1', kind: 'Job', namespace, name }, { propagationPolicy: 'Background' });
}
