/**
 * Runs lint, typecheck (the apps' benchmarks too), tests and builds for
 * every project, for real (no Nx cache: its cache is machine-wide, and
 * integration tests must meet the cluster), with two shared local clusters
 * started here and owned by this process — they go down with us, even on a
 * crash: the real node (`SLUICE_REAL_CLUSTER_DIR`, for tests that need
 * containers, pod networking and policies) and the node-agent lane
 * (`SLUICE_KUBECONFIG`, for tests whose pods run as host processes; see
 * tools/local-cluster/README.md). Ends with one line
 * `N passed, N failed, N skipped` summed over every project's vitest report,
 * after naming each failed test with the first lines of its failure — last,
 * so the tail of a CI log says what broke.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { startCluster } from '@sluice/local-cluster';

const RESULTS = '.vitest-results.json'; // per project, git-ignored
const common = ['--skip-nx-cache', '--output-style=static', ...process.argv.slice(2)];

function nx(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  return spawnSync('npx', ['nx', ...args], { stdio: 'inherit', env }).status ?? 1;
}

/** Every project that has tests: the ones with a vitest config. */
async function testedProjectDirs(): Promise<string[]> {
  const dirs: string[] = [];
  for (const group of ['apps', 'libs', 'tools']) {
    for (const name of await readdir(group).catch(() => [])) {
      if (existsSync(join(group, name, 'vitest.config.ts'))) dirs.push(join(group, name));
    }
  }
  return dirs;
}

/** Sums the vitest JSON reports the test run just wrote; a missing report counts as a failure. */
async function summarize(dirs: string[]): Promise<{ passed: number; failed: number; skipped: number; failures: string[] }> {
  const total = { passed: 0, failed: 0, skipped: 0, failures: [] as string[] };
  for (const dir of dirs) {
    const report = await readFile(join(dir, RESULTS), 'utf8').catch(() => undefined);
    if (!report) {
      total.failed += 1;
      console.error(`test-all: ${dir} wrote no test report`);
      continue;
    }
    const r = JSON.parse(report) as VitestReport;
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests + r.numTodoTests;
    total.failures.push(...failuresOf(r));
  }
  return total;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
}

/** Each failed test (or test file that failed to run) as `path › name` and its failure's first lines. */
function failuresOf(r: VitestReport): string[] {
  const head = (text = '') => text.split('\n').slice(0, 8).map((line) => `    ${line}`).join('\n');
  const out: string[] = [];
  for (const file of r.testResults ?? []) {
    const where = relative(process.cwd(), file.name);
    const failed = file.assertionResults.filter((a) => a.status === 'failed');
    for (const a of failed) out.push(`${where} › ${a.fullName}\n${head(a.failureMessages?.[0])}`);
    if (failed.length === 0 && file.message) out.push(`${where}\n${head(file.message)}`);
  }
  return out;
}

/** deploy/ must be what `npm run deploy:gen` writes from the manifest builders. */
function deployCheck(): number {
  return spawnSync('npm', ['run', '-s', 'deploy:gen', '--', '--check'], { stdio: 'inherit' }).status ?? 1;
}

// The builds come before the tests: the demo's story installs the apps' images, built from their bundles.
let failed = nx(['sync:check']) || deployCheck() || nx(['run-many', '-t', 'lint', 'typecheck', 'typecheck-bench', ...common]) || nx(['run-many', '-t', 'build', ...common]);
if (!failed) {
  const [cluster, real] = await Promise.all([startCluster({ node: 'agent' }), startCluster({ node: 'real' })]);
  console.error(`test-all: shared local clusters ready: node agent in ${cluster.startMs} ms, real node in ${real.startMs} ms`);
  const env = { ...process.env, SLUICE_KUBECONFIG: cluster.kubeconfigPath, SLUICE_REAL_CLUSTER_DIR: real.dir };
  const dirs = await testedProjectDirs();
  await Promise.all(dirs.map((dir) => rm(join(dir, RESULTS), { force: true })));
  try {
    const reporters = ['--', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`];
    failed = nx(['run-many', '-t', 'test', '--parallel=2', ...common, ...reporters], env) || failed;
  } finally {
    for (const c of [cluster, real]) {
      await c.stop();
      await rm(c.dir, { recursive: true, force: true });
    }
  }
  const { passed, failed: failedTests, skipped, failures } = await summarize(dirs);
  if (failedTests) failed ||= 1;
  for (const f of failures) console.log(`FAILED ${f}`);
  console.log(`${passed} passed, ${failedTests} failed, ${skipped} skipped`);
}
console.error(failed ? 'test-all: FAILED' : 'test-all: all green');
process.exit(failed);
