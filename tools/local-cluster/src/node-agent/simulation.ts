/**
 * Simulated containers, for tests that need failures on demand. A pod
 * annotation `sim.sluice.dev/<key>` simulates every container of the pod (its
 * regular init containers then simply succeed); `<container>.sim.sluice.dev/<key>`
 * simulates only that container and overrides the pod-wide value. A simulated
 * container spawns no process: its state follows the annotations below.
 */

/** Annotation keys (pod-wide form). */
export const SIM_ANNOTATIONS = {
  /** Ready this many ms after start (default 0). */
  readyAfterMs: 'sim.sluice.dev/ready-after-ms',
  /** Exit with this code (after `exit-after-ms`, default 100). Without it the container runs until killed. */
  exitCode: 'sim.sluice.dev/exit-code',
  /** Delay before the simulated exit, in ms. */
  exitAfterMs: 'sim.sluice.dev/exit-after-ms',
  /** `"true"`: exit with `exit-code` (default 1) after `exit-after-ms`, every time it is restarted. */
  crashLoop: 'sim.sluice.dev/crash-loop',
  /** `"true"`: running, never ready. */
  neverReady: 'sim.sluice.dev/never-ready',
  /** Termination message reported when the container exits. */
  terminationMessage: 'sim.sluice.dev/termination-message',
  /** `"true"`: killed by the memory limit (exit code 137, reason `OOMKilled`) after `exit-after-ms`. */
  oom: 'sim.sluice.dev/oom',
  /** `"true"`: never starts; waits with `ErrImagePull` / `ImagePullBackOff`. */
  imagePullError: 'sim.sluice.dev/image-pull-error',
  /** Text written to the container's stdout when it starts (so `pods/log` has something to show). */
  logs: 'sim.sluice.dev/logs',
} as const;

export type SimKey = keyof typeof SIM_ANNOTATIONS;

const DOMAIN = 'sim.sluice.dev/';

/** The container-scoped form of an annotation: `<container>.sim.sluice.dev/<key>`. */
export function simAnnotationFor(key: SimKey, container: string): string {
  return `${container}.${SIM_ANNOTATIONS[key]}`;
}

/** How one simulated container behaves; `undefined` from {@link simulationFor} means "run it for real". */
export interface SimBehaviour {
  readonly readyAfterMs: number;
  readonly neverReady: boolean;
  /** Set when the container exits on its own. */
  readonly exit?: { readonly code: number; readonly afterMs: number; readonly reason: 'Completed' | 'Error' | 'OOMKilled' };
  readonly terminationMessage?: string;
  readonly imagePullError: boolean;
  readonly logs?: string;
}

function valuesFor(annotations: Readonly<Record<string, string>>, container: string): Map<string, string> | undefined {
  const found = new Map<string, string>();
  const scoped = `${container}.${DOMAIN}`;
  for (const [k, v] of Object.entries(annotations)) if (k.startsWith(DOMAIN)) found.set(k.slice(DOMAIN.length), v);
  for (const [k, v] of Object.entries(annotations)) if (k.startsWith(scoped)) found.set(k.slice(scoped.length), v);
  return found.size ? found : undefined;
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/**
 * The simulated behaviour of `container` (kind `init` for regular init
 * containers), or undefined when it should run as a real process.
 */
export function simulationFor(
  annotations: Readonly<Record<string, string>> | undefined,
  container: string,
  kind: 'init' | 'sidecar' | 'app',
): SimBehaviour | undefined {
  if (!annotations) return undefined;
  const scopedOnly = Object.keys(annotations).some((k) => k.startsWith(`${container}.${DOMAIN}`));
  const values = valuesFor(annotations, container);
  if (!values) return undefined;
  const flag = (key: string) => values.get(key)?.trim().toLowerCase() === 'true';
  const afterMs = int(values.get('exit-after-ms'), 100);
  const base = {
    readyAfterMs: Math.max(0, int(values.get('ready-after-ms'), 0)),
    neverReady: flag('never-ready'),
    terminationMessage: values.get('termination-message'),
    imagePullError: flag('image-pull-error'),
    logs: values.get('logs'),
  };
  // Pod-wide annotations describe the app; regular init containers just succeed.
  if (kind === 'init' && !scopedOnly) {
    return { ...base, neverReady: false, imagePullError: false, exit: { code: 0, afterMs: 0, reason: 'Completed' } };
  }
  let exit: SimBehaviour['exit'];
  if (flag('oom')) exit = { code: 137, afterMs, reason: 'OOMKilled' };
  else if (flag('crash-loop')) {
    const code = int(values.get('exit-code'), 1);
    exit = { code, afterMs, reason: code === 0 ? 'Completed' : 'Error' };
  } else if (values.has('exit-code')) {
    const code = int(values.get('exit-code'), 1);
    exit = { code, afterMs, reason: code === 0 ? 'Completed' : 'Error' };
  }
  return { ...base, exit };
}
