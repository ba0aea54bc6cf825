/**
 * The node's cgroup root: `/sys/fs/cgroup/<hierarchy>/sluice-<slot>` in
 * every cgroup v1 hierarchy (this machine's mode). The kubelet requires its
 * cgroup root to exist and puts every pod under it; removing it after the
 * pods are gone leaves the machine's cgroups as they were.
 */
import { readdir, readFile, rmdir, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CGROUP_FS = '/sys/fs/cgroup';

/** Mount points of the cgroup hierarchies (v1 ones, and the unified one when `withUnified`). */
async function hierarchies(withUnified: boolean): Promise<string[]> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  return mounts
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([, path, type]) => path?.startsWith(`${CGROUP_FS}/`) && (type === 'cgroup' || (withUnified && type === 'cgroup2')))
    .map(([, path]) => path!);
}

/** Creates the cgroup root in every v1 hierarchy; cpuset's needs its CPUs and memory nodes copied from the parent. */
export async function createCgroupRoot(name: string): Promise<void> {
  for (const hierarchy of await hierarchies(false)) {
    const path = join(hierarchy, name);
    await mkdir(path, { recursive: true });
    if (hierarchy.endsWith('cpuset')) {
      for (const file of ['cpuset.cpus', 'cpuset.mems']) {
        await writeFile(join(path, file), await readFile(join(hierarchy, file), 'utf8'));
      }
    }
  }
}

/** Removes the cgroup root and everything below it, deepest first, waiting (up to `timeoutMs`) for dying processes to leave. */
export async function removeCgroupRoot(name: string, { timeoutMs = 10_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const hierarchy of await hierarchies(true)) {
    await removeTree(join(hierarchy, name), deadline);
  }
}

async function removeTree(path: string, deadline: number): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  for (const entry of entries) if (entry.isDirectory()) await removeTree(join(path, entry.name), deadline);
  for (;;) {
    try {
      await rmdir(path);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw new Error(`cannot remove cgroup ${path}: ${code}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
