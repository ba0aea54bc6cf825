/** What the benchmark reads about processes from /proc (Linux), and how it waits for them to go quiet. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** user+system CPU time of `pid`, ms (clock ticks are 10 ms on Linux). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident set size of `pid`, MiB. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

/** CPU used by each of `pids` from now until `stop()`, ms. */
export function cpuMeter(pids: readonly number[]): { stop(): number[] } {
  const before = pids.map(cpuMs);
  return { stop: () => pids.map((pid, i) => cpuMs(pid) - (before[i] as number)) };
}

/** Samples `read()` every 250 ms; `stop()` gives the largest value seen. */
export function sampleMax(read: () => number): { stop(): number } {
  let max = read();
  const timer = setInterval(() => (max = Math.max(max, read())), 250);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(max, read());
    },
  };
}

/** Restricts every thread of `pid` to `cpus` (a taskset list: `1`, `0,1`); false when taskset is unavailable. */
export function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The control-plane processes serving `kubeconfig`, found by their command lines; a missing one is left out. */
export function clusterPids(kubeconfig: string): { readonly apiserver?: number; readonly etcd?: number; readonly controllerManager?: number } {
  // 127.0.0.1:<port> for the control plane alone, the node network's address with the real node.
  const port = /server"?:\s*"?https:\/\/[^:/"\s]+:(\d+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1];
  const cmdlines = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return { pid: Number(pid), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
      } catch {
        return { pid: Number(pid), cmd: [] as string[] };
      }
    });
  const apiserver = cmdlines.find((p) => p.cmd.includes(`--secure-port=${port}`) && p.cmd[0]?.endsWith('kube-apiserver'));
  const etcdUrl = apiserver?.cmd.find((arg) => arg.startsWith('--etcd-servers='))?.slice('--etcd-servers='.length);
  const etcd = cmdlines.find((p) => p.cmd[0]?.endsWith('etcd') && p.cmd.includes(`--listen-client-urls=${etcdUrl}`));
  const controllerManager = cmdlines.find((p) => p.cmd[0]?.endsWith('kube-controller-manager') && p.cmd.includes(`--kubeconfig=${kubeconfig}`));
  return { apiserver: apiserver?.pid, etcd: etcd?.pid, controllerManager: controllerManager?.pid };
}

/**
 * Waits (at most 30 s) until `pids` together use under a tenth of a core over
 * a second, so a phase does not start while the apiserver is still busy with
 * the previous one (or with the CRDs' OpenAPI after the install). Returns
 * how long it waited, ms.
 */
export async function quiet(pids: readonly number[]): Promise<number> {
  const started = Date.now();
  const total = () => pids.reduce((sum, pid) => sum + (existsSync(`/proc/${pid}`) ? cpuMs(pid) : 0), 0);
  for (let before = total(); Date.now() - started < 30_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = total();
    if (now - before < 100) break;
    before = now;
  }
  return Date.now() - started;
}
