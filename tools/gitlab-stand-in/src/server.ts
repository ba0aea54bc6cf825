import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createGitlabStandInApp, type StandInInspector } from './app.js';
import type { StandInOptions } from './options.js';

/** A running stand-in. */
export interface GitlabStandIn extends StandInInspector {
  /** Base URL to give a GitLab client as `host`, e.g. `http://127.0.0.1:40123` (the API is under `/api/v4`). */
  readonly url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for the parts of GitLab's REST API Sluice uses:
 * commit statuses (with GitLab's state machine and 400 messages), deployments,
 * environments (with their tier), merge request notes and commit comments, behind `PRIVATE-TOKEN` auth, with
 * fault injection and a record of every request.
 *
 * @example
 * const gitlab = await startGitlabStandIn({ token: 't', projects: [{ id: 7, path: 'team/app' }] });
 * gitlab.inject({ status: 429, retryAfter: 3 });
 * // … exercise the code under test against gitlab.url …
 * await gitlab.close();
 */
export async function startGitlabStandIn(options: StandInOptions): Promise<GitlabStandIn> {
  const { app, inspector } = createGitlabStandInApp(options);
  const hostname = options.hostname ?? '127.0.0.1';
  const tls = options.tls;
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 0,
        hostname,
        ...(tls ? { createServer: createHttpsServer, serverOptions: { key: tls.key, cert: tls.cert } } : {}),
      },
      (info) => resolve({ server, address: info }),
    );
    server.once('error', reject);
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    ...inspector,
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
