import { API_GROUP_VERSION, applicationConditions, currentConditions, sameConditions, type RawApplication } from '@sluice/delivery';
import { isKubeError, type KubeClient, type KubeObject } from '@sluice/kube';

/** What {@link writeApplicationConditions} did. */
export type ConditionsWrite = 'written' | 'unchanged' | 'gone';

/**
 * Brings `app`'s `status.conditions` to what {@link applicationConditions}
 * decides from every Application of the namespace (`all`), through the status
 * subresource and only when they differ. The merge patch carries the
 * resourceVersion read, so it never overwrites a newer status; on a conflict
 * or a deleted Application nothing is written (`gone`): the watch event of the
 * newer version queues the Application again.
 */
export async function writeApplicationConditions(client: KubeClient, app: KubeObject, all: readonly KubeObject[], now: Date): Promise<ConditionsWrite> {
  const raw = app as KubeObject & RawApplication;
  const conditions = applicationConditions(raw, all as readonly RawApplication[], now);
  if (sameConditions(currentConditions(raw), conditions)) return 'unchanged';
  try {
    await client.mergePatch(
      { apiVersion: API_GROUP_VERSION, kind: 'Application', namespace: app.metadata.namespace, name: app.metadata.name ?? '' },
      {
        metadata: { resourceVersion: app.metadata.resourceVersion },
        status: { conditions, ...(app.metadata.generation !== undefined && { observedGeneration: app.metadata.generation }) },
      },
      { subresource: 'status' },
    );
    return 'written';
  } catch (err) {
    if (isKubeError(err, 'Conflict', 'NotFound')) return 'gone';
    throw err;
  }
}
