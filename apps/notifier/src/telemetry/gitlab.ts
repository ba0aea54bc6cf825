/**
 * The notifier's telemetry: one CLIENT span per GitLab API request, under
 * the trace of the Delivery it reports (`gitlab.status`,
 * `gitlab.deployment`, `gitlab.environment`, `gitlab.note`; `gitlab.other`
 * for a request `@sluice/gitlab` does not name), the failed ones
 * counted in `sluice.gitlab.errors`, and the posts not yet made in
 * `sluice.queue.depth{sluice.queue=notify}`; Deliveries deleted by the
 * retention policy in `sluice.deliveries.deleted`.
 *
 * The spans come from the fetch dispatcher the GitLab client is built with,
 * so they carry what really happened on the wire (method, status code, each
 * request of a multi-request call) and the client stays untouched.
 */
import type { Delivery } from '@sluice/delivery';
import { describeGitlabRequest, globalFetchDispatcher, type FetchDispatcher } from '@sluice/gitlab';
import { ATTR, createParentScope, deliveryContext, instruments, traceDispatcher, type HttpRequestFacts, type Instruments, type Telemetry } from '@sluice/telemetry';

/** The span name and attributes of a GitLab request: every request is one, named by its operation (`other` when unknown). */
function gitlabSpan(request: Pick<HttpRequestFacts, 'method' | 'path'>): { name: string; attributes: Record<string, string> } {
  const { operation, urlTemplate } = describeGitlabRequest(request.method, request.path);
  return {
    name: `gitlab.${operation}`,
    attributes: { ...(urlTemplate !== undefined && { 'url.template': urlTemplate }), [ATTR.gitlabOperation]: operation },
  };
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
    return traceDispatcher(inner ?? globalFetchDispatcher, {
      tracer: this.telemetry.tracer,
      describe: gitlabSpan,
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

  /** `count` Deliveries of `application` deleted by its retention policy (`sluice.deliveries.deleted`). */
  readonly deleted = (application: string, count: number): void => this.metrics.deliveriesDeleted.add(count, { [ATTR.pipelineName]: application });

  /** `key` (a Delivery) still has `count` posts to make; the depth is the sum over Deliveries. */
  unsent(key: string, count: number): void {
    if (count > 0) this.unsentByDelivery.set(key, count);
    else this.unsentByDelivery.delete(key);
    this.metrics.queueDepth.set('notify', [...this.unsentByDelivery.values()].reduce((a, b) => a + b, 0));
  }
}
