/**
 * The notifier's telemetry: one CLIENT span per GitLab API request, under
 * the trace of the Delivery it reports (`gitlab.status`,
 * `gitlab.deployment`, `gitlab.environment`, `gitlab.note`), the failed ones
 * counted in `sluice.gitlab.errors`, and the posts not yet made in
 * `sluice.queue.depth{sluice.queue=notify}`.
 *
 * The spans come from the fetch dispatcher the GitLab client is built with,
 * so they carry what really happened on the wire (method, status code, each
 * request of a multi-request call) and the client stays untouched.
 */
import type { Delivery } from '@sluice/delivery';
import {
  ATTR,
  createParentScope,
  deliveryContext,
  instruments,
  traceDispatcher,
  type FetchDispatcher,
  type HttpRequestFacts,
  type Instruments,
  type Telemetry,
} from '@sluice/telemetry';

/** What the notifier calls GitLab for (`sluice.gitlab.operation`). */
export type GitlabOperation = 'status' | 'deployment' | 'environment' | 'note';

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly template: string;
  readonly operation: GitlabOperation;
}

const SEGMENT = '[^/]+';
const route = (method: string, template: string, operation: GitlabOperation): Route => ({
  method,
  template,
  operation,
  // `{param}` matches one path segment; the API may sit under a path prefix (a relative-URL GitLab).
  pattern: new RegExp(`${template.replace(/\{[a-z_]+\}/g, SEGMENT)}$`),
});

/** Every GitLab endpoint the client calls, with its `url.template`. */
export const GITLAB_ROUTES: readonly Route[] = [
  route('POST', '/api/v4/projects/{id}/statuses/{sha}', 'status'),
  route('GET', '/api/v4/projects/{id}/repository/commits/{sha}/statuses', 'status'),
  route('POST', '/api/v4/projects/{id}/deployments', 'deployment'),
  route('PUT', '/api/v4/projects/{id}/deployments/{deployment_id}', 'deployment'),
  route('GET', '/api/v4/projects/{id}/environments', 'environment'),
  route('POST', '/api/v4/projects/{id}/environments', 'environment'),
  route('PUT', '/api/v4/projects/{id}/environments/{environment_id}', 'environment'),
  route('POST', '/api/v4/projects/{id}/merge_requests/{merge_request_iid}/notes', 'note'),
  route('POST', '/api/v4/projects/{id}/repository/commits/{sha}/comments', 'note'),
];

/** The span name and attributes of a GitLab request; `undefined` for a request that is not one of {@link GITLAB_ROUTES}. */
export function describeGitlabRequest(request: Pick<HttpRequestFacts, 'method' | 'path'>): { name: string; attributes: Record<string, string> } | undefined {
  const found = GITLAB_ROUTES.find((r) => r.method === request.method && r.pattern.test(request.path));
  if (!found) return undefined;
  return { name: `gitlab.${found.operation}`, attributes: { 'url.template': found.template, [ATTR.gitlabOperation]: found.operation } };
}

/** Wires the notifier's spans and metrics; one per process. */
export class NotifierTelemetry {
  private readonly metrics: Instruments;
  private readonly scope = createParentScope();
  private readonly unsentByDelivery = new Map<string, number>();

  constructor(private readonly telemetry: Pick<Telemetry, 'tracer' | 'meter'>) {
    this.metrics = instruments(telemetry.meter);
  }

  /** A fetch dispatcher (around `inner`, default Node's global one) that traces GitLab requests: give it to the GitLab client. */
  dispatcher(inner?: FetchDispatcher): FetchDispatcher {
    return traceDispatcher(inner, {
      tracer: this.telemetry.tracer,
      describe: describeGitlabRequest,
      parent: this.scope.current,
      onEnd: (result) => {
        if (result.errorType === undefined) return;
        this.metrics.gitlabErrors.add(1, {
          [ATTR.gitlabOperation]: String(result.attributes[ATTR.gitlabOperation]),
          [ATTR.errorType]: result.errorType,
          ...(result.statusCode !== undefined && { [ATTR.httpStatus]: result.statusCode }),
        });
      },
    });
  }

  /** Runs `fn` so that the GitLab requests it makes are spans in `delivery`'s trace. */
  forDelivery<T>(delivery: Delivery, fn: () => T): T {
    return this.scope.run(deliveryContext(delivery), fn);
  }

  /** `key` (a Delivery) still has `count` posts to make; the depth is the sum over Deliveries. */
  unsent(key: string, count: number): void {
    if (count > 0) this.unsentByDelivery.set(key, count);
    else this.unsentByDelivery.delete(key);
    this.metrics.queueDepth.set('notify', [...this.unsentByDelivery.values()].reduce((a, b) => a + b, 0));
  }
}
