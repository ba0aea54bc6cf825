/**
 * The services as real processes from their `src/main.ts` (referenced by
 * path: a tool never imports an app's source), a replica set per service
 * the way a Deployment keeps its pods: a killed replica is replaced by a new
 * process with a new pod name.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { startServiceProcess, type ServiceProcess } from '@sluice/service/testing';

export type ServiceName = 'webhook-gateway' | 'test-runner' | 'deployer' | 'notifier';

/** Starts of one replica before {@link ReplicaSet.keepOne} gives up. */
const KEEP_ATTEMPTS = 3;

/** `apps/<service>/src/main.ts` of this checkout. */
export function entryOf(service: ServiceName): string {
  return fileURLToPath(new URL(`../../../apps/${service}/src/main.ts`, import.meta.url));
}

/** One running replica. */
export interface Replica {
  readonly pod: string;
  readonly process: ServiceProcess;
  readonly startedAt: number;
}

/** A service's replicas; `envFor(pod)` gives a new replica's whole environment. */
export class ReplicaSet {
  readonly service: ServiceName;
  readonly #envFor: (pod: string) => Promise<Record<string, string>>;
  readonly #running = new Map<string, Replica>();
  readonly #starting = new Set<Promise<Replica>>();
  #next = 0;
  /** Replicas started, including replacements. */
  started = 0;

  /** When set, each replica's JSON log lines are written to `<logDir>/<pod>.jsonl` when it goes. */
  logDir: string | undefined;

  constructor(service: ServiceName, envFor: (pod: string) => Promise<Record<string, string>>) {
    this.service = service;
    this.#envFor = envFor;
  }

  async #saveLogs(r: Replica, why: string): Promise<void> {
    if (!this.logDir) return;
    await mkdir(this.logDir, { recursive: true });
    const lines = r.process.logs.map((l) => JSON.stringify(l)).join('\n');
    await appendFile(join(this.logDir, `${r.pod}.jsonl`), `${lines}\n{"harness":"${why}","at":"${new Date().toISOString()}"}\n`).catch(() => undefined);
  }

  /** Replicas that exited on their own (not killed here), each restarted under its pod name, as the kubelet restarts a container. */
  readonly exits: { readonly pod: string; readonly atMs: number; readonly lastLog: string }[] = [];
  #monitor: NodeJS.Timeout | undefined;

  /** Starts one more replica, `<service>-<n>` (or `pod`, for a restart). */
  async startOne(pod = `${this.service}-${this.#next++}`): Promise<Replica> {
    this.#watchExits();
    const starting = (async () => {
      const process = await startServiceProcess({ entry: entryOf(this.service), env: await this.#envFor(pod), timeoutMs: 90_000 });
      const replica = { pod, process, startedAt: Date.now() };
      this.#running.set(pod, replica);
      this.started += 1;
      return replica;
    })();
    this.#starting.add(starting);
    try {
      return await starting;
    } finally {
      this.#starting.delete(starting);
    }
  }

  /** Running replicas. */
  get replicas(): Replica[] {
    return [...this.#running.values()];
  }

  get(pod: string): Replica | undefined {
    return this.#running.get(pod);
  }

  /** SIGKILLs `pod`; it is gone from the set at once. */
  kill(pod: string): boolean {
    const replica = this.#running.get(pod);
    if (!replica) return false;
    replica.process.kill();
    this.#running.delete(pod);
    void this.#saveLogs(replica, 'SIGKILL');
    return true;
  }

  /** Starts that failed (each retried, up to {@link KEEP_ATTEMPTS} in all), for the figures. */
  readonly startFailures: { readonly pod: string; readonly atMs: number; readonly error: string }[] = [];
  #stopped = false;

  /**
   * Starts a replica and, when it does not come up (on a loaded machine a
   * start can take longer than the start timeout), starts it again, as a
   * ReplicaSet and the kubelet keep a pod: a set must not shrink for good
   * because one start was slow. Gives up after {@link KEEP_ATTEMPTS} starts
   * or when the set is stopped.
   */
  async keepOne(pod = `${this.service}-${this.#next++}`): Promise<Replica | undefined> {
    const keeping = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.startOne(pod);
        } catch (error) {
          this.startFailures.push({ pod, atMs: Date.now(), error: String(error).split('\n')[0] ?? '' });
          if (this.#stopped || attempt >= KEEP_ATTEMPTS) throw error;
          await new Promise((r) => setTimeout(r, 1_000));
          if (this.#stopped) throw error;
        }
      }
    })();
    this.#keeping.add(keeping);
    try {
      return await keeping;
    } finally {
      this.#keeping.delete(keeping);
    }
  }

  readonly #keeping = new Set<Promise<Replica | undefined>>();

  /** Waits for replicas still starting. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#starting, ...this.#keeping]);
  }

  /**
   * Every second, each replica's `/healthz`: a refused connection means the
   * process is gone (a leader that could not renew in time exits 1 by
   * design); it is started again under the same pod name.
   */
  #watchExits(): void {
    if (this.#monitor) return;
    const refused = new Map<string, number>();
    this.#monitor = setInterval(() => {
      for (const r of this.#running.values()) {
        r.process.get('/healthz').then(
          async (res) => {
            await res.arrayBuffer().catch(() => undefined);
            refused.delete(r.pod);
          },
          (error: unknown) => {
            const code = (error as { cause?: { code?: string } }).cause?.code;
            if (code !== 'ECONNREFUSED' || this.#running.get(r.pod) !== r) return;
            const n = (refused.get(r.pod) ?? 0) + 1;
            refused.set(r.pod, n);
            if (n < 2) return;
            refused.delete(r.pod);
            this.#running.delete(r.pod);
            r.process.kill();
            const last = r.process.logs.filter((l) => ['warn', 'error', 'fatal'].includes(String(l['level']))).slice(-2);
            this.exits.push({ pod: r.pod, atMs: Date.now(), lastLog: last.map((l) => `${String(l['msg'])} ${JSON.stringify(l['reason'] ?? l['err'] ?? '')}`.slice(0, 300)).join(' / ') });
            void this.#saveLogs(r, 'exited');
            void this.keepOne(r.pod).catch(() => undefined);
          },
        );
      }
    }, 1_000);
  }

  /** Kills every replica. */
  async stopAll(): Promise<void> {
    this.#stopped = true;
    if (this.#monitor) clearInterval(this.#monitor);
    this.#monitor = undefined;
    await this.settled();
    for (const r of this.#running.values()) {
      r.process.kill();
      await this.#saveLogs(r, 'end of run');
    }
    this.#running.clear();
  }
}

/** The holder of `sluice-<service>-leader` in `namespace`, or '' when none. */
export async function leaderHolder(client: KubeClient, namespace: string, service: string): Promise<string> {
  const lease = await client
    .get<KubeObject & { spec?: { holderIdentity?: string } }>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: `sluice-${service}-leader` })
    .catch(() => undefined);
  return lease?.spec?.holderIdentity ?? '';
}
