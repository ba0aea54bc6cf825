import { join } from 'node:path';
import { ANNOTATIONS, TEAM_LABEL } from '@sluice/delivery';
import { startGitServer, startGitlabStandIn, type GitServer, type GitlabStandIn } from '@sluice/gitlab-stand-in';
import { kubeClientFromFile, type KubeClient, type KubeObject } from '@sluice/kube';
import { cidrsOverlap, parseCidr } from '@sluice/manifests';
import { SAMPLE_PROJECT, SAMPLE_SECRETS, SAMPLE_TEAM, sampleApplication, sampleImageRepository, type SampleTiming } from '../sample-app/application.js';
import { newWebhookSecrets, type WebhookSecrets } from '../webhook/sign.js';
import { buildServiceImages, installSluice, NAMESPACES, OVERLAY, startDemoCluster, type InstalledCluster } from './cluster.js';
import { SIGNING_KEY_SECRET } from './install.js';
import { servicesInCluster, type Services } from './services.js';
import type { Teardown } from './teardown.js';
import { startReceiver, type TraceReceiver } from './trace.js';

/** Credentials the Git server accepts (a local stand-in for a GitLab deploy token); the test and build Jobs clone with them. */
const GIT_CREDENTIALS = { username: 'sluice-demo', password: 'demo-deploy-token' } as const;
/**
 * Where the demo's servers listen on the node link's host address (what pods see as the host). deploy/overlays/local
 * (deploy-gen's LOCAL profile) opens exactly these: Git for the test and build namespaces (which {@link checkTestEgress}
 * makes sure of), the GitLab API for the notifier and OTLP for the collector, behind the selector-less Services `gitlab`
 * and `otel-receiver` whose EndpointSlices the demo points here.
 */
export const HOST_PORTS = { git: 8929, gitlabApi: 8931, otlpGrpc: 4317, otlpMetrics: 4328 } as const;
/** The test namespace's NetworkPolicy that opens the Git server. */
const TEST_EGRESS_POLICY = 'allow-git-and-registry';

/** Everything the demo runs, up and wired. */
export interface Stack {
  readonly cluster: InstalledCluster;
  /** Admin client (the demo plays the platform team). */
  readonly admin: KubeClient;
  readonly git: GitServer;
  /** The sample app's clone URL on the Git server. */
  readonly repositoryUrl: string;
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
  /**
   * Starts an OTLP/HTTP receiver on the given address, where the collector also exports the services' metrics
   * (OTLP/JSON); unset: nothing listens there and the collector's export fails quietly.
   */
  readonly startMetricsReceiver?: (listen: { readonly host: string; readonly port: number }) => Promise<unknown>;
}

/**
 * Brings everything up, registering each piece's stop with `teardown`: the
 * control plane and its node; then, in parallel, the images of the four
 * services (BuildKit, from their bundles, on the node's Node.js image), the
 * Git server, the GitLab stand-in and the trace receiver on the node link's
 * host address; then deploy/ installed as a platform team would, with those
 * images by digest, the Secrets and the Application the team would add, and
 * the services and the collector running as pods.
 */
export async function startStack(options: StackOptions, teardown: Teardown): Promise<Stack> {
  const { dir, log } = options;
  const gitlabToken = 'glpat-demo-notifier-token';
  const installed = await startDemoCluster(teardown);
  const { hostIp, nodeIp } = installed.node.network;
  log(`  control plane and node up in ${(installed.cluster.startMs / 1000).toFixed(1)} s (host ${hostIp}, node ${nodeIp}); building Sluice's images`);
  const imageRepository = sampleImageRepository(installed.node.registry);
  const [images, git, gitlab, receiver] = await Promise.all([
    buildServiceImages(installed),
    startGitServer(GIT_CREDENTIALS, { hostname: hostIp, port: HOST_PORTS.git }).then((s) => (teardown.add('git server', () => s.close()), s)),
    startGitlabStandIn({
      token: gitlabToken,
      hostname: hostIp,
      port: HOST_PORTS.gitlabApi,
      projects: [{ id: SAMPLE_PROJECT.id, path: SAMPLE_PROJECT.path, defaultBranch: 'main' }],
    }).then((g) => (teardown.add('GitLab stand-in', () => g.close()), g)),
    startReceiver(teardown, join(dir, 'trace-receiver'), { host: hostIp, port: HOST_PORTS.otlpGrpc }),
    options.startMetricsReceiver?.({ host: hostIp, port: HOST_PORTS.otlpMetrics }),
  ]);
  log(`  images built in ${(images.ms / 1000).toFixed(1)} s; installing ${OVERLAY} with them`);
  const gatewayIp = gatewayAddress(installed.node.network.serviceCidr);
  await installSluice(installed.kubectl, {
    images: images.refs,
    registry: installed.node.registry,
    cloneImage: installed.node.images.git,
    builderImage: installed.node.images.builder,
    gitUrl: new URL(git.baseUrl).origin,
    gatewayIp,
    minReadySeconds: options.minReadySeconds,
  });
  await checkTestEgress(installed, hostIp);
  log(
    `  Git server ${git.baseUrl}, GitLab stand-in ${gitlab.url}, ` +
      ('unavailable' in receiver ? `no trace receiver (${receiver.unavailable})` : `trace receiver ${receiver.queryUrl}`),
  );

  const admin = kubeClientFromFile(installed.cluster.kubeconfigPath, { fieldManager: 'sluice-demo' });
  const repositoryUrl = await git.createRepository(SAMPLE_PROJECT.path);
  const registryAuth = { auths: {} }; // the node's registry takes pushes without credentials
  const globalWebhook = newWebhookSecrets();
  // Onboarding the team, as a platform team would: its production namespace serves the team's Applications
  // and only images under the team's prefix (the admission policy checks both when the Application is written).
  // Its own field manager: applied as the install's (sluice-demo), this would drop every label the install set (Pod Security's).
  await admin.apply(teamNamespace(NAMESPACES.production, SAMPLE_TEAM, imageRepository.slice(0, imageRepository.lastIndexOf('/') + 1)), { force: true, fieldManager: 'sluice-demo-onboarding' });
  await Promise.all([
    ...[NAMESPACES.test, NAMESPACES.build].map((ns) => admin.apply(secret(ns, 'sluice-git-credentials', GIT_CREDENTIALS), { force: true })),
    admin.apply(secret(NAMESPACES.build, 'sluice-registry-credentials', { '.dockerconfigjson': JSON.stringify(registryAuth) }, 'kubernetes.io/dockerconfigjson'), { force: true }),
    // The sample app's own push credential, for its repository only (the shared one above is for Applications naming none).
    admin.apply(secret(NAMESPACES.build, SAMPLE_SECRETS.push, { '.dockerconfigjson': JSON.stringify(registryAuth) }, 'kubernetes.io/dockerconfigjson', { [ANNOTATIONS.repository]: imageRepository }), { force: true }),
    // The global webhook secrets no longer verify the sample app once it names its own: the demo signs with the app's.
    admin.apply(secret(NAMESPACES.system, 'sluice-webhook-token', { token: globalWebhook.secretToken }), { force: true }),
    admin.apply(secret(NAMESPACES.system, SIGNING_KEY_SECRET, { key: globalWebhook.signingToken }), { force: true }),
    admin.apply(secret(NAMESPACES.webhookSecrets, SAMPLE_SECRETS.webhook, { token: options.webhook.secretToken, signingKey: options.webhook.signingToken }), { force: true }),
    admin.apply(secret(NAMESPACES.system, 'sluice-gitlab-token', { token: gitlabToken }), { force: true }),
    admin.apply(hostEndpoints(NAMESPACES.system, 'gitlab', hostIp, { http: HOST_PORTS.gitlabApi }), { force: true }),
    admin.apply(hostEndpoints(NAMESPACES.observability, 'otel-receiver', hostIp, { 'otlp-grpc': HOST_PORTS.otlpGrpc, 'otlp-http': HOST_PORTS.otlpMetrics }), {
      force: true,
    }),
    // Right after the CRDs are Established, discovery may not list the kind yet: try again briefly.
    retrying(() =>
      admin.apply(
        sampleApplication({
          namespace: NAMESPACES.system,
          targetNamespace: NAMESPACES.production,
          repositoryUrl,
          imageRepository,
          baseImage: installed.node.images.node,
          testImage: installed.node.images.node,
          timing: options.timing,
        }),
        { force: true },
      ),
    ),
  ]);

  const services = await servicesInCluster(installed.kubectl, `http://${gatewayIp}`);
  return { cluster: installed, admin, git, repositoryUrl, imageRepository, gitlab, gitlabToken, receiver, services };
}

/**
 * The gateway Service's ClusterIP, fixed so links to the run pages are known before it exists: `.8` of the cluster's
 * service range, in the low band Kubernetes leaves to static addresses (dynamic ones come from above it; `.1` is the
 * API server's, `.10` the DNS Service's).
 */
function gatewayAddress(serviceCidr: string): string {
  const [base = ''] = serviceCidr.split('/');
  return `${base.split('.').slice(0, 3).join('.')}.8`;
}

/** The EndpointSlice that points the selector-less Service `service` (deploy/overlays/local) at this machine. */
function hostEndpoints(namespace: string, service: string, hostIp: string, ports: Readonly<Record<string, number>>): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-host`, namespace, labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'sluice-demo' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [hostIp], conditions: { ready: true } }],
    ports: Object.entries(ports).map(([name, port]) => ({ name, port, protocol: 'TCP' })),
  } as KubeObject;
}

type PolicyObject = KubeObject & { spec?: { egress?: { to?: { ipBlock?: { cidr?: string } }[]; ports?: { port?: number }[] }[] } };

/**
 * Makes sure the installed test-namespace policy lets test pods reach `hostIp`
 * on the Git port: otherwise every clone would time out, far from the cause.
 */
async function checkTestEgress(installed: InstalledCluster, hostIp: string): Promise<void> {
  const admin = kubeClientFromFile(installed.cluster.kubeconfigPath, { fieldManager: 'sluice-demo' });
  const policy = await admin.get<PolicyObject>({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: NAMESPACES.test, name: TEST_EGRESS_POLICY });
  const host = parseCidr('demo', 'host address', `${hostIp}/32`);
  const open = (port: number) =>
    (policy?.spec?.egress ?? []).some(
      (rule) => (rule.ports ?? []).some((p) => p.port === port) && (rule.to ?? []).some((peer) => peer.ipBlock?.cidr !== undefined && cidrsOverlap(host, parseCidr('demo', 'ipBlock.cidr', peer.ipBlock.cidr))),
    );
  const closed = [HOST_PORTS.git].filter((port) => !open(port));
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

/** The labels and annotation that make `name` a namespace of `team` (applied server-side: nothing else of it changes). */
function teamNamespace(name: string, team: string, imagePrefix: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [TEAM_LABEL]: team }, annotations: { [ANNOTATIONS.imagePrefix]: imagePrefix } } };
}

function secret(namespace: string, name: string, data: Readonly<Record<string, string>>, type = 'Opaque', annotations?: Readonly<Record<string, string>>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, ...(annotations && { annotations: { ...annotations } }) }, type, stringData: { ...data } };
}
