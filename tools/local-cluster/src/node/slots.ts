/**
 * The machine's register of running real nodes, in `/run/sluice` (gone at
 * reboot, like everything a node changes). A slot number decides a node's
 * address ranges, interface and cgroup names (network.ts), so claiming one
 * is what keeps clusters side by side apart. The first claim saves the
 * machine-wide sysctls the kubelet changes; the last release restores them.
 * A slot whose node died without `down` is swept by the next claim or `down`.
 */
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeCgroupRoot } from './cgroups.js';
import { alive, run } from './exec.js';
import { MAX_SLOTS, nodeNetwork } from './network.js';
import { readSysctls, restoreSysctls, type SysctlValues } from './sysctls.js';

const ROOT = process.env.SLUICE_RUN_DIR ?? '/run/sluice';
const SLOTS = join(ROOT, 'nodes');
const LOCK = join(ROOT, 'lock');
const SAVED_SYSCTLS = join(ROOT, 'host-sysctls.json');
/** A claim with no node pid after this long belongs to a start that died. */
const START_GRACE_MS = 5 * 60_000;

/** What a slot records about its node. */
export interface SlotOwner {
  readonly dir: string;
  readonly claimedAt: string;
  /** Host pid of the node's init (tini), once started. */
  readonly nodePid?: number;
}

/** Claims the first free slot for the cluster in `dir` (sweeping dead ones first). */
export async function claimSlot(dir: string): Promise<number> {
  return withLock(async () => {
    await sweepLocked();
    await mkdir(SLOTS, { recursive: true });
    if (!(await exists(SAVED_SYSCTLS))) await writeFile(SAVED_SYSCTLS, JSON.stringify(await readSysctls()));
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      try {
        await mkdir(join(SLOTS, String(slot)));
      } catch {
        continue;
      }
      await writeOwner(slot, { dir, claimedAt: new Date().toISOString() });
      return slot;
    }
    throw new Error(`all ${MAX_SLOTS} local node slots are in use (see ${SLOTS})`);
  });
}

/** Records the node's init pid, which is how a sweep tells a live node from a dead one. */
export async function recordNodePid(slot: number, nodePid: number): Promise<void> {
  const owner = await readOwner(slot);
  if (owner) await writeOwner(slot, { ...owner, nodePid });
}

export async function readOwner(slot: number): Promise<SlotOwner | undefined> {
  const text = await readFile(join(SLOTS, String(slot), 'owner.json'), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as SlotOwner) : undefined;
}

/** Undoes what the node in `slot` left on the host (its processes must be gone) and frees the slot. */
export async function releaseSlot(slot: number): Promise<void> {
  await withLock(() => releaseLocked(slot));
}

/** Cleans up after every node that died without `down`. */
export async function sweepStaleSlots(): Promise<void> {
  await withLock(sweepLocked);
}

async function sweepLocked(): Promise<void> {
  for (const name of await readdir(SLOTS).catch(() => [] as string[])) {
    const slot = Number(name);
    const owner = await readOwner(slot);
    const stale = owner?.nodePid
      ? !alive(owner.nodePid)
      : Date.now() - Date.parse(owner?.claimedAt ?? '1970-01-01') > START_GRACE_MS;
    if (stale) await releaseLocked(slot);
  }
}

async function releaseLocked(slot: number): Promise<void> {
  const net = nodeNetwork(slot);
  await removeCgroupRoot(net.cgroupRoot);
  // The veth pair goes with the node's network namespace; this only matters if something still holds it.
  await run('ip', ['link', 'del', net.hostInterface]).catch(() => undefined);
  await rm(join(SLOTS, String(slot)), { recursive: true, force: true });
  if ((await readdir(SLOTS).catch(() => [])).length === 0) {
    const saved = await readFile(SAVED_SYSCTLS, 'utf8').catch(() => undefined);
    if (saved) await restoreSysctls(JSON.parse(saved) as SysctlValues);
    await rm(SAVED_SYSCTLS, { force: true });
    await rmdir(SLOTS).catch(() => undefined);
  }
}

async function writeOwner(slot: number, owner: SlotOwner): Promise<void> {
  await writeFile(join(SLOTS, String(slot), 'owner.json'), `${JSON.stringify(owner)}\n`);
}

/** A directory lock: `mkdir` is atomic; a lock older than 30 s is a crashed holder's. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(ROOT, { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const since = await readFile(join(LOCK, 'at'), 'utf8').catch(() => '0');
      if (Date.now() - Number(since) > 30_000 && Number(since) > 0) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await writeFile(join(LOCK, 'at'), String(Date.now()));
  try {
    return await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
    if ((await readdir(ROOT).catch(() => ['x'])).length === 0) await rmdir(ROOT).catch(() => undefined);
  }
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}
