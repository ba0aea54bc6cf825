/**
 * The kubelet's HTTPS endpoint, as far as the apiserver needs it:
 * `GET /containerLogs/{namespace}/{pod}/{container}` (tailLines, limitBytes,
 * follow, previous, timestamps, sinceSeconds, sinceTime) — what
 * `pods/{name}/log` proxies to — and `/healthz`. Served with the node's
 * serving certificate on the node's InternalIP.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { readRecords, renderLog, renderRecord, selectRecords, type LogQuery, type LogRecord } from './container-log.js';
import type { PodWorker } from './pod-worker.js';

export interface LogServerOptions {
  readonly host: string;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly find: (namespace: string, name: string) => PodWorker | undefined;
  /** False until the node is registered; `/healthz` answers 503 meanwhile. */
  readonly healthy: () => boolean;
  readonly logger: Logger;
}

export interface LogServer {
  readonly port: number;
  close(): Promise<void>;
}

function flag(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function int(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** Parses the kubelet's log query parameters. */
export function parseLogQuery(params: URLSearchParams, nowMs = Date.now()): LogQuery & { follow: boolean; previous: boolean } {
  const sinceSeconds = int(params.get('sinceSeconds'));
  const sinceTime = params.get('sinceTime');
  const sinceMs = sinceSeconds !== undefined ? nowMs - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  return {
    tailLines: int(params.get('tailLines')),
    limitBytes: int(params.get('limitBytes')),
    timestamps: flag(params.get('timestamps')),
    sinceMs: Number.isNaN(sinceMs) ? undefined : sinceMs,
    follow: flag(params.get('follow')),
    previous: flag(params.get('previous')),
  };
}

export function startLogServer(options: LogServerOptions): Promise<LogServer> {
  const { logger } = options;
  const server = https.createServer({ cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://node');
    const fail = (code: number, message: string) => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(message);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    if (url.pathname === '/healthz') return options.healthy() ? fail(200, 'ok') : fail(503, 'node not registered yet');
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (!m) return fail(404, `404 page not found`);
    const [ns, podName, container] = m.slice(1).map(decodeURIComponent) as [string, string, string];
    const worker = options.find(ns, podName);
    if (!worker) return fail(404, `pod "${podName}" not found in namespace "${ns}"`);
    const query = parseLogQuery(url.searchParams);
    const target = worker.logTarget(container, query.previous);
    if (!target) return fail(404, `container "${container}" not found in pod "${podName}"`);
    if ('error' in target) return fail(400, target.error);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    if (!query.follow || !target.live) return res.end(renderLog(readRecords(target.path), query));

    // Follow: subscribe, then read what is already there — in the same tick, so nothing is missed or doubled.
    const live = target.live;
    let sent = 0;
    const limit = query.limitBytes;
    const send = (chunk: Buffer): boolean => {
      const room = limit === undefined || limit < 0 ? chunk.length : Math.max(0, limit - sent);
      if (room > 0) res.write(chunk.subarray(0, room));
      sent += Math.min(room, chunk.length);
      return limit === undefined || limit < 0 || sent < limit;
    };
    const onRecord = (r: LogRecord) => {
      if (!send(Buffer.from(renderRecord(r, query.timestamps)))) finish();
    };
    const finish = () => {
      live.off('record', onRecord);
      live.off('end', finish);
      res.end();
    };
    live.on('record', onRecord);
    live.once('end', finish);
    res.on('close', () => {
      live.off('record', onRecord);
      live.off('end', finish);
    });
    const initial = selectRecords(readRecords(target.path), query)
      .map((r) => renderRecord(r, query.timestamps))
      .join('');
    if (!send(Buffer.from(initial))) finish();
  });
  server.on('clientError', (err) => logger.debug({ err }, 'log server client error'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
