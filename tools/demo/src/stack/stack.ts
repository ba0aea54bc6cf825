import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startArtifactRegistry,
  startGitServer,
  startGitlabStandIn,
  type ArtifactRegistry,
  type GitServer,
  type GitlabStandIn,
} from '@sluice/gitlab-stand-in';
import { KubeClient, loadKubeConfig, type KubeObject } from '@sluice/kube';
import { cidrsOverlap, parseCidr } from '@sluice/manifests';
import { SAMPLE_PROJECT, sampleApplication, sampleImageRepository, type SampleTiming } from '../sample-app/application.js';
import type { WebhookSecrets } from '../webhook/sign.js';
import { installSluice, NAMESPACES, OVERLAY, startDemoCluster, type InstalledCluster } from './cluster.js';
import { tagImage } from './node-registry.js';
import { startServices, type Services } from './services.js';
import type { Teardown } from './teardown.js';
import { startReceiver, type TraceReceiver } from './trace.js';

/** Credentials the Git server accepts (a local stand-in for a GitLab deploy token); the test Job clones with them. */
const GIT_CREDENTIALS = { username: 'sluice-demo', password: 'demo-deploy-token' } as const;
/** Credentials the artifact registry takes uploads with; the build Job mounts them from the registry Secret. */
const REGISTRY_CREDENTIALS = { username: 'sluice-builder', password: 'demo-registry-password' } as const;
/**
 * Where the Git server and the artifact registry listen on the node link's host address (what pods
 * see as the host): the test namespace's egress policy in deploy/overlays/local names these ports
 * (deploy-gen's LOCAL profile), which {@link checkTestEgress} makes sure of.
 */
const HOST_PORTS = { git: 8929, artifacts: 8930 } as const;
/** The test namespace's NetworkPolicy that opens the Git server and the registry. */
const TEST_EGRESS_POLICY = 'allow-git-and-registry';

/** Everything the demo runs, up and wired. */
export interface Stack {
  readonly cluster: InstalledCluster;
  /** Admin client (the demo plays the platform team). */
  readonly admin: KubeClient;
  readonly git: GitServer;
  /** The sample app's clone URL on the Git server. */
  readonly repositoryUrl: string;
  readonly registry: ArtifactRegistry;
  /** The sample app's image repository in the node's registry. */
  readonly imageRepository: string;
  readonly gitlab: GitlabStandIn;
  readonly gitlabToken: string;
  readonly receiver: TraceReceiver | { readonly unavailable: string };
  readonly services: Services;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /** The run's working directory (removed by the caller's teardown). */
  readonly dir: string;
  readonly webhook: WebhookSecrets;
  readonly timing: SampleTiming;
  readonly minReadySeconds: number;
  /** Narration. */
  readonly log: (line: string) => void;
  /** OTLP/HTTP base URL the services export metrics to (OTLP/JSON); unset: no metrics. */
  readonly metricsEndpoint?: string;
}

/**
 * Brings everything up, registering each piece's stop with `teardown`: the
 * control plane and its node, then deploy/ installed while the Git server
 * and the artifact registry start on the node link's host address (in
 * parallel with all that: the GitLab stand-in and the trace receiver), the
 * Secrets and the sample app's Application a platform team would add, then
 * the four services.
 */
export async function startStack(options: StackOptions, teardown: Teardown): Promise<Stack> {
  const { dir, log } = options;
  await mkdir(join(dir, 'services'), { recursive: true });
  const gitlabToken = 'glpat-demo-notifier-token';
  const [{ cluster, git, registry, imageRepository }, gitlab, receiver] = await Promise.all([
    (async () => {
      const c = await startDemoCluster(teardown);
      const { hostIp } = c.node.network;
      log(`  control plane and node up in ${(c.cluster.startMs / 1000).toFixed(1)} s (host ${hostIp}, node ${c.node.network.nodeIp}); installing ${OVERLAY}`);
      const repository = sampleImageRepository(c.node.registry);
      const [g, r] = await Promise.all([
        startGitServer(GIT_CREDENTIALS, { hostname: hostIp, port: HOST_PORTS.git }).then((s) => (teardown.add('git server', () => s.close()), s)),
        startArtifactRegistry(REGISTRY_CREDENTIALS, {
          hostname: hostIp,
          port: HOST_PORTS.artifacts,
          // The build uploads a tarball; its image is the Node.js base image under the build's name (see containerCommand).
          afterUpload: async (uploaded, sha) => {
            if (uploaded !== repository) throw new Error(`no image for ${uploaded}: the demo builds ${repository} only`);
            await tagImage(c.node.images.node, `${repository}:${sha}`);
          },
        }).then((r) => (teardown.add('artifact registry', () => r.close()), r)),
        installSluice(c.kubectl).then(() => checkTestEgress(c, hostIp)),
      ]);
      return { cluster: c, git: g, registry: r, imageRepository: repository };
    })(),
    startGitlabStandIn({ token: gitlabToken, projects: [{ id: SAMPLE_PROJECT.id, path: SAMPLE_PROJECT.path, defaultBranch: 'main' }] }).then(
      (g) => (teardown.add('GitLab stand-in', () => g.close()), g),
    ),
    startReceiver(teardown, join(dir, 'trace-receiver')),
  ]);
  log(
    `  Git server ${git.baseUrl}, artifact registry ${registry.url}, GitLab stand-in ${gitlab.url}, ` +
      ('unavailable' in receiver ? `no trace receiver (${receiver.unavailable})` : `trace receiver ${receiver.queryUrl}`),
  );

  const admin = new KubeClient({ kubeConfig: loadKubeConfig({ mode: 'file', path: cluster.cluster.kubeconfigPath }), fieldManager: 'sluice-demo' });
  const repositoryUrl = await git.createRepository(SAMPLE_PROJECT.path);
  await Promise.all([
    admin.apply(secret(NAMESPACES.test, 'sluice-git-credentials', GIT_CREDENTIALS), { force: true }),
    admin.apply(secret(NAMESPACES.test, 'sluice-registry-credentials', REGISTRY_CREDENTIALS), { force: true }),
    // Right after the CRDs are Established, discovery may not list the kind yet: try again briefly.
    retrying(() =>
      admin.apply(
        sampleApplication({
          namespace: NAMESPACES.system,
          targetNamespace: NAMESPACES.production,
          repositoryUrl,
          artifactRegistryUrl: registry.url,
          imageRepository,
          testImage: cluster.node.images.node,
          timing: options.timing,
        }),
        { force: true },
      ),
    ),
  ]);

  const services = await startServices(
    {
      adminKubeconfig: cluster.cluster.kubeconfigPath,
      dir: join(dir, 'services'),
      webhookToken: options.webhook.secretToken,
      signingToken: options.webhook.signingToken,
      gitlabUrl: gitlab.url,
      gitlabToken,
      artifactRegistryUrl: registry.url,
      cloneImage: cluster.node.images.git,
      builderImage: cluster.node.images.git,
      minReadySeconds: options.minReadySeconds,
      ...(!('unavailable' in receiver) && { otlpEndpoint: receiver.otlpHttpEndpoint }),
      ...(options.metricsEndpoint !== undefined && { metricsEndpoint: options.metricsEndpoint }),
    },
    teardown,
  );
  return { cluster, admin, git, repositoryUrl, registry, imageRepository, gitlab, gitlabToken, receiver, services };
}

type PolicyObject = KubeObject & { spec?: { egress?: { to?: { ipBlock?: { cidr?: string } }[]; ports?: { port?: number }[] }[] } };

/**
 * Makes sure the installed test-namespace policy lets test pods reach `hostIp`
 * on {@link HOST_PORTS}: otherwise every clone would time out, far from the cause.
 */
async function checkTestEgress(installed: InstalledCluster, hostIp: string): Promise<void> {
  const admin = new KubeClient({ kubeConfig: loadKubeConfig({ mode: 'file', path: installed.cluster.kubeconfigPath }), fieldManager: 'sluice-demo' });
  const policy = await admin.get<PolicyObject>({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: NAMESPACES.test, name: TEST_EGRESS_POLICY });
  const host = parseCidr('demo', 'host address', `${hostIp}/32`);
  const open = (port: number) =>
    (policy?.spec?.egress ?? []).some(
      (rule) => (rule.ports ?? []).some((p) => p.port === port) && (rule.to ?? []).some((peer) => peer.ipBlock?.cidr !== undefined && cidrsOverlap(host, parseCidr('demo', 'ipBlock.cidr', peer.ipBlock.cidr))),
    );
  const closed = Object.values(HOST_PORTS).filter((port) => !open(port));
  if (closed.length > 0) {
    throw new Error(
      `${OVERLAY} does not let test pods reach ${hostIp} on port ${closed.join(', ')} (NetworkPolicy ${NAMESPACES.test}/${TEST_EGRESS_POLICY}): ` +
        `give deploy-gen's LOCAL profile that testEgress and run npm run deploy:gen`,
    );
  }
}

async function retrying<T>(work: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function secret(namespace: string, name: string, data: Readonly<Record<string, string>>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', stringData: { ...data } };
}
