import { isDnsLabel, RUN_PAGES_PATH } from '@sluice/delivery';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { NotFoundPage } from './layout.js';
import type { GrafanaOptions } from './links.js';
import { listPageModel, parseListQuery } from './list-model.js';
import { ListPage } from './list-page.js';
import { listHref, runPageModel, type PageContext } from './model.js';
import { RunPage } from './run-page.js';
import type { RunPageSource } from './store.js';
import { STYLESHEET_HASH } from './styles.js';

/** Options of {@link runPageRoutes}. */
export interface RunPageRoutesOptions {
  /** The Deliveries to show (the gateway's informer cache). */
  readonly source: RunPageSource;
  /** Base URL people open the pages at; its path prefixes every link. */
  readonly publicUrl: string;
  /** Links each trace to Grafana Explore when set. */
  readonly grafana?: GrafanaOptions | undefined;
  /** The clock, for durations of what is still running. Default: `new Date()`. */
  readonly now?: () => Date;
}

/**
 * Nothing may load or run: no scripts, frames, images or fonts; only the
 * one inline stylesheet (by hash) and forms back to this origin.
 */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${STYLESHEET_HASH}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // A page of a running delivery changes every few seconds; no cache may keep it.
  'Cache-Control': 'no-store',
};

function render(c: Context, status: 200 | 404, page: JSX.Element): Response | Promise<Response> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  return c.html(html`<!DOCTYPE html>${page}`, status);
}

/** The path prefix of the run pages: the public URL's path without trailing slashes. */
export function basePathOf(publicUrl: string): string {
  try {
    return new URL(publicUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/**
 * The run pages: `GET /deliveries` (filter with `?application=&branch=`,
 * newest first, 50 a page) and `GET /deliveries/:name`, rendered on the
 * server from the gateway's cache, and `GET /` redirecting to the list.
 * Read-only: GET and HEAD; other methods get 405. Every page carries a
 * strict Content-Security-Policy and reloads itself while what it shows
 * is still running.
 */
export function runPageRoutes(options: RunPageRoutesOptions): Hono {
  const app = new Hono();
  const basePath = basePathOf(options.publicUrl);
  const now = options.now ?? (() => new Date());
  const context = (): PageContext => ({ now: now(), basePath, ...(options.grafana && { grafana: options.grafana }) });

  app.get('/', (c) => c.redirect(listHref(basePath), 302));

  app.get(RUN_PAGES_PATH, (c) => {
    const query = parseListQuery({ application: c.req.query('application'), branch: c.req.query('branch'), page: c.req.query('page') });
    return render(c, 200, ListPage({ model: listPageModel(options.source.all(), query, context()) }));
  });

  app.get(`${RUN_PAGES_PATH}/:name`, (c) => {
    const name = c.req.param('name');
    const delivery = isDnsLabel(name) ? options.source.get(name) : undefined;
    if (delivery === undefined) return render(c, 404, NotFoundPage({ name: isDnsLabel(name) ? name : undefined, listHref: listHref(basePath) }));
    return render(c, 200, RunPage({ model: runPageModel(delivery, context()) }));
  });

  app.on(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], [RUN_PAGES_PATH, `${RUN_PAGES_PATH}/:name`], (c) => {
    c.header('Allow', 'GET, HEAD');
    return c.text('run pages are read-only\n', 405);
  });
  return app;
}
