/**
 * A steady client of the sample app, as its users would reach it: through
 * its Service's ClusterIP (kube-proxy picks a pod of the color the selector
 * names), one new connection per request, at a fixed rate. It records which
 * version answered each request, so every switch and rollback shows as a
 * change in that sequence, and any request that failed shows as such.
 */
import { request } from 'node:http';

/** One request's outcome. */
export interface TrafficSample {
  /** When it was sent (ms since the epoch). */
  readonly at: number;
  /** The version the app named (`v2` from `sample-app v2`), or why there was no answer. */
  readonly version?: string;
  readonly error?: string;
}

/** What the client saw. */
export interface TrafficReport {
  readonly rate: number;
  readonly sent: number;
  readonly failed: number;
  /** The versions that answered, in order, each run of equal answers collapsed: e.g. `['v1', 'v2', 'v4', 'v2']`. */
  readonly sequence: readonly string[];
  /** The first few failures, for a report. */
  readonly failures: readonly TrafficSample[];
  readonly samples: readonly TrafficSample[];
}

/** A running client. */
export interface TrafficClient {
  /** Stops sending, waits for the requests in flight and reports. */
  stop(): Promise<TrafficReport>;
  /** What it saw so far. */
  report(): TrafficReport;
  /**
   * Resolves once the last second's answers all name `version` (traffic has
   * settled there, e.g. after a rollback), or after `timeoutMs` anyway.
   */
  settled(version: string, timeoutMs?: number): Promise<boolean>;
}

/** Requests per second the demo's client sends. */
export const TRAFFIC_RATE = 20;

/** Collapses runs of equal answers: the order in which versions took the traffic. */
export function versionSequence(samples: readonly TrafficSample[]): string[] {
  const out: string[] = [];
  for (const s of [...samples].sort((a, b) => a.at - b.at)) if (s.version !== undefined && out.at(-1) !== s.version) out.push(s.version);
  return out;
}

function summarize(rate: number, samples: readonly TrafficSample[]): TrafficReport {
  const failures = samples.filter((s) => s.error !== undefined);
  return { rate, sent: samples.length, failed: failures.length, sequence: versionSequence(samples), failures: failures.slice(0, 10), samples };
}

/** `GET url` on a new connection; the body's `sample-app <version>` names the version. */
function ask(url: string, timeoutMs: number): Promise<Omit<TrafficSample, 'at'>> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const version = /^sample-app (v\d+)/.exec(body)?.[1];
        resolve(res.statusCode === 200 && version ? { version } : { error: `HTTP ${res.statusCode}: ${body.slice(0, 80).trim()}` });
      });
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end();
  });
}

/** Sends `GET url` `rate` times a second until stopped, each on its own connection. */
export function startTraffic(url: string, rate = TRAFFIC_RATE, timeoutMs = 2_000): TrafficClient {
  const samples: TrafficSample[] = [];
  const inFlight = new Set<Promise<void>>();
  const send = () => {
    const at = Date.now();
    const p = ask(url, timeoutMs).then((outcome) => void samples.push({ at, ...outcome }));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const timer = setInterval(send, 1000 / rate);
  // The last second's worth of answers, in the order they came back.
  const lastSecondIs = (version: string) => samples.length >= rate && samples.slice(-rate).every((s) => s.version === version);
  return {
    report: () => summarize(rate, samples),
    async settled(version, waitMs = 10_000) {
      const deadline = Date.now() + waitMs;
      while (!lastSecondIs(version) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return lastSecondIs(version);
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return summarize(rate, samples);
    },
  };
}
