import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';

/**
 * Installs seccomp profiles on the node as a platform team's node
 * provisioning would: each under the kubelet's `<root-dir>/seccomp/`, where a
 * pod names it with `seccompProfile: { type: Localhost, localhostProfile: <path> }`.
 * The kubelet reads a profile when it creates a container, so profiles
 * installed while the node runs apply to the next pods.
 */
export async function installSeccompProfiles(kubeletRoot: string, profiles: Readonly<Record<string, unknown>>): Promise<void> {
  for (const [path, profile] of Object.entries(profiles)) {
    const relative = normalize(path);
    if (isAbsolute(relative) || relative.startsWith('..')) throw new Error(`seccomp profile path "${path}" must be relative to the kubelet's seccomp directory`);
    const file = join(kubeletRoot, 'seccomp', relative);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o644 });
  }
}
