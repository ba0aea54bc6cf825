import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startCluster, type ImageRefs, type LocalCluster, type NodeNetwork } from '@sluice/local-cluster';
import { kubectlFor, type Kubectl } from './kubectl.js';
import type { Teardown } from './teardown.js';

/** The repository root (commands such as `kubectl -k deploy/overlays/local` run from here). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The overlay the demo installs. */
export const OVERLAY = 'deploy/overlays/local';

/** Namespaces of the local overlay (deploy-gen's LOCAL profile). */
export const NAMESPACES = { system: 'sluice-system', test: 'sluice-test', production: 'sluice-production' } as const;

/** deploy/'s OpenTelemetry Collector Deployment (its image is not on this machine; the services send to the demo's receiver). */
const COLLECTOR = 'otel-collector';

/** The four services, as deploy/ names their Deployments and ServiceAccounts. */
export const SERVICES = ['webhook-gateway', 'test-runner', 'deployer', 'notifier'] as const;
/** One of {@link SERVICES}. */
export type ServiceName = (typeof SERVICES)[number];

/** What the real node offers the demo: its addresses, its registry and the base images in it. */
export interface DemoNode {
  readonly network: NodeNetwork;
  /** `host:port` of the node's OCI registry. */
  readonly registry: string;
  readonly images: ImageRefs;
}

/** A running cluster with Sluice installed. */
export interface InstalledCluster {
  readonly cluster: LocalCluster;
  readonly node: DemoNode;
  readonly kubectl: Kubectl;
}

/**
 * Starts a local control plane with a real node (containers, pod network,
 * Services, NetworkPolicies, a registry) owned by this process (it dies with
 * us) and registers its stop and the removal of its directory with `teardown`.
 * Its addresses are its own (a slot per cluster), so it runs beside others.
 */
export async function startDemoCluster(teardown: Teardown): Promise<InstalledCluster> {
  const cluster = await startCluster({ lifetime: 'owned', node: 'real' });
  teardown.add('local cluster', async () => {
    await cluster.stop();
    await rm(cluster.dir, { recursive: true, force: true });
  });
  const { network, registry, images } = cluster;
  if (!network || !registry || !images) throw new Error(`the local cluster started with a ${cluster.node} node, not a real one: no network, registry or images`);
  return { cluster, node: { network, registry, images }, kubectl: await kubectlFor(cluster.kubeconfigPath, REPO_ROOT) };
}

/**
 * Installs `deploy/overlays/local` for real with server-side apply — CRDs,
 * namespaces, ServiceAccounts and Roles, NetworkPolicies, the test quota,
 * the four Deployments, PDBs, the Ingress — through a one-line kustomization
 * on top of it that sets the four service Deployments' replicas (and the
 * collector's) to 0 at apply time: none of their pods is created, as the demo
 * runs the services as host processes (no images of them are built yet) and
 * they export to its trace receiver. Resolves once the CRDs are served and
 * the namespaces can take pods.
 */
export async function installSluice(kubectl: Kubectl): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-install-'));
  try {
    const kustomization = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      `  - ${relative(dir, join(REPO_ROOT, OVERLAY))}`,
      'replicas:',
      ...[...SERVICES, COLLECTOR].flatMap((name) => [`  - name: ${name}`, '    count: 0']),
      '',
    ].join('\n');
    await writeFile(join(dir, 'kustomization.yaml'), kustomization);
    await kubectl.must(['apply', '--server-side', '--field-manager=sluice-demo', '-k', dir]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await kubectl.must(['wait', '--for=condition=Established', '--timeout=60s', 'crd/applications.sluice.dev', 'crd/deliveries.sluice.dev']);
  // Pods are refused until a namespace's default ServiceAccount exists, as on any cluster.
  await Promise.all(
    [NAMESPACES.test, NAMESPACES.production].map((ns) => kubectl.must(['wait', '--for=create', '--timeout=60s', '-n', ns, 'serviceaccount/default'])),
  );
}
