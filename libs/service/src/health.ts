import { Hono } from 'hono';
import { Readiness } from './readiness.js';

/** Options for {@link healthRoutes}. */
export interface HealthOptions {
  /** Checks behind `/readyz`. Default: an empty set (ready until draining). */
  readonly readiness?: Readiness;
  /**
   * Per-check time limit. Keep it below the probe's `timeoutSeconds` (1 s by
   * default in Kubernetes), so a slow check reads as failed, not as a dead pod.
   * Default 800 ms.
   */
  readonly checkTimeoutMs?: number;
}

const DEFAULTS = { checkTimeoutMs: 800 } as const;

/**
 * Kubernetes probe endpoints:
 * - `GET /healthz` (liveness): 200 `{"status":"ok"}` while the process can answer;
 *   it runs no checks, so a broken dependency never gets the pod restarted.
 * - `GET /readyz` (readiness): 200 `{"status":"ready"}` when every check passes, otherwise
 *   503 `{"status":"not_ready","failed":[...]}` naming them (`shutdown` while draining).
 *
 * Mount with `app.route('/', healthRoutes({ readiness }))`.
 */
export function healthRoutes(options: HealthOptions = {}): Hono {
  const readiness = options.readiness ?? new Readiness();
  const checkTimeoutMs = options.checkTimeoutMs ?? DEFAULTS.checkTimeoutMs;
  const app = new Hono();
  app.get('/healthz', (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ status: 'ok' });
  });
  app.get('/readyz', async (c) => {
    c.header('cache-control', 'no-store');
    const report = await readiness.evaluate(checkTimeoutMs);
    if (report.ready) return c.json({ status: 'ready', checks: report.checks });
    return c.json({ status: 'not_ready', failed: report.failed, checks: report.checks }, 503);
  });
  return app;
}
