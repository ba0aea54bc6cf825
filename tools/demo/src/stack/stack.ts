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
import { SAMPLE_PROJECT, sampleApplication, type SampleTiming } from '../sample-app/application.js';
import type { WebhookSecrets } from '../webhook/sign.js';
import { installSluice, NAMESPACES, OVERLAY, startDemoCluster, type InstalledCluster } from './cluster.js';
import { startServices, type Services } from './services.js';
import type { Teardown } from './teardown.js';
import { startReceiver, type TraceReceiver } from './trace.js';

/** Credentials the Git server accepts (a local stand-in for a GitLab deploy token); the test Job clones with them. */
const GIT_CREDENTIALS = { username: 'sluice-demo', password: 'demo-deploy-token' } as const;
/** Credentials the artifact registry takes uploads with; the build Job mounts them from the registry Secret. */
const REGISTRY_CREDENTIALS = { username: 'sluice-builder', password: 'demo-registry-password' } as const;

/** Everything the demo runs, up and wired. */
export interface Stack {
  readonly cluster: InstalledCluster;
  /** Admin client (the demo plays the platform team). */
  readonly admin: KubeClient;
  readonly git: GitServer;
  /** The sample app's clone URL on the Git server. */
  readonly repositoryUrl: string;
  readonly registry: ArtifactRegistry;
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
 * Brings everything up, registering each piece's stop with `teardown`:
 * the control plane with deploy/ installed (in parallel: the Git server, the
 * artifact registry, the GitLab stand-in and the trace receiver), the
 * Secrets and the sample app's Application a platform team would add, then
 * the four services.
 */
export async function startStack(options: StackOptions, teardown: Teardown): Promise<Stack> {
  const { dir, log } = options;
  await mkdir(join(dir, 'services'), { recursive: true });
  const gitlabToken = 'glpat-demo-notifier-token';
  const [cluster, git, registry, gitlab, receiver] = await Promise.all([
    (async () => {
      const c = await startDemoCluster(teardown);
      log(`  control plane up in ${(c.cluster.startMs / 1000).toFixed(1)} s; installing ${OVERLAY}`);
      await installSluice(c.kubectl);
      return c;
    })(),
    startGitServer(GIT_CREDENTIALS).then((s) => (teardown.add('git server', () => s.close()), s)),
    startArtifactRegistry(REGISTRY_CREDENTIALS).then((r) => (teardown.add('artifact registry', () => r.close()), r)),
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
      minReadySeconds: options.minReadySeconds,
      ...(!('unavailable' in receiver) && { otlpEndpoint: receiver.otlpHttpEndpoint }),
      ...(options.metricsEndpoint !== undefined && { metricsEndpoint: options.metricsEndpoint }),
    },
    teardown,
  );
  return { cluster, admin, git, repositoryUrl, registry, gitlab, gitlabToken, receiver, services };
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
