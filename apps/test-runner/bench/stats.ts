/** Small helpers of the bench: percentiles, the load average, waiting, a process's CPU time. */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** The `p`th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** p50, p90 and max of `values`, in ms with one decimal. */
export function summary(values: readonly number[]): { samples: number; 'p50 ms': string; 'p90 ms': string; 'max ms': string } {
  return { samples: values.length, 'p50 ms': percentile(values, 50).toFixed(1), 'p90 ms': percentile(values, 90).toFixed(1), 'max ms': Math.max(...values).toFixed(1) };
}

/** The 1, 5 and 15 minute load averages, e.g. `1.20 0.95 0.80`. */
export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 100 ms (local state or a probe, not the cluster) until it holds. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** User plus system CPU time of process `pid` so far, in ms (Linux /proc). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3; utime and stime are fields 14 and 15 (clock ticks, 100 a second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
