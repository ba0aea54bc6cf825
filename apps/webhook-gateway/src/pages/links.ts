import type { Delivery } from '@sluice/delivery';
import { safeBaseUrl, safeHttpUrl } from './format.js';

/** Where a run page links a trace to, when a Grafana with a Tempo data source is configured. */
export interface GrafanaOptions {
  /** Grafana's base URL, e.g. `https://grafana.example.com`. */
  readonly url: string;
  /** UID of the Tempo data source in that Grafana. */
  readonly tempoDatasource: string;
}

/**
 * Grafana Explore showing trace `traceId` from the Tempo data source
 * (`/explore?schemaVersion=1&panes=…`, a TraceQL query by id), over a time
 * range around when the Delivery was received.
 */
export function grafanaTraceUrl(grafana: GrafanaOptions, traceId: string, receivedAt: string): string | undefined {
  const base = safeBaseUrl(grafana.url);
  if (base === undefined) return undefined;
  const received = Date.parse(receivedAt);
  const range = Number.isNaN(received)
    ? { from: 'now-24h', to: 'now' }
    : { from: String(received - 15 * 60_000), to: String(received + 24 * 3_600_000) };
  const datasource = { type: 'tempo', uid: grafana.tempoDatasource };
  const panes = { trace: { datasource: grafana.tempoDatasource, queries: [{ refId: 'A', datasource, queryType: 'traceql', query: traceId }], range } };
  return `${base}/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}

/**
 * The GitLab project's web page: as the webhook gave it, else derived (older
 * Deliveries) from the merge request's URL or the clone URL, which GitLab
 * forms as `<web url>.git`. A merge request's clone URL may be a fork's, so
 * it is not used for merge requests.
 */
export function projectUrlOf(delivery: Delivery): string | undefined {
  const { spec } = delivery;
  const given = safeBaseUrl(spec.projectUrl);
  if (given !== undefined) return given;
  if (spec.mergeRequest !== undefined) {
    const match = /^(.*)\/-\/merge_requests\/\d+\/?$/.exec(spec.mergeRequest.url ?? '');
    return safeBaseUrl(match?.[1]);
  }
  return safeBaseUrl(spec.repositoryUrl.replace(/\.git$/, ''));
}

/** GitLab links of a Delivery: the commit, and the merge request when it came from one. */
export interface GitLabLinks {
  readonly project?: string;
  readonly commit?: string;
  readonly mergeRequest?: string;
}

/** `<project>/-/commit/<sha>` and `<project>/-/merge_requests/<iid>` (or the URLs the webhook gave). */
export function gitlabLinks(delivery: Delivery): GitLabLinks {
  const { spec } = delivery;
  const project = projectUrlOf(delivery);
  const commit = project === undefined ? safeHttpUrl(spec.commit?.url) : `${project}/-/commit/${spec.checkoutSha}`;
  const mr = spec.mergeRequest;
  const mergeRequest = mr === undefined ? undefined : (safeHttpUrl(mr.url) ?? (project && `${project}/-/merge_requests/${mr.iid}`));
  return { ...(project && { project }), ...(commit && { commit }), ...(mergeRequest && { mergeRequest }) };
}
