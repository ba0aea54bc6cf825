/**
 * The machine-wide kernel settings a kubelet changes (they are not per
 * network namespace): saved before the first node on the machine starts and
 * restored after the last one stops.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** What the kubelet sets (`setupKernelTunables` in pkg/kubelet/cm). */
export const KUBELET_SYSCTLS = [
  'vm/overcommit_memory',
  'vm/panic_on_oom',
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
] as const;

export type SysctlValues = Record<string, string>;

export async function readSysctls(names: readonly string[] = KUBELET_SYSCTLS): Promise<SysctlValues> {
  const values: SysctlValues = {};
  for (const name of names) values[name] = (await readFile(`/proc/sys/${name}`, 'utf8')).trim();
  return values;
}

/** Writes back each value that differs from what is set now. */
export async function restoreSysctls(values: SysctlValues): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const now = (await readFile(`/proc/sys/${name}`, 'utf8')).trim();
    if (now !== value) await writeFile(`/proc/sys/${name}`, `${value}\n`);
  }
}
