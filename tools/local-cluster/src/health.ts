import https from 'node:https';
import http from 'node:http';

/** TLS material for health checks against the cluster's own endpoints. */
export interface HealthTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Components that serve a self-generated certificate (the controller-manager). */
  readonly insecure?: boolean;
}

/** One GET: resolves true on 200, false on any other answer or error. */
export function probe(url: string, tls: HealthTls = {}, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const options = url.startsWith('https:')
      ? { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure, timeout: timeoutMs }
      : { timeout: timeoutMs };
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, options, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Polls `url` until it answers 200. Start-up is the one place we poll: a
 * process that is still binding its port has nothing to watch yet.
 * Rejects early when `failed()` reports the process is gone.
 */
export async function waitHealthy(
  url: string,
  tls: HealthTls,
  { timeoutMs, failed }: { timeoutMs: number; failed: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const reason = failed();
    if (reason) throw new Error(reason);
    if (await probe(url, tls)) return;
    if (Date.now() > deadline) throw new Error(`${url} not healthy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
