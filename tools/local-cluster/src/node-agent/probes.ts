/**
 * Readiness, liveness and startup probes, run for real: `httpGet` against
 * the pod's address, `tcpSocket`, and `exec` inside the container's view.
 * {@link ProbeTracker} is the pure threshold logic; {@link startProber}
 * schedules one probe of one container instance.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { KUBELET_VERSION } from './node-registration.js';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface ProbeOutcome {
  readonly ok: boolean;
  /** Why it failed, phrased like the kubelet's event messages. */
  readonly output?: string;
}

/**
 * Consecutive-result thresholds: the value flips to failing after
 * `failureThreshold` failures in a row and to passing after
 * `successThreshold` successes in a row.
 */
export class ProbeTracker {
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly successThreshold: number,
    private readonly failureThreshold: number,
    public value: boolean,
  ) {}

  /** Records a result; returns true when the value flipped. */
  record(ok: boolean): boolean {
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (!this.value && this.successes >= this.successThreshold) {
        this.value = true;
        return true;
      }
    } else {
      this.failures++;
      this.successes = 0;
      if (this.value && this.failures >= this.failureThreshold) {
        this.value = false;
        return true;
      }
    }
    return false;
  }
}

/** Probe timing with the API's defaults. */
export function probeTiming(probe: V1Probe): {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
} {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, probe.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, probe.timeoutSeconds ?? 1) * 1000,
    successThreshold: Math.max(1, probe.successThreshold ?? 1),
    failureThreshold: Math.max(1, probe.failureThreshold ?? 3),
  };
}

/** Resolves a numeric or named container port. */
export function resolvePort(port: number | string | undefined, container: V1Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export interface ProbeTarget {
  readonly podIP: string;
  readonly container: V1Container;
  /** Runs a command in the container's view; exit code 0 is success. */
  readonly exec: (command: string[], timeoutMs: number) => Promise<ProbeOutcome>;
}

function httpProbe(probe: NonNullable<V1Probe['httpGet']>, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const port = resolvePort(probe.port as number | string, target.container);
  const scheme = (probe.scheme ?? 'HTTP').toLowerCase();
  const host = probe.host || target.podIP;
  const path = probe.path ? (probe.path.startsWith('/') ? probe.path : `/${probe.path}`) : '/';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  if (port === undefined) return Promise.resolve({ ok: false, output: `port ${String(probe.port)} not found` });
  const headers: Record<string, string> = { 'User-Agent': `kube-probe/${KUBELET_VERSION.slice(1).split('.').slice(0, 2).join('.')}`, Accept: '*/*' };
  for (const h of probe.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const lib = scheme === 'https' ? https : http;
    const req = lib.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      res.on('error', () => undefined);
      resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const detail = err.code === 'ECONNREFUSED' ? `dial tcp ${host}:${port}: connect: connection refused` : err.message;
      resolve({ ok: false, output: `Get "${url}": ${detail}` });
    });
  });
}

function tcpProbe(probe: NonNullable<V1Probe['tcpSocket']>, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const port = resolvePort(probe.port as number | string, target.container);
  const host = probe.host || target.podIP;
  if (port === undefined) return Promise.resolve({ ok: false, output: `port ${String(probe.port)} not found` });
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }));
    socket.on('connect', () => done({ ok: true }));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, output: err.code === 'ECONNREFUSED' ? `dial tcp ${host}:${port}: connect: connection refused` : err.message }),
    );
  });
}

/** Runs one probe attempt. */
export function runProbe(probe: V1Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  const { timeoutMs } = probeTiming(probe);
  if (probe.httpGet) return httpProbe(probe.httpGet, target, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket, target, timeoutMs);
  if (probe.exec?.command?.length) return target.exec(probe.exec.command, timeoutMs);
  if (probe.grpc) return Promise.resolve({ ok: false, output: 'grpc probes are not supported by the sluice node agent' });
  return Promise.resolve({ ok: false, output: 'probe has no handler' });
}

export interface ProberOptions {
  readonly probe: V1Probe;
  readonly kind: ProbeKind;
  readonly target: ProbeTarget;
  /** Called when the tracked value flips (and for readiness/startup, on the first pass). */
  readonly onChange: (value: boolean, output: string | undefined) => void;
  /** Called with every failed attempt (for events). */
  readonly onFailure?: (output: string | undefined) => void;
}

/** Probes until the returned stop function is called. */
export function startProber(options: ProberOptions): () => void {
  const timing = probeTiming(options.probe);
  // Liveness starts out passing; readiness and startup start out failing.
  const tracker = new ProbeTracker(timing.successThreshold, timing.failureThreshold, options.kind === 'liveness');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (stopped) return;
    const outcome = await runProbe(options.probe, options.target).catch((err: unknown) => ({ ok: false, output: String(err) }));
    if (stopped) return;
    if (!outcome.ok) options.onFailure?.(outcome.output);
    if (tracker.record(outcome.ok)) options.onChange(tracker.value, outcome.output);
    timer = setTimeout(() => void tick(), timing.periodMs);
  };
  timer = setTimeout(() => void tick(), timing.initialDelayMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
