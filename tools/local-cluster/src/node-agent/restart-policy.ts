/**
 * Pure restart decisions: whether a container that stopped is started again,
 * how long the agent backs off first, and what the exit looks like in status.
 */
import type { ContainerKind } from './runtime-state.js';

/** Crash-loop back-off, scaled down from the kubelet's 10 s → 5 min for a local cluster. */
export interface BackoffConfig {
  /** Delay before the second restart; the first restart is immediate, like the kubelet's. Default 1000. */
  readonly initialMs: number;
  /** Ceiling of the doubling delay. Default 10000. */
  readonly maxMs: number;
  /** A container that ran at least this long starts over with no back-off. Default 60000. */
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = { initialMs: 1000, maxMs: 10_000, resetAfterMs: 60_000 };

/** Does a container of `kind` that exited with `exitCode` get restarted under `restartPolicy`? */
export function shouldRestart(restartPolicy: string | undefined, kind: ContainerKind, exitCode: number): boolean {
  if (kind === 'sidecar') return true;
  const policy = restartPolicy ?? 'Always';
  // A regular init container that succeeded is done; one that failed is retried unless the pod never restarts.
  if (kind === 'init') return exitCode !== 0 && policy !== 'Never';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/**
 * One crash-loop step: `currentMs` is the back-off the container has built up
 * (0 at first). The first restart is immediate, later ones wait initial,
 * doubling, capped; a container that ran long enough starts over.
 */
export function backoffStep(
  currentMs: number,
  ranForMs: number,
  cfg: BackoffConfig = DEFAULT_BACKOFF,
): { readonly delayMs: number; readonly nextMs: number } {
  const delayMs = ranForMs >= cfg.resetAfterMs ? 0 : currentMs;
  return { delayMs, nextMs: delayMs === 0 ? cfg.initialMs : Math.min(delayMs * 2, cfg.maxMs) };
}

/** Exit code for a process killed by `signal`, as container runtimes report it (128 + number). */
export function exitCodeForSignal(signal: NodeJS.Signals | null | undefined): number {
  if (!signal) return 0;
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return 128 + (numbers[signal] ?? 9);
}

/** `Completed` for 0, `Error` otherwise — the reasons a container runtime gives. */
export function exitReason(exitCode: number): 'Completed' | 'Error' {
  return exitCode === 0 ? 'Completed' : 'Error';
}
