import type { KubeClient } from '@sluice/kube';

/** Where to read a log tail from, and how much. */
export interface LogTailRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly tailLines: number;
  readonly limitBytes: number;
}

/** How long reading a log tail may take before the stage is recorded without it. */
const LOG_TIMEOUT_MS = 10_000;

/**
 * The end of one container's log (`pods/log` with `tailLines` and
 * `limitBytes`, through `@sluice/kube`). Best effort: a log that cannot be
 * read (pod gone, container never started, apiserver unreachable, timeout)
 * is `undefined`, never a failed stage — the reason comes from facts, not
 * from the log.
 */
export async function readLogTail(client: KubeClient, req: LogTailRequest): Promise<string | undefined> {
  try {
    return await client.readPodLog({ ...req, timeoutMs: LOG_TIMEOUT_MS });
  } catch {
    return undefined;
  }
}
