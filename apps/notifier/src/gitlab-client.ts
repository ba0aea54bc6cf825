import { readFile } from 'node:fs/promises';
import { GitlabClient, dispatcherTrusting, type FetchDispatcher } from '@sluice/gitlab';

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

/**
 * Builds the GitLab client; with `caFile`, a fetch dispatcher that trusts
 * that CA (on top of nothing else: a private GitLab is reached with its CA).
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
