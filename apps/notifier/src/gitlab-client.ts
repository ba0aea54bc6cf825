import { readFile } from 'node:fs/promises';
import { GitlabClient, type FetchDispatcher } from '@sluice/gitlab';

/** Options of {@link createGitlabClient}. */
export interface GitlabConnection {
  readonly url: string;
  /** The token file's contents; never logged. */
  readonly token: string;
  readonly timeoutMs: number;
  /** PEM file of a private CA to trust for this GitLab only. */
  readonly caFile?: string;
  /** Wraps the fetch dispatcher (default: Node's global one), e.g. to trace every request. */
  readonly wrapDispatcher?: (inner: FetchDispatcher | undefined) => FetchDispatcher;
}

// Where Node's bundled undici keeps the global dispatcher (an undici Agent).
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * Builds the GitLab client; with `caFile`, a fetch dispatcher that trusts
 * that CA (on top of nothing else: a private GitLab is reached with its CA).
 *
 * Node 20 does not export undici's `Agent`, and `undici` is not a
 * dependency, so the Agent class is taken from Node's own global
 * dispatcher, which exists once fetch has run. The alternative without code
 * is `NODE_EXTRA_CA_CERTS=<file>` in the environment.
 */
export async function createGitlabClient(connection: GitlabConnection): Promise<GitlabClient> {
  const trusting = connection.caFile === undefined ? undefined : await dispatcherTrusting(await readFile(connection.caFile, 'utf8'));
  const dispatcher = connection.wrapDispatcher ? connection.wrapDispatcher(trusting) : trusting;
  return new GitlabClient({
    host: connection.url,
    token: connection.token,
    timeoutMs: connection.timeoutMs,
    ...(dispatcher !== undefined ? { dispatcher } : {}),
  });
}

async function dispatcherTrusting(ca: string): Promise<FetchDispatcher> {
  // Any fetch makes Node create its global dispatcher; a refused loopback connection is enough.
  await fetch('http://127.0.0.1:9/').catch(() => undefined);
  const global = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as { constructor: new (options: object) => FetchDispatcher } | undefined;
  if (!global) throw new Error('cannot build a fetch dispatcher for SLUICE_GITLAB_CA_FILE on this Node version; set NODE_EXTRA_CA_CERTS instead');
  return new global.constructor({ connect: { ca } });
}
