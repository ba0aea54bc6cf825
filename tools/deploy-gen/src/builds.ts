import { BUILDER_SECCOMP_PROFILE_PATH, TEST_JOB_CONTAINERS, builderSeccompProfile } from '@sluice/manifests';
import { BASE, OVERLAYS, type InstallProfile } from './profile.js';

/** The kubelet's seccomp directory with its default `--root-dir`; a Localhost profile's path is relative to it. */
export const KUBELET_SECCOMP_DIR = '/var/lib/kubelet/seccomp';

/** deploy/node/: what every node needs besides the manifests; `seccomp/` mirrors the kubelet's directory. */
export const NODE_SECCOMP_FILE = `node/seccomp/${BUILDER_SECCOMP_PROFILE_PATH}`;

/** Container name of the build Job's BuildKit step (apps/test-runner's `BUILD_CONTAINER`). */
const BUILD_STEP = 'build';

/** deploy/node/: the build pods' seccomp profile, pretty JSON with a trailing newline. */
export function renderNodeFiles(): Map<string, string> {
  return new Map([[NODE_SECCOMP_FILE, `${JSON.stringify(builderSeccompProfile(), null, 2)}\n`]]);
}

/** The build pods' egress of an install, for prose: each endpoint as `cidr` (ports). */
function egressOf(profile: InstallProfile): string {
  return profile.buildEgress.length === 0 ? 'none (DNS only)' : profile.buildEgress.map((e) => `\`${e.cidr}\` (${e.ports.join(', ')})`).join(', ');
}

/** deploy/README.md's "Builds" section: the build namespace, why `baseline`, what it holds and reaches, what nodes need. */
export function buildsReadmeSection(): string[] {
  const build = BASE.namespaces.build;
  return [
    '## Builds',
    '',
    `Build Jobs (rootless BuildKit) run in their own namespace, \`${build}\`, apart from the test Jobs. It enforces Pod`,
    'Security **`baseline`**, not `restricted` (warn and audit stay at `restricted`, so every build pod is reported):',
    '',
    '- **User namespaces.** BuildKit creates a user and mount namespace for each build, which needs `unshare`, `clone`',
    '  with namespace flags, `setns`, `mount`, `pivot_root`…: `RuntimeDefault` seccomp denies them. Build pods use the',
    '  `Localhost` profile below instead (either level admits a `Localhost` profile; the next two are what `restricted`',
    '  refuses).',
    '- **Privilege escalation.** The full subordinate-id mapping goes through `newuidmap`/`newgidmap`, which',
    '  carry the file capabilities `cap_setuid`/`cap_setgid` (gaining them counts as escalation), so',
    '  `allowPrivilegeEscalation` must be `true`; `restricted` requires `false`.',
    '- **Capabilities.** Those helpers need CAP_SETUID and CAP_SETGID kept in the bounding set; `restricted` allows no',
    '  capability but `NET_BIND_SERVICE`. (The build itself runs as a non-root user with no effective capabilities.)',
    '',
    '`baseline` still refuses privileged containers, host namespaces, ports and paths, other added capabilities, and',
    '`Unconfined` seccomp or AppArmor. The namespace holds only the build Jobs and two Secrets: the Git read',
    `credential, mounted only into \`${TEST_JOB_CONTAINERS.clone}\`, and the registry push credential, mounted only into the \`${BUILD_STEP}\``,
    'step; no service runs there and nothing may connect in. Build pods may reach DNS and, per install, only Git and',
    'the registry:',
    '',
    ...[['base', BASE] as const, ...Object.entries(OVERLAYS)].map(([name, profile]) => `- \`${name}\`: ${egressOf(profile)}`),
    '',
    '**Every node that may run a build** needs the seccomp profile',
    `[\`${NODE_SECCOMP_FILE}\`](${NODE_SECCOMP_FILE}) at \`${KUBELET_SECCOMP_DIR}/${BUILDER_SECCOMP_PROFILE_PATH}\``,
    '(the build pods name it as `localhostProfile`): install it with your node provisioning or the Security Profiles',
    'Operator. It denies what Docker\'s default profile denies to a process without capabilities, except the',
    'user-namespace, mount and keyring calls BuildKit needs, and allows the rest. Without it, build pods fail to start. On hosts whose',
    'AppArmor restricts unprivileged user namespaces (e.g. Ubuntu 23.10 and later), nodes also need an AppArmor profile',
    'allowing `userns` for the build step.',
  ];
}
