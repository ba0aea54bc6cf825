/**
 * Everything a fault run starts on the node-agent lane: three namespaces
 * (Sluice's, the test Jobs', the apps'), the stand-ins (GitLab API, Git
 * server, artifact registry), one Application per branch and the four
 * services as processes — a gateway, and two replicas each of the test
 * runner, the deployer and the notifier with leader election on a short
 * Lease.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_GROUP_VERSION, TEAM_LABEL, type ApplicationSpecInput } from '@sluice/delivery';
import { startArtifactRegistry, startGitlabStandIn, startGitServer, type ArtifactRegistry, type GitlabStandIn, type GitServer } from '@sluice/gitlab-stand-in';
import { newWebhookSecrets, type WebhookSecrets } from '@sluice/gitlab/testing';
import { kubeClientFromFile, type KubeClient, type KubeObject } from '@sluice/kube';
import { waitForLeaseHolder } from '@sluice/kube/testing';
import { createNamespace, deleteNamespace, installSluiceCrds } from '@sluice/local-cluster/testing';
import { freePort } from '@sluice/service/testing';
import { ReplicaSet, type ServiceName } from './replicas.js';

/** The team of every branch's Application, and of the apps namespace. */
const TEAM = 'fault';

/** The leader election every controller replica runs with. */
export const LEADER = { leaseDurationMs: 4_000, renewDeadline: '3s', retryPeriod: '1s' } as const;

/** How each branch's environment is deployed: one replica, short probes, a bake long enough to see an unhealthy revision fail. */
export const ENVIRONMENT = {
  name: 'production',
  bakeSeconds: 8,
  scaleDownDelaySeconds: 2,
  rolloutTimeoutSeconds: 30,
} as const;

const GIT_USER = 'fault-ci';
const GIT_PASSWORD = 'fault-git-password';
const REGISTRY_USER = 'fault-builder';
const REGISTRY_PASSWORD = 'fault-registry-password';
const GITLAB_TOKEN = 'glpat-fault-e2e-token';
const SMALL = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '1', memory: '256Mi' } };

/** The GitLab project each branch is delivered through: Sluice has one Application per project. */
export function projectOf(branches: readonly string[], branch: string): { readonly id: number; readonly path: string } {
  return { id: 7100 + branches.indexOf(branch), path: `fault/sample-${branch}` };
}

export interface Stack {
  readonly client: KubeClient;
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly testNamespace: string;
  readonly appsNamespace: string;
  readonly gitlab: GitlabStandIn;
  readonly git: GitServer;
  readonly registry: ArtifactRegistry;
  readonly secrets: WebhookSecrets;
  readonly sets: Readonly<Record<ServiceName, ReplicaSet>>;
  /** Base URLs of the running gateways. */
  gateways(): string[];
  /** Creates the Application of each branch (after the repository exists). */
  createApplications(repositoryUrl: string): Promise<void>;
  /** Starts the replicas (`controllers` each of the three controllers, `gateways` gateways) and waits for a leader of each. */
  startServices(counts?: { readonly controllers?: number; readonly gateways?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function openStack(kubeconfig: string, branches: readonly string[]): Promise<Stack> {
  const client = kubeClientFromFile(kubeconfig, { fieldManager: 'fault-e2e' });
  await installSluiceCrds(client);
  const [namespace, testNamespace, appsNamespace] = await Promise.all([createNamespace(client, 'fault'), createNamespace(client, 'fault-test'), createNamespace(client, 'fault-apps')]);
  // The apps namespace serves the Applications of their team: the deployer deploys nowhere else.
  await client.mergePatch({ apiVersion: 'v1', kind: 'Namespace', name: appsNamespace }, { metadata: { labels: { [TEAM_LABEL]: TEAM } } });
  const [gitlab, git, registry] = await Promise.all([
    startGitlabStandIn({ token: GITLAB_TOKEN, projects: branches.map((b) => projectOf(branches, b)) }),
    startGitServer({ username: GIT_USER, password: GIT_PASSWORD }),
    startArtifactRegistry({ username: REGISTRY_USER, password: REGISTRY_PASSWORD }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'fault-e2e-'));
  const secrets = newWebhookSecrets();
  const files = { hookToken: join(dir, 'hook-token'), signingKey: join(dir, 'signing-key'), gitlabToken: join(dir, 'gitlab-token') };
  await Promise.all([
    writeFile(files.hookToken, `${secrets.secretToken}\n`),
    writeFile(files.signingKey, `${secrets.signingToken}\n`),
    writeFile(files.gitlabToken, `${GITLAB_TOKEN}\n`),
    client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git', namespace: testNamespace }, stringData: { username: GIT_USER, password: GIT_PASSWORD } } as KubeObject),
    client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry', namespace: testNamespace }, stringData: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } } as KubeObject),
  ]);

  const common = async (): Promise<Record<string, string>> => ({
    SLUICE_PORT: String(await freePort()),
    SLUICE_HOST: '127.0.0.1',
    SLUICE_LOG_LEVEL: process.env['SLUICE_FAULT_LOG_LEVEL'] ?? 'info',
    KUBECONFIG: kubeconfig,
    SLUICE_NAMESPACE: namespace,
    OTEL_SDK_DISABLED: 'true',
    HOME: tmpdir(),
  });
  const leader = (pod: string) => ({
    POD_NAME: pod,
    SLUICE_LEADER_LEASE_DURATION: `${LEADER.leaseDurationMs}ms`,
    SLUICE_LEADER_RENEW_DEADLINE: LEADER.renewDeadline,
    SLUICE_LEADER_RETRY_PERIOD: LEADER.retryPeriod,
  });
  const sets: Record<ServiceName, ReplicaSet> = {
    'webhook-gateway': new ReplicaSet('webhook-gateway', async () => ({
      ...(await common()),
      SLUICE_WEBHOOK_TOKEN_FILES: files.hookToken,
      SLUICE_WEBHOOK_SIGNING_KEY_FILES: files.signingKey,
      SLUICE_PUBLIC_URL: 'http://sluice.example.test',
    })),
    'test-runner': new ReplicaSet('test-runner', async (pod) => ({
      ...(await common()),
      ...leader(pod),
      SLUICE_TEST_NAMESPACE: testNamespace,
      SLUICE_BUILD_NAMESPACE: testNamespace,
      SLUICE_GIT_CREDENTIALS_SECRET: 'git',
      SLUICE_GIT_URL: new URL(git.baseUrl).origin,
      SLUICE_REGISTRY_CREDENTIALS_SECRET: 'registry',
      SLUICE_BUILD_MODE: 'archive',
      SLUICE_ARTIFACT_REGISTRY_URL: registry.url,
      SLUICE_JOB_BACKOFF_LIMIT: '1',
      SLUICE_MAX_CONCURRENT_JOBS: '5',
    })),
    deployer: new ReplicaSet('deployer', async (pod) => ({
      ...(await common()),
      ...leader(pod),
      SLUICE_TARGET_NAMESPACES: appsNamespace,
      SLUICE_DEPLOYER_IDENTITY: pod,
      SLUICE_LEASE_DURATION: '3s',
      SLUICE_MIN_READY_SECONDS: '1',
      SLUICE_FAILED_SCALE_DOWN_DELAY: '2s',
      SLUICE_MAX_CONCURRENT_ROLLOUTS: String(branches.length),
    })),
    notifier: new ReplicaSet('notifier', async (pod) => ({
      ...(await common()),
      ...leader(pod),
      SLUICE_GITLAB_URL: gitlab.url,
      SLUICE_GITLAB_TOKEN_FILE: files.gitlabToken,
      SLUICE_GITLAB_TIMEOUT: '5s',
      SLUICE_GITLAB_MAX_BACKOFF: '4s',
      SLUICE_PUBLIC_URL: 'http://sluice.example.test',
    })),
  };

  return {
    client,
    kubeconfig,
    namespace,
    testNamespace,
    appsNamespace,
    gitlab,
    git,
    registry,
    secrets,
    sets,
    gateways: () => sets['webhook-gateway'].replicas.map((r) => `http://127.0.0.1:${r.process.port}`),
    async createApplications(repositoryUrl) {
      await Promise.all(branches.map((branch) => client.create(applicationObject({ namespace, appsNamespace, branch, project: projectOf(branches, branch), repositoryUrl, registryUrl: registry.url }))));
    },
    async startServices(counts = {}) {
      const n = counts.controllers ?? 2;
      const starts: Promise<unknown>[] = [];
      for (let i = 0; i < (counts.gateways ?? 1); i++) starts.push(sets['webhook-gateway'].startOne());
      for (const service of ['test-runner', 'deployer', 'notifier'] as const) for (let i = 0; i < n; i++) starts.push(sets[service].startOne());
      await Promise.all(starts);
      await Promise.all((['test-runner', 'deployer', 'notifier'] as const).map((service) => waitForLeaseHolder(client, { namespace, service }, () => true, 30_000)));
    },
    async close() {
      await Promise.all(Object.values(sets).map((s) => s.stopAll()));
      await Promise.allSettled([gitlab.close(), git.close(), registry.close()]);
      await Promise.allSettled([namespace, testNamespace, appsNamespace].map((ns) => deleteNamespace(client, ns)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A branch's Application: its project's pushes to `branch` deploy to
 * production, in the apps namespace as `app-<branch>`. The deployed
 * container downloads the build of its own revision (`SLUICE_REVISION`) from
 * the artifact registry and runs its `app.js`: what runs is what was built.
 */
export function applicationObject(o: {
  readonly namespace: string;
  readonly appsNamespace: string;
  readonly branch: string;
  readonly project: { readonly id: number; readonly path: string };
  readonly repositoryUrl: string;
  readonly registryUrl: string;
}): KubeObject {
  const repository = `registry.local/${o.project.path}`;
  // No `$(…)`: Kubernetes would try to expand it in a command.
  const launch = [
    'set -eu',
    'mkdir -p /tmp/app',
    `curl -fsS "${o.registryUrl}/${repository}/$SLUICE_REVISION.tar.gz" | tar -xzf - -C /tmp/app`,
    'cd /tmp/app',
    'exec node app.js',
  ].join('\n');
  const spec: ApplicationSpecInput = {
    project: o.project,
    repositoryUrl: o.repositoryUrl,
    rules: [{ refs: o.branch, environments: ['production'] }],
    test: { image: 'node:20-alpine', install: ['sh install.sh'], commands: ['sh test.sh'], reportPath: 'report.xml', timeoutSeconds: 60, resources: SMALL },
    build: { repository, resources: SMALL },
    command: ['sh', '-c', launch],
    environments: {
      production: {
        namespace: o.appsNamespace,
        deploymentName: `app-${o.branch}`,
        serviceName: `app-${o.branch}`,
        replicas: 1,
        containerPort: 8080,
        health: {
          readiness: { path: '/healthz', periodSeconds: 1, failureThreshold: 3 },
          liveness: { path: '/livez', periodSeconds: 5, failureThreshold: 3 },
          prePromotionPath: '/healthz',
        },
        rolloutTimeoutSeconds: ENVIRONMENT.rolloutTimeoutSeconds,
        bakeSeconds: ENVIRONMENT.bakeSeconds,
        scaleDownDelaySeconds: ENVIRONMENT.scaleDownDelaySeconds,
        resources: SMALL,
      },
    },
  };
  return { apiVersion: API_GROUP_VERSION, kind: 'Application', metadata: { name: `sample-${o.branch}`, namespace: o.namespace, labels: { [TEAM_LABEL]: TEAM } }, spec: spec as unknown as Record<string, unknown> };
}
