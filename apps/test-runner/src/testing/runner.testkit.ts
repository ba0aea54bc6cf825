/**
 * Helpers for the test-runner's integration tests, which run against the
 * real local control plane (`inject('kubeconfig')`). Not part of the app.
 */
import type { ApplicationSpecInput, DeliverySpec, EnvironmentName } from '@sluice/delivery';
import { ANNOTATIONS, API_GROUP_VERSION, deliveryName } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { isKubeError, kubeClientFromFile, resourcePath } from '@sluice/kube';
import { inject } from 'vitest';
import { GIT_PASSWORD, GIT_USER } from './git-server.testkit.js';
import { REGISTRY_PASSWORD, REGISTRY_USER } from './artifact-registry.testkit.js';
import type { RunnerSettings } from '../controller/settings.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/**
 * The runner's settings in the integration tests: the node-agent lane's clone image, archive builds, the Secrets
 * {@link createRunnerSecrets} makes, credentials for `gitUrl` only; `overrides` for what a test is about.
 */
export function runnerSettings(o: { readonly namespace: string; readonly testNamespace: string; readonly gitUrl: string; readonly artifactRegistryUrl?: string } & Partial<RunnerSettings>): RunnerSettings {
  const { artifactRegistryUrl = 'http://127.0.0.1:9', ...overrides } = o;
  return {
    buildNamespace: o.testNamespace,
    maxConcurrentJobs: 5,
    maxConcurrentJobsPerProject: 5,
    gitCredentialsSecret: 'git',
    cloneImage: 'alpine/git:local',
    quotaWaitMs: 60_000,
    podPendingGraceMs: 60_000,
    backoffLimit: 0,
    jobTtlSeconds: 600,
    logTailLines: 20,
    build: { mode: 'archive', builderImage: 'alpine:3', registryCredentialsSecret: 'registry', plainHttpRegistries: [], artifactRegistryUrl },
    ...overrides,
  };
}

/** A client with the admin credentials of the test cluster. */
export function adminClient(fieldManager = 'test-runner-int-test'): KubeClient {
  return kubeClientFromFile(inject('kubeconfig'), { fieldManager });
}

/** Resolves with the first object at `path` matching `predicate` (an informer: no polling). */
export async function waitFor<T extends KubeObject>(client: KubeClient, path: string, predicate: (obj: T) => boolean, timeoutMs = 60_000): Promise<T> {
  let stop = () => undefined as void;
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting on ${path}`)), timeoutMs);
      const informer = client.informer<T>({
        path,
        onEvent: (e) => {
          const objects = e.type === 'RESYNC' ? e.objects : e.type === 'DELETED' ? [] : [e.object];
          const hit = objects.find(predicate);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          }
        },
      });
      stop = () => informer.stop();
    });
  } finally {
    stop();
  }
}

/**
 * Watches `path` and resolves once no object named `name` exists (already
 * absent at the first listing, or DELETED later). Start it before the action
 * that deletes, so the deletion cannot slip by unseen.
 */
export function watchUntilGone(client: KubeClient, path: string, name: string, timeoutMs = 60_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      informer.stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${name} to go`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      informer.stop();
      resolve();
    };
    const informer = client.informer<KubeObject>({
      path,
      onEvent: (e) => {
        if (e.type === 'DELETED' && e.object.metadata.name === name) done();
      },
    });
    void informer.waitForSync().then(
      () => {
        if (!informer.list().some((o) => o.metadata.name === name)) done();
      },
      () => undefined,
    );
  });
}

export { installSluiceCrds as installCrds, createNamespace } from '@sluice/local-cluster/testing';

/** The Secrets the Jobs mount: Git credentials (clone) and registry credentials (archive build). */
export async function createRunnerSecrets(client: KubeClient, testNamespace: string): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git', namespace: testNamespace }, stringData: { username: GIT_USER, password: GIT_PASSWORD } } as KubeObject);
  await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry', namespace: testNamespace }, stringData: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } } as KubeObject);
}

/**
 * Creates an Application's own registry push Secret in the build namespace, scoped by the
 * `sluice.dev/repository` annotation to `repository` (archive mode: `username`, `password` as the shared one).
 */
export async function createPushSecret(client: KubeClient, buildNamespace: string, name: string, repository: string): Promise<void> {
  await client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: buildNamespace, annotations: { [ANNOTATIONS.repository]: repository } },
    stringData: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
  } as KubeObject);
}

/** Creates an object, retrying while the API server does not serve the new CRD's kind yet. */
export async function createSoon<T extends KubeObject>(client: KubeClient, obj: T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.create(obj);
    } catch (err) {
      if (attempt >= 20 || isKubeError(err, 'AlreadyExists', 'Invalid', 'Forbidden')) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The sample project's Application: install with `sh install.sh`, test with `sh test.sh`, JUnit at report.xml. */
export function sampleApplication(namespace: string, name: string, repositoryUrl: string, spec: Partial<ApplicationSpecInput> = {}): KubeObject {
  const body: ApplicationSpecInput = {
    project: { id: 42, path: 'team/sample' },
    repositoryUrl,
    rules: [
      { refs: 'main', environments: ['production'] },
      { refs: '**', environments: [] },
    ],
    test: { image: 'node:20-alpine', install: ['sh install.sh'], commands: ['sh test.sh'], reportPath: 'report.xml', timeoutSeconds: 30 },
    build: { repository: 'registry.local/team/sample' },
    environments: { production: { namespace: 'production', deploymentName: 'sample', serviceName: 'sample' } },
    ...spec,
  };
  return { apiVersion: API_GROUP_VERSION, kind: 'Application', metadata: { name, namespace }, spec: body } as KubeObject;
}

/** A Delivery as the gateway would create it for a push of `sha` to `ref`. */
export function sampleDelivery(
  namespace: string,
  application: string,
  input: {
    readonly repositoryUrl: string;
    readonly sha: string;
    readonly ref: string;
    readonly receivedAt?: Date;
    readonly projectId?: number;
    /** What the gateway planned; default: what {@link sampleApplication}'s default rules give (`main` → production). */
    readonly environments?: EnvironmentName[];
  },
): KubeObject & { spec: DeliverySpec } {
  const spec: DeliverySpec = {
    application,
    project: { id: input.projectId ?? 42, path: 'team/sample' },
    repositoryUrl: input.repositoryUrl,
    ref: input.ref,
    refType: 'branch',
    before: '0'.repeat(40),
    after: input.sha,
    checkoutSha: input.sha,
    pusher: { name: 'Tester' },
    idempotencyKey: `key-${input.sha.slice(0, 12)}-${input.ref}`,
    receivedAt: (input.receivedAt ?? new Date()).toISOString(),
    environments: input.environments ?? (input.ref === 'main' ? ['production'] : []),
  };
  const name = deliveryName({ project: spec.project.id, ref: `refs/heads/${input.ref}`, sha: input.sha });
  return { apiVersion: API_GROUP_VERSION, kind: 'Delivery', metadata: { name, namespace }, spec };
}

/** Path of the Deliveries collection in `namespace`. */
export function deliveriesPath(namespace: string): string {
  return resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace });
}

/** Path of the Jobs collection in `namespace`. */
export function jobsPath(namespace: string): string {
  return resourcePath({ apiVersion: 'batch/v1', plural: 'jobs', namespace });
}

/**
 * The sample project, one commit per behaviour. Each commit's `test.sh`
 * prints which commit it is and writes a JUnit report; `install.sh` runs
 * first. Commands run for real on the node agent.
 */
export const SAMPLE_COMMITS = {
  passing: {
    'install.sh': 'echo "installing deps for commit passing"\n',
    'test.sh': [
      'echo "running tests of commit passing"',
      `cat > report.xml <<'XML'`,
      '<testsuites><testsuite name="sample" tests="2">',
      '<testcase classname="math" name="adds"/>',
      '<testcase classname="math" name="multiplies"/>',
      '</testsuite></testsuites>',
      'XML',
      '',
    ].join('\n'),
    Dockerfile: 'FROM scratch\nCOPY . /app\n',
    'app.js': 'console.log("hello")\n',
  },
  failing: {
    'test.sh': [
      'echo "running tests of commit failing"',
      `cat > report.xml <<'XML'`,
      '<testsuites><testsuite name="sample" tests="3">',
      '<testcase classname="math" name="adds"/>',
      '<testcase classname="math" name="subtracts &amp; rounds"><failure message="expected 1, got 2">AssertionError</failure></testcase>',
      '<testcase classname="math" name="divides"><skipped/></testcase>',
      '</testsuite></testsuites>',
      'XML',
      'echo "1 test failed" >&2',
      'exit 1',
      '',
    ].join('\n'),
  },
  brokenInstall: {
    'install.sh': 'echo "npm ERR! 404 left-pad@9.9.9 not found" >&2\nexit 7\n',
  },
  slowPass: {
    'install.sh': 'echo "installing deps for commit slowPass"\n',
    'test.sh': ['echo "running tests of commit slowPass"', 'sleep 6', `printf '<testsuite><testcase classname="slow" name="waits"/></testsuite>' > report.xml`, ''].join('\n'),
  },
  slow: {
    'install.sh': 'echo "installing deps for commit slow"\n',
    'test.sh': 'echo "running slow tests"\nsleep 120\n',
  },
} as const;
