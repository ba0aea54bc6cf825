import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the sample app's files live: `v1/` is the whole first commit, each later directory holds the files that version changes. */
export const SAMPLE_APP_DIR = fileURLToPath(new URL('../../sample-app/', import.meta.url));

/** How a version's delivery should end. */
export type Expectation = 'live' | 'tests-fail' | 'rolled-back';

/** One version of the sample app: one commit, one push, one Delivery. */
export interface SampleVersion {
  readonly id: 'v1' | 'v2' | 'v3' | 'v4';
  /** Commit message (its first line is the commit title). */
  readonly message: string;
  readonly expect: Expectation;
}

/**
 * The story, in push order. v4 starts warming a cache that never evicts with
 * its first request that is not a kubelet probe — the deployer's
 * pre-promotion check, right before the switch — and reports itself unhealthy
 * 4.5 to 9 s later, by pod (sample-app/v4/app.mjs): inside the bake, whatever the
 * machine's load, so it is rolled back rather than refused at the rollout.
 */
export const VERSIONS: readonly SampleVersion[] = [
  { id: 'v1', message: 'v1: sample-app answers with its version', expect: 'live' },
  { id: 'v2', message: 'v2: GET /version answers JSON', expect: 'live' },
  { id: 'v3', message: 'v3: banner from a template\n\nA typo in the placeholder; the test of GET / catches it.', expect: 'tests-fail' },
  { id: 'v4', message: 'v4: warm a response cache\n\nIt never evicts: /healthz fails once it outgrows its budget.', expect: 'rolled-back' },
];

/** The files of `version`: v1's, then each later version's changes up to and including it. */
export async function filesOf(version: SampleVersion['id'], root = SAMPLE_APP_DIR): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const v of VERSIONS) {
    for (const path of await listFiles(join(root, v.id))) files.set(path, await readFile(join(root, v.id, path), 'utf8'));
    if (v.id === version) return files;
  }
  throw new Error(`unknown sample app version ${version}`);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(dir, join(prefix, e.name)) : Promise.resolve([join(prefix, e.name)]))),
  );
  return nested.flat().sort();
}
