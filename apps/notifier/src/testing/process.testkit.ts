/**
 * Steps the notifier's process tests share (restart, HA): three Deliveries
 * driven to Live, a slow GitLab to kill a replica against, and the checks
 * that GitLab ended with each status once.
 */
import type { GitlabStandIn } from '@sluice/gitlab-stand-in';
import type { KubeClient } from '@sluice/kube';
import { expect } from 'vitest';
import { deliveryObject, fakeSha, StatusDriver, waitUntil, type Delivery } from './cluster.testkit.js';

/** The status names one production Delivery gets. */
export const NAMES = ['sluice/test', 'sluice/build', 'sluice/deploy:production'];

/** Creates `<prefix>-1..3` in `namespace` and drives each through test, build and deploy to Live; returns their SHAs. */
export async function threeLiveDeliveries(kube: KubeClient, namespace: string, prefix: string, project: { id: number; path: string }): Promise<string[]> {
  const shas = [1, 2, 3].map((i) => fakeSha(`${prefix}-${i}`));
  const drivers = await Promise.all(
    shas.map(async (sha, i) => {
      const name = `${prefix}-${i + 1}`;
      await kube.create(deliveryObject({ name, namespace, sha, project, environments: ['production'] }));
      return new StatusDriver(kube, namespace, name);
    }),
  );
  await Promise.all(
    drivers.map(async (d) => {
      await d.init(['production']);
      await d.start({ name: 'test' }, 'Testing');
      await d.succeed({ name: 'test' });
      await d.start({ name: 'build' }, 'Building');
      await d.succeed({ name: 'build' });
      await d.start({ name: 'deploy', environment: 'production' }, 'Deploying');
      await d.succeed({ name: 'deploy', environment: 'production' }, 'Live');
    }),
  );
  return shas;
}

/** Polls the stand-in every 10 ms (its requests are in memory) until `condition` holds. */
export async function whenGitlab(condition: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once GitLab is applying a final (`success`) status the notifier has not had an answer for yet. */
export function finalStatusInFlight(gitlab: GitlabStandIn): Promise<void> {
  const statusPosts = () => gitlab.requests({ method: 'POST', path: '/statuses/' });
  return whenGitlab(() => {
    const last = gitlab.requests().at(-1);
    return statusPosts().length >= 4 && last?.method === 'POST' && last.status === 0 && (last.body as { state?: string }).state === 'success';
  }, 'a final status in flight');
}

/** Waits until `<prefix>-1..3` record every status and the deployment as posted. */
export function allPosted(kube: KubeClient, namespace: string, prefix: string, what: string): Promise<void> {
  return waitUntil(
    async () => {
      const deliveries = await Promise.all([1, 2, 3].map((i) => kube.get<Delivery>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace, name: `${prefix}-${i}` })));
      return deliveries.every((d) => NAMES.every((n) => d?.status?.posted[n]?.state === 'success') && d?.status?.posted['sluice/deployment:production']?.state === 'success');
    },
    what,
    45_000,
  );
}

/** Nothing missing, nothing twice: one row per name (a re-posted final state would add a second), one deployment. */
export function expectEachStatusOnce(gitlab: GitlabStandIn, shas: readonly string[]): void {
  for (const sha of shas) {
    const rows = gitlab.statuses({ sha });
    expect(rows.map((r) => r.name).sort()).toEqual([...NAMES].sort());
    expect(rows.every((r) => r.status === 'success' && !r.retried)).toBe(true);
    expect(gitlab.deployments().filter((x) => x.sha === sha).map((x) => x.status)).toEqual(['success']);
  }
}
