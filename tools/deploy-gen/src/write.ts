import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Paths under `dir` that differ from `files`: changed, missing, or not generated (stale leftovers). */
export async function staleFiles(dir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, text] of files) {
    const current = await readFile(join(dir, path), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(current === undefined ? `${path} (missing)` : `${path} (changed)`);
  }
  for (const path of await filesUnder(dir)) {
    const rel = relative(dir, path);
    if (!files.has(rel)) stale.push(`${rel} (not generated)`);
  }
  return stale.sort();
}

/** Makes `dir` hold exactly `files`. */
export async function writeFiles(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}
