import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startCluster, type ImageRefs, type LocalCluster, type NodeNetwork } from '@sluice/local-cluster';
import { localInstallKustomization, type InstallImages, type LocalInstall } from './install.js';
import { kubectlFor, type Kubectl } from './kubectl.js';
import type { Teardown } from './teardown.js';

/** The repository root (commands such as `kubectl -k deploy/overlays/local` run from here). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Seccomp profiles deploy/ ships for every node (the build pods' `sluice/builder.json`). */
const NODE_SECCOMP_DIR = 'deploy/node/seccomp';

/** The overlay the demo installs. */
export const OVERLAY = 'deploy/overlays/local';

/** Namespaces of the local overlay (deploy-gen's LOCAL profile). */
export const NAMESPACES = {
  system: 'sluice-system',
  test: 'sluice-test',
  build: 'sluice-build',
  production: 'sluice-production',
  observability: 'sluice-observability',
  webhookSecrets: 'sluice-webhooks',
} as const;

/** deploy/'s OpenTelemetry Collector Deployment. */
export const COLLECTOR = 'otel-collector';

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
 * us), installs deploy/'s node seccomp profiles on it as node provisioning
 * would, and registers its stop and the removal of its directory with `teardown`.
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
  await cluster.installSeccompProfiles(await nodeSeccompProfiles());
  return { cluster, node: { network, registry, images }, kubectl: await kubectlFor(cluster.kubeconfigPath, REPO_ROOT) };
}

/** deploy/node/seccomp/, what a platform team installs on every node: `{ 'sluice/builder.json': profile }`. */
async function nodeSeccompProfiles(): Promise<Record<string, unknown>> {
  const root = join(REPO_ROOT, NODE_SECCOMP_DIR);
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json'));
  const entries = await Promise.all(files.map(async (f) => [relative(root, join(f.parentPath, f.name)), JSON.parse(await readFile(join(f.parentPath, f.name), 'utf8')) as unknown] as const));
  return Object.fromEntries(entries);
}

/**
 * Builds the four services' images as their Dockerfiles say — from the
 * repository root, after `nx run-many -t build` bundled each app — on the
 * node's own Node.js image, with BuildKit, into the node's registry; resolves
 * with each image by digest (and how long it took).
 */
export async function buildServiceImages(installed: InstalledCluster): Promise<{ readonly refs: InstallImages; readonly ms: number }> {
  const started = Date.now();
  const missing = [];
  for (const name of SERVICES) {
    const bundle = join(REPO_ROOT, 'apps', name, 'dist', 'main.js');
    if (!(await access(bundle).then(() => true, () => false))) missing.push(bundle);
  }
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: build the apps first (npx nx run-many -t build)`);
  const built = await installed.cluster.buildImages(
    SERVICES.map((name) => ({
      name,
      context: REPO_ROOT,
      dockerfile: join(REPO_ROOT, 'apps', name, 'Dockerfile'),
      args: { NODE_IMAGE: installed.node.images.node },
      image: `${installed.node.registry}/sluice/${name}:dev`,
    })),
  );
  const refs = { ...(Object.fromEntries(SERVICES.map((name) => [name, built[name]])) as Record<ServiceName, string>), [COLLECTOR]: installed.node.images.otelcol };
  // The collector is not built here: the node's own distribution (build-collector.sh) stands in for the contrib image.
  return { refs, ms: Date.now() - started };
}

/**
 * Installs `deploy/overlays/local` for real with server-side apply — CRDs,
 * namespaces with their Pod Security labels, ServiceAccounts and Roles,
 * NetworkPolicies, quotas, the four services' and the collector's
 * Deployments, PDBs, the Ingress — through a kustomization on top of it that
 * sets only what differs per cluster (see install.ts). Resolves once the CRDs
 * are served and the namespaces can take pods.
 */
export async function installSluice(kubectl: Kubectl, o: Omit<LocalInstall, 'overlay'>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-install-'));
  try {
    await writeFile(join(dir, 'kustomization.yaml'), localInstallKustomization({ ...o, overlay: relative(dir, join(REPO_ROOT, OVERLAY)) }));
    await kubectl.must(['apply', '--server-side', '--field-manager=sluice-demo', '-k', dir]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await kubectl.must(['wait', '--for=condition=Established', '--timeout=60s', 'crd/applications.sluice.dev', 'crd/deliveries.sluice.dev']);
  // Pods are refused until a namespace's default ServiceAccount exists, as on any cluster.
  await Promise.all(
    [NAMESPACES.test, NAMESPACES.build, NAMESPACES.production].map((ns) => kubectl.must(['wait', '--for=create', '--timeout=60s', '-n', ns, 'serviceaccount/default'])),
  );
}
