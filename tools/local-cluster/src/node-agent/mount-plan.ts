/**
 * Builds the shell script that gives one container its own view of the
 * filesystem, so a command that refers to `/workspace` or
 * `/etc/git-credentials` finds its volumes there. Pure: the caller supplies
 * what the host looks like.
 *
 * The script runs inside `unshare --fork --pid --mount --uts --propagation
 * private`, so nothing it mounts is visible outside the container's
 * processes, and when the container's init exits every process left in its
 * PID namespace is killed:
 *
 * 1. A tmpfs becomes the new root `R`; every top-level entry of the host `/`
 *    is recreated in it (directories `mount --rbind`, symlinks copied), so the
 *    container sees the host's tools (`sh`, `node`, `git`) at their usual paths.
 * 2. Each volume is bind-mounted at `R/<mountPath>` (read-only mounts are
 *    remounted `ro`). A mount point that does not exist is created without
 *    touching the host: below the new root's tmpfs it is a plain `mkdir`;
 *    inside a host directory `D` (say `/etc`), `D` is first covered with an
 *    overlayfs whose lower layer is the host's `D` and whose upper layer lives
 *    on a private tmpfs, so the new directory lands in the upper layer only.
 *    Host mounts below `D` are bound back on top.
 * 3. The script `chroot`s into `R`, `cd`s to the working directory, checks the
 *    command exists, reports `sluice:started` on fd 3, closes it and
 *    runs it through `setpriv` (`--pdeathsig KILL`, optionally
 *    `--reuid/--regid`) under a tiny shell init that waits for it and exits
 *    with its status.
 *
 * Setup failures are written to fd 3 and end the script with exit code 128.
 * (Not EOF on fd 3 but the marker says "started": with `unshare --fork` the
 * waiting unshare parent keeps its copy of fd 3 open.)
 */
import { posix } from 'node:path';

export type HostEntryType = 'dir' | 'file' | 'symlink' | 'other';

/** One bind mount into the container's view. */
export interface PlannedMount {
  /** Canonical absolute path inside the container (symlinks of the host resolved). */
  readonly target: string;
  /** Host path to bind. */
  readonly source: string;
  readonly readOnly: boolean;
  readonly type: 'dir' | 'file';
}

/** Absolute paths of the helper programs the script calls (resolved once by the agent). */
export interface PlanBinaries {
  readonly mount: string;
  readonly mkdir: string;
  readonly touch: string;
  readonly ln: string;
  readonly chroot: string;
  readonly setpriv: string;
  readonly sh: string;
}

export interface MountPlanInput {
  /** Empty host directory where the new root is mounted. */
  readonly rootDir: string;
  /** Empty host directory for the private tmpfs holding overlay upper layers. */
  readonly shadowDir: string;
  /** Entries of the host's `/`. */
  readonly topLevel: readonly { readonly name: string; readonly type: HostEntryType; readonly link?: string }[];
  /** Every mount point of the host (from /proc/self/mountinfo). */
  readonly hostMounts: readonly string[];
  readonly mounts: readonly PlannedMount[];
  /** Canonical working directory; created if missing. */
  readonly workingDir: string;
  readonly hostname: string;
  /** What exists at a host path (following symlinks); undefined if nothing. */
  readonly hostEntry: (path: string) => HostEntryType | undefined;
  readonly bins: PlanBinaries;
  /** Mount a new procfs at /proc (the script runs in its own PID namespace). */
  readonly freshProc?: boolean;
  /** Drop to this user (`runAsUser`/`runAsGroup`/groups) before exec. */
  readonly user?: { readonly uid: number; readonly gid: number; readonly groups: readonly number[] };
}

/** Line the script writes to fd 3 once setup is done and the command is about to run. */
export const STARTED_MARKER = 'sluice:started';

/** Quotes a string for POSIX sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function overlayEscape(path: string): string {
  return path.replace(/([\\,:])/g, '\\$1');
}

function isUnder(path: string, dir: string): boolean {
  return dir === '/' ? path !== '/' : path.startsWith(`${dir}/`);
}

type LayerKind = 'created' | 'shadow' | 'host' | 'volume';
interface Layer {
  readonly path: string;
  readonly kind: LayerKind;
  readonly source?: string;
}

/** Generates the setup script. Throws with a user-facing message when the mounts cannot be arranged. */
export function buildMountScript(input: MountPlanInput): string {
  const { bins } = input;
  const R = input.rootDir;
  const lines: string[] = [
    `fail() { printf '%s\\n' "$1" >&3; exit 128; }`,
    `${shq(bins.mount)} -t tmpfs -o mode=0755 sluice-root ${shq(R)} 2>&3 || fail 'cannot mount the container root'`,
    `${shq(bins.mount)} -t tmpfs -o mode=0700 sluice-shadow ${shq(input.shadowDir)} 2>&3 || fail 'cannot mount the shadow tmpfs'`,
  ];
  const run = (cmd: string, what: string) => lines.push(`${cmd} 2>&3 || fail ${shq(what)}`);
  const inRoot = (p: string) => shq(posix.join(R, p));

  // Paths the plan itself made, with their type.
  const made = new Map<string, 'dir' | 'file'>([['/', 'dir']]);
  // Later layers cover earlier ones at equal depth.
  const layers: Layer[] = [{ path: '/', kind: 'created' }];
  for (const e of input.topLevel) {
    const p = `/${e.name}`;
    if (p === '/proc' && input.freshProc) {
      run(`${shq(bins.mkdir)} ${inRoot(p)} && ${shq(bins.mount)} -t proc proc ${inRoot(p)}`, 'cannot mount /proc');
      layers.push({ path: p, kind: 'host' });
    } else if (e.type === 'dir') {
      run(`${shq(bins.mkdir)} ${inRoot(p)} && ${shq(bins.mount)} --rbind ${shq(p)} ${inRoot(p)}`, `cannot bind ${p}`);
      layers.push({ path: p, kind: 'host' });
    } else if (e.type === 'symlink' && e.link !== undefined) {
      run(`${shq(bins.ln)} -s ${shq(e.link)} ${inRoot(p)}`, `cannot link ${p}`);
      made.set(p, 'file');
    } else if (e.type === 'file') {
      run(`${shq(bins.touch)} ${inRoot(p)} && ${shq(bins.mount)} --bind ${shq(p)} ${inRoot(p)}`, `cannot bind ${p}`);
      layers.push({ path: p, kind: 'host' });
    }
  }

  const layerOf = (p: string): Layer => {
    let best = layers[0]!;
    for (const l of layers) if ((l.path === p || isUnder(p, l.path)) && l.path.length >= best.path.length) best = l;
    return best;
  };
  const entryAt = (p: string): 'dir' | 'file' | undefined => {
    const own = made.get(p);
    if (own) return own;
    const l = layerOf(p);
    if (l.kind === 'created') return undefined;
    const hostPath = l.kind === 'volume' ? posix.join(l.source!, posix.relative(l.path, p)) : p;
    const t = input.hostEntry(hostPath);
    return t === 'dir' ? 'dir' : t === undefined ? undefined : 'file';
  };
  let shadows = 0;
  const shadow = (d: string) => {
    const k = String(shadows++);
    const base = posix.join(input.shadowDir, k);
    run(`${shq(bins.mkdir)} ${shq(base)} ${shq(`${base}/u`)} ${shq(`${base}/w`)}`, `cannot prepare an overlay for ${d}`);
    const opts = `lowerdir=${overlayEscape(d)},upperdir=${overlayEscape(`${base}/u`)},workdir=${overlayEscape(`${base}/w`)}`;
    run(`${shq(bins.mount)} -t overlay sluice-overlay -o ${shq(opts)} ${inRoot(d)}`, `cannot overlay ${d} to create mount points in it`);
    layers.push({ path: d, kind: 'shadow' });
    const below = [...new Set(input.hostMounts)].filter((m) => isUnder(m, d)).sort();
    const topmost = below.filter((m) => !below.some((o) => o !== m && isUnder(m, o)));
    for (const m of topmost) {
      run(`${shq(bins.mount)} --rbind ${shq(m)} ${inRoot(m)}`, `cannot bind ${m}`);
      layers.push({ path: m, kind: 'host' });
    }
  };
  const ensure = (p: string, type: 'dir' | 'file') => {
    const existing = entryAt(p);
    if (existing) {
      if (existing !== type) throw new Error(`cannot mount a ${type} at ${p}: a ${existing === 'dir' ? 'directory' : 'file'} is there`);
      return;
    }
    const parent = posix.dirname(p);
    ensure(parent, 'dir');
    if (layerOf(parent).kind === 'host') shadow(parent);
    if (type === 'dir') run(`${shq(bins.mkdir)} ${inRoot(p)}`, `cannot create mount point ${p}`);
    else run(`${shq(bins.touch)} ${inRoot(p)}`, `cannot create mount point ${p}`);
    made.set(p, type);
  };

  const ordered = [...input.mounts].sort((a, b) => a.target.split('/').length - b.target.split('/').length);
  for (const m of ordered) {
    if (!posix.isAbsolute(m.target) || m.target === '/') throw new Error(`mount path must be absolute and not "/": ${m.target}`);
    ensure(m.target, m.type);
    run(`${shq(bins.mount)} --rbind ${shq(m.source)} ${inRoot(m.target)}`, `cannot mount ${m.target}`);
    if (m.readOnly) run(`${shq(bins.mount)} -o remount,bind,ro ${inRoot(m.target)}`, `cannot make ${m.target} read-only`);
    layers.push({ path: m.target, kind: 'volume', source: m.source });
  }
  ensure(input.workingDir, 'dir');
  lines.push(`printf '%s' ${shq(input.hostname)} > /proc/sys/kernel/hostname 2>/dev/null || true`);

  const priv = [shq(bins.setpriv), '--pdeathsig', 'KILL'];
  if (input.user) {
    priv.push(`--regid=${input.user.gid}`, `--reuid=${input.user.uid}`);
    priv.push(input.user.groups.length ? `--groups=${input.user.groups.join(',')}` : '--clear-groups');
  }
  const inner = [
    `cd -- "$1" 2>/dev/null || { printf 'chdir to cwd ("%s") set in config.json failed: no such file or directory\\n' "$1" >&3; exit 128; }`,
    'shift',
    `case "$1" in */*) [ -f "$1" ] && [ -x "$1" ] ;; *) command -v -- "$1" >/dev/null 2>&1 ;; esac || { printf 'exec: "%s": executable file not found in $PATH\\n' "$1" >&3; exit 128; }`,
    `printf '%s\\n' ${STARTED_MARKER} >&3`,
    'exec 3>&-',
    // A minimal init: the command runs as its child, so SIGTERM (sent to the
    // whole process group) reaches it even though PID 1 ignores unhandled
    // signals, and everything left in the PID namespace dies when it returns.
    `trap : TERM INT`,
    `${priv.join(' ')} -- "$@" &`,
    'child=$!',
    'while :; do wait "$child"; status=$?; kill -0 "$child" 2>/dev/null || break; done',
    'exit "$status"',
  ].join('\n');
  lines.push(`exec ${shq(bins.chroot)} ${shq(R)} ${shq(bins.sh)} -c ${shq(inner)} sluice-init ${shq(input.workingDir)} "$@"`);
  return `${lines.join('\n')}\n`;
}

/**
 * Resolves host symlinks in the existing prefix of `path` (the container
 * view mirrors the host, so `/var/run/x` really is `/run/x`), keeping the
 * not-yet-existing rest as written.
 */
export function canonicalPath(path: string, realpath: (p: string) => string | undefined): string {
  const normal = posix.normalize(path);
  const parts = normal.split('/').filter(Boolean);
  for (let i = parts.length; i > 0; i--) {
    const prefix = `/${parts.slice(0, i).join('/')}`;
    const real = realpath(prefix);
    if (real !== undefined) return posix.join(real, ...parts.slice(i));
  }
  return normal;
}
