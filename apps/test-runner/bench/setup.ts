/**
 * What the bench's phases share: a Git repository on a server the pods
 * reach, namespaces with the runner's Secrets and one Application, the
 * runner's settings, and the built runner as a child process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '@sluice/kube';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { parseTestRunnerConfig, runnerSettingsFromConfig } from '../src/config.js';
import type { RunnerSettings } from '../src/controller/settings.js';
import { startGitServer, type GitServer } from '../src/testing/git-server.testkit.js';
import { createNamespace, createRunnerSecrets, sampleApplication } from '../src/testing/runner.testkit.js';
import type { BenchNode } from './cluster.js';
import { sleep, waitUntil } from './stats.js';

const APP_DIR = fileURLToPath(new URL('../', import.meta.url));
const ROOT = join(APP_DIR, '..', '..');
const ENTRY = join(APP_DIR, 'dist', 'main.js');

/** The bench's Git server and its one repository: `test.sh` is `true`. */
export interface BenchRepo {
  readonly git: GitServer;
  readonly url: string;
  readonly sha: string;
  /** Points `refs/heads/<branch>` at the commit, as the push would (the clone checks the commit is on it). */
  branch(name: string): void;
}

export async function benchRepo(node: BenchNode): Promise<BenchRepo> {
  const git = await startGitServer({ hostname: node.gitHost });
  const repo = await git.createRepository('bench', [{ 'test.sh': 'true\n' }]);
  const sha = repo.shas[0] as string;
  return { git, url: repo.url, sha, branch: (name) => git.createRef('bench', `refs/heads/${name}`, sha) };
}

/** A pair of fresh namespaces: the runner's (Application, Deliveries) and its Jobs'. */
export interface Env {
  readonly ns: string;
  readonly testNs: string;
}

/**
 * The Application every bench Delivery is of: tests only (`sh test.sh` in the node's busybox image), never deployed,
 * so no build; a deadline a busy node's pod starts cannot reach; small requests (`true` needs no 500m CPU), so the
 * node's 2 CPUs schedule the runner's concurrency, not 3 pods at a time.
 */
export function benchApplication(ns: string, repo: BenchRepo, node: BenchNode) {
  const resources = { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '1', memory: '256Mi' } };
  return sampleApplication(ns, 'bench', repo.url, { rules: [{ refs: '**', environments: [] }], test: { image: node.testImage, commands: ['sh test.sh'], timeoutSeconds: 600, resources } });
}

export async function environment(admin: KubeClient, repo: BenchRepo, node: BenchNode): Promise<Env> {
  const [ns, testNs] = await Promise.all([createNamespace(admin, 'bench'), createNamespace(admin, 'bench-test')]);
  await createRunnerSecrets(admin, testNs);
  await admin.create(benchApplication(ns, repo, node));
  return { ns, testNs };
}

export async function cleanup(admin: KubeClient, ...namespaces: string[]): Promise<void> {
  await Promise.all(namespaces.map((name) => admin.delete({ apiVersion: 'v1', kind: 'Namespace', name })));
}

/** The runner's environment for `env`: its namespaces, Git credentials for the bench's Git host only, no clone retries. */
export function runnerEnv(o: { readonly kubeconfig: string; readonly env: Env; readonly repo: BenchRepo; readonly node: BenchNode; readonly maxConcurrentJobs: number }): Record<string, string> {
  return {
    KUBECONFIG: o.kubeconfig,
    SLUICE_HOST: '127.0.0.1',
    // One replica, the sole active one: on two shared cores under other load a Lease renewal can miss its deadline,
    // and the leader then exits (as it should) in the middle of a figure. Election is not what this bench measures.
    SLUICE_LEADER_ELECTION: 'false',
    SLUICE_NAMESPACE: o.env.ns,
    SLUICE_TEST_NAMESPACE: o.env.testNs,
    SLUICE_BUILD_NAMESPACE: o.env.testNs,
    // Every bench Delivery is of one project: its share is every slot.
    SLUICE_MAX_CONCURRENT_JOBS: String(o.maxConcurrentJobs),
    SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT: String(o.maxConcurrentJobs),
    SLUICE_GIT_CREDENTIALS_SECRET: 'git',
    SLUICE_GIT_URL: new URL(o.repo.url).origin,
    SLUICE_CLONE_IMAGE: o.node.cloneImage,
    SLUICE_JOB_BACKOFF_LIMIT: '0',
    SLUICE_LOG_TAIL_LINES: '20',
    SLUICE_REGISTRY_CREDENTIALS_SECRET: 'registry',
    SLUICE_BUILD_MODE: 'archive',
    SLUICE_ARTIFACT_REGISTRY_URL: 'http://127.0.0.1:9',
  };
}

/** The settings the runner derives from that environment (the bench builds the same Jobs for its baselines). */
export function settingsOf(env: Record<string, string>): RunnerSettings {
  return runnerSettingsFromConfig(parseTestRunnerConfig(env));
}

/** Bundles `src/main.ts` into `dist/main.js`, as the image is built. */
export function buildRunner(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'tools', 'scripts', 'build-app.mjs')], { cwd: APP_DIR, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the test-runner failed: ${result.stderr}`);
}

/** `node` flags of the image's ENTRYPOINT (the Dockerfile's `["node", …]`), so the process runs as deployed. */
export function imageNodeArgs(): string[] {
  const dockerfile = readFileSync(join(APP_DIR, 'Dockerfile'), 'utf8');
  const argv = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  if (argv[0] !== 'node') throw new Error(`the Dockerfile's ENTRYPOINT is not ["node", …]: ${JSON.stringify(argv)}`);
  return argv.slice(1);
}

/** Starts the built runner (`dist/main.js`, the image's node flags plus `extraNodeArgs`) and waits until it leads with synced caches. */
export async function startRunner(env: Record<string, string>, extraNodeArgs: readonly string[] = []): Promise<ServiceProcess> {
  // RUNNER_NODE_ARGS: more flags for a look inside, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when the runner exits).
  const more = (process.env['RUNNER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = await startServiceProcess({ entry: ENTRY, nodeArgs: [...imageNodeArgs(), ...more, ...extraNodeArgs], env: { ...env, SLUICE_PORT: String(await freePort()) } });
  try {
    await waitUntil(async () => {
      const status = (await (await child.get('/leaderz')).json()) as { role?: string; synced?: boolean };
      return (await child.get('/readyz')).status === 200 && status.role === 'leader' && status.synced === true;
    }, 'the runner to lead with synced caches', 60_000);
  } catch (err) {
    child.kill();
    throw err;
  }
  await sleep(200);
  return child;
}
