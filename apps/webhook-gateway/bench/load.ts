/**
 * A small HTTP load generator for the benchmark: kept-alive connections to
 * 127.0.0.1 only ({@link WireConnection}), requests given as prepared bytes,
 * every run bounded in request count and time.
 */
import { WireConnection } from './wire.js';

/** What a run measured. */
export interface LoadResult {
  readonly sent: number;
  /** Responses with the expected status. */
  readonly ok: number;
  /** Other statuses and transport errors, by status (`error` for transport). */
  readonly failures: Readonly<Record<string, number>>;
  /** Latency of every expected response, ms. */
  readonly latencies: readonly number[];
  readonly elapsedMs: number;
}

/**
 * Open loop: starts request `i` at `i / rate` seconds whatever the earlier
 * ones are doing, so a slow server cannot slow the offered load down (no
 * coordinated omission). Exactly `rate × seconds` requests; waits at most
 * `drainMs` for the stragglers. Any status but `expect` is a failure.
 */
export async function openLoop(options: {
  readonly port: number;
  readonly rate: number;
  readonly seconds: number;
  readonly expect: number;
  /** The bytes of request `i` (see `requestBytes`). */
  readonly request: (i: number) => Buffer;
  readonly drainMs?: number;
}): Promise<LoadResult> {
  const idle: WireConnection[] = [];
  const all: WireConnection[] = [];
  try {
    return await openLoopCalls({
      ...options,
      call: async (i) => {
        const connection = idle.pop() ?? all[all.push(new WireConnection(options.port)) - 1] as WireConnection;
        const status = await connection.send(options.request(i));
        idle.push(connection);
        if (status !== options.expect) throw Object.assign(new Error(`status ${status}`), { code: status === 0 ? 'error' : String(status) });
      },
    });
  } finally {
    for (const connection of all) connection.close();
  }
}

/**
 * Closed loop: `connections` workers each send the next request as soon as
 * the previous answer arrived, until `seconds` pass or `maxRequests` were sent.
 */
export async function closedLoop(options: {
  readonly port: number;
  readonly connections: number;
  readonly seconds: number;
  readonly maxRequests: number;
  readonly expect: number;
  /** The bytes of request `i` (see `requestBytes`). */
  readonly request: (i: number) => Buffer;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  let next = 0;
  const worker = async (): Promise<void> => {
    const connection = new WireConnection(options.port);
    while (performance.now() < deadline && next < options.maxRequests) {
      const request = options.request(next++);
      const sentAt = performance.now();
      const status = await connection.send(request);
      if (status === options.expect) latencies.push(performance.now() - sentAt);
      else countFailure(failures, status);
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsedMs = performance.now() - start;
  return { sent: next, ok: latencies.length, failures, latencies, elapsedMs };
}

function countFailure(failures: Record<string, number>, status: number): void {
  const key = status === 0 ? 'error' : String(status);
  failures[key] = (failures[key] ?? 0) + 1;
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/**
 * Open loop over any async call (no HTTP of our own): call `i` starts at
 * `i / rate` seconds; a rejection is counted under its `code` (or `error`).
 */
export async function openLoopCalls(options: {
  readonly rate: number;
  readonly seconds: number;
  readonly call: (i: number) => Promise<unknown>;
  readonly drainMs?: number;
}): Promise<LoadResult> {
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / options.rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = performance.now();
    inflight.push(
      options.call(i).then(
        () => void latencies.push(performance.now() - sentAt),
        (error: unknown) => {
          const code = String((error as { code?: unknown }).code ?? 'error');
          failures[code] = (failures[code] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.race([Promise.all(inflight), new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 10_000))]);
  return { sent: total, ok: latencies.length, failures, latencies, elapsedMs: performance.now() - start };
}
