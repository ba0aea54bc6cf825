/**
 * Every metric Sluice exports, in one place: the services create their
 * instruments from these entries, and the Grafana dashboard in `deploy/`
 * queries only what is listed here (a test holds both to it).
 *
 * Names follow OpenTelemetry's conventions (dots, units in `unit`, not in the
 * name); a Prometheus-compatible backend sees them as e.g.
 * `sluice_stage_duration_seconds_bucket`. Attribute keys use semantic
 * conventions where they exist (CICD, deployment, error, HTTP).
 */

/** The attribute keys metrics and spans share. */
export const ATTR = {
  /** `cicd.pipeline.name`: the Application. */
  pipelineName: 'cicd.pipeline.name',
  /** `cicd.pipeline.run.id`: the Delivery name. */
  pipelineRunId: 'cicd.pipeline.run.id',
  /** `cicd.pipeline.result`: success | failure | cancellation (semconv values); rolled back deliveries are `failure` with `error.type` RolledBack. */
  pipelineResult: 'cicd.pipeline.result',
  /** `cicd.pipeline.task.name`: test | build | deploy:<environment>. */
  taskName: 'cicd.pipeline.task.name',
  /** `cicd.pipeline.task.run.result`: success | failure | cancellation | skip. */
  taskResult: 'cicd.pipeline.task.run.result',
  /** `error.type`: a failure reason from the closed set in `@sluice/delivery` (or a webhook rejection reason). */
  errorType: 'error.type',
  /** `deployment.environment.name`: staging | production. */
  environment: 'deployment.environment.name',
  /** `sluice.rollback.trigger`: automatic | manual. */
  rollbackTrigger: 'sluice.rollback.trigger',
  /** `sluice.queue`: which work queue (test | deploy | notify). */
  queue: 'sluice.queue',
  /** `http.response.status_code` of a GitLab API answer (absent when none came). */
  httpStatus: 'http.response.status_code',
  /** `sluice.gitlab.operation`: status | deployment | environment | note | other (a request that is none of them). */
  gitlabOperation: 'sluice.gitlab.operation',
  /** `sluice.webhook.outcome`: accepted | duplicate | ignored | rejected | error. */
  webhookOutcome: 'sluice.webhook.outcome',
} as const;

export type MetricKind = 'histogram' | 'counter' | 'updowncounter' | 'gauge';

/** One exported metric: its instrument and the attributes it is recorded with. */
export interface MetricSpec {
  readonly name: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly description: string;
  /** Attribute keys every data point may carry (a point may omit ones that do not apply, e.g. `error.type` on success). */
  readonly attributes: readonly string[];
  /** The services that record it. */
  readonly services: readonly ('webhook-gateway' | 'test-runner' | 'deployer' | 'notifier')[];
  /** Histogram bucket boundaries, given to the SDK as advice (histograms only). */
  readonly buckets?: readonly number[];
}

/** Seconds-scale bucket boundaries for delivery and stage durations (1 s … 1 h). */
export const DURATION_BUCKETS_SECONDS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600] as const;

/** Sub-second bucket boundaries for answering a webhook (5 ms … 10 s; OpenTelemetry's HTTP server advice). */
export const REQUEST_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const;

export const METRICS = {
  /**
   * A Delivery from push to its final phase. Recorded by the service whose
   * status write ends the Delivery (test-runner: Passed and test/build
   * failures; deployer: Live, deploy failures, RolledBack, Superseded in an
   * environment queue; gateway: Superseded by a newer push, Canceled by a
   * branch deletion). Exactly one write moves a Delivery into its final
   * phase, so each Delivery is counted once.
   */
  deliveryDuration: {
    name: 'sluice.delivery.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time from the push webhook to the final phase of a Delivery, by result and failure reason',
    attributes: [ATTR.pipelineName, ATTR.pipelineResult, ATTR.errorType],
    services: ['webhook-gateway', 'test-runner', 'deployer'],
    buckets: DURATION_BUCKETS_SECONDS,
  },
  /** One stage of a Delivery (test, build, deploy:<env>). Build time is `task.name=build`. */
  stageDuration: {
    name: 'sluice.stage.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of one stage of a Delivery (test, build, deploy:<environment>), by result and failure reason',
    attributes: [ATTR.pipelineName, ATTR.taskName, ATTR.taskResult, ATTR.errorType],
    services: ['test-runner', 'deployer'],
    buckets: DURATION_BUCKETS_SECONDS,
  },
  /** Lead time for changes: push webhook received → the revision serves traffic in an environment (recorded at the switch; not for rollback redeploys). */
  leadTime: {
    name: 'sluice.delivery.lead_time',
    kind: 'histogram',
    unit: 's',
    description: 'Time from the push webhook to the revision serving traffic, per environment',
    attributes: [ATTR.pipelineName, ATTR.environment],
    services: ['deployer'],
    buckets: DURATION_BUCKETS_SECONDS,
  },
  /** Rollbacks performed (traffic switched back): automatic ones with `error.type` PostPromotionUnhealthy; manual ones without. */
  rollbacks: {
    name: 'sluice.rollbacks',
    kind: 'counter',
    unit: '{rollback}',
    description: 'Rollbacks performed, by environment, trigger and reason',
    attributes: [ATTR.pipelineName, ATTR.environment, ATTR.rollbackTrigger, ATTR.errorType],
    services: ['deployer'],
  },
  /** Webhook requests refused before any Delivery was considered. */
  webhookRejections: {
    name: 'sluice.webhook.rejections',
    kind: 'counter',
    unit: '{request}',
    description: 'Webhook requests refused, by reason',
    attributes: [ATTR.errorType],
    services: ['webhook-gateway'],
  },
  /** Every answered webhook request. */
  webhookRequests: {
    name: 'sluice.webhook.requests',
    kind: 'counter',
    unit: '{request}',
    description: 'Webhook requests, by outcome',
    attributes: [ATTR.webhookOutcome],
    services: ['webhook-gateway'],
  },
  /** Time to answer a webhook. */
  webhookDuration: {
    name: 'sluice.webhook.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time to answer a webhook, by outcome',
    attributes: [ATTR.webhookOutcome],
    services: ['webhook-gateway'],
    buckets: REQUEST_BUCKETS_SECONDS,
  },
  /** Work waiting in a service's queue (test-runner: Deliveries waiting for a Job slot; deployer: Deliveries waiting for their environment; notifier: GitLab posts not yet made). */
  queueDepth: {
    name: 'sluice.queue.depth',
    kind: 'updowncounter',
    unit: '{item}',
    description: 'Items waiting in a work queue, by queue',
    attributes: [ATTR.queue],
    services: ['test-runner', 'deployer', 'notifier'],
  },
  /** GitLab API requests that failed (an error answer or no answer), one per HTTP request. */
  gitlabErrors: {
    name: 'sluice.gitlab.errors',
    kind: 'counter',
    unit: '{request}',
    description: 'GitLab API calls that failed, by operation, HTTP status and error type',
    attributes: [ATTR.gitlabOperation, ATTR.httpStatus, ATTR.errorType],
    services: ['notifier'],
  },
  /** Deliveries the notifier deleted under their Application's retention policy (`spec.history.keepFinished`). */
  deliveriesDeleted: {
    name: 'sluice.deliveries.deleted',
    kind: 'counter',
    unit: '{delivery}',
    description: 'Finished Deliveries deleted by the retention policy, by Application',
    attributes: [ATTR.pipelineName],
    services: ['notifier'],
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;
