/**
 * Installing Sluice's CRDs on a test or benchmark cluster (the gateway's approach). No vitest here, so
 * the benchmark can use it too.
 */
import { applicationCrd, deliveryCrd, toWire } from '@sluice/manifests';
import type { KubeClient, KubeObject } from '@sluice/kube';

/**
 * Installs the Application and Delivery CRDs with server-side apply
 * (idempotent, so every test file may call it) and waits until the apiserver
 * serves them.
 */
export async function installCrds(client: KubeClient): Promise<void> {
  const crds = [applicationCrd(), deliveryCrd()].map((crd) => toWire(crd) as KubeObject);
  await Promise.all(crds.map((crd) => client.apply(crd, { force: true })));
  await Promise.all(
    crds.map((crd) =>
      waitUntil(async () => {
        const current = await client.get<KubeObject>({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name as string });
        const conditions = ((current?.['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
        return conditions.some((c) => c.type === 'Established' && c.status === 'True');
      }, `CRD ${crd.metadata.name} to be Established`),
    ),
  );
}

/** Re-checks `condition` every 100 ms until it holds; fails after `timeoutMs`. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
