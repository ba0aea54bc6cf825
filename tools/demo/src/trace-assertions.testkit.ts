/**
 * What a delivery's trace should look like, and readers that turn the spans
 * the trace receiver holds into plain values a test can compare: the tree as
 * `service name ← parent` lines, the failed spans, the spans of one name.
 */
import type { DeliveryOutcome } from './result.js';
import type { ReceivedSpan } from './stack/trace.js';

/** The gateway's SERVER span: the root of every delivery's trace. */
export const ROOT_SPAN = 'POST /webhooks/gitlab';

/** One line per distinct span: `<service> <name> ← <parent span's name>` (`(root)` without a parent, `(missing)` when the parent is not in the trace). */
export type SpanLine = string;

const line = (service: string, name: string, parent: string): SpanLine => `${service} ${name} ← ${parent}`;

/** The gateway's part: the webhook, its verification, the Delivery's creation. */
const WEBHOOK: readonly SpanLine[] = [
  line('webhook-gateway', ROOT_SPAN, '(root)'),
  line('webhook-gateway', 'webhook.verify', ROOT_SPAN),
  line('webhook-gateway', 'delivery.create', ROOT_SPAN),
];

/** The queue and the test Job, each step a child of `test`. */
const TEST: readonly SpanLine[] = [
  line('test-runner', 'queue.wait', ROOT_SPAN),
  line('test-runner', 'test', ROOT_SPAN),
  line('test-runner', 'clone', 'test'),
  line('test-runner', 'install', 'test'),
  line('test-runner', 'test.run', 'test'),
];

const BUILD: readonly SpanLine[] = [line('test-runner', 'build', ROOT_SPAN), line('test-runner', 'clone', 'build'), line('test-runner', 'build.run', 'build')];

/** One environment's blue-green rollout up to the end of its bake. */
const DEPLOY: readonly SpanLine[] = [
  line('deployer', 'deploy production', ROOT_SPAN),
  line('deployer', 'rollout.wait', 'deploy production'),
  line('deployer', 'switch', 'deploy production'),
  line('deployer', 'bake', 'deploy production'),
];

/** The notifier's GitLab calls for a delivery that reached an environment: statuses, the environment, the deployment. */
const GITLAB_DEPLOYED: readonly SpanLine[] = [
  line('notifier', 'gitlab.status', ROOT_SPAN),
  line('notifier', 'gitlab.environment', ROOT_SPAN),
  line('notifier', 'gitlab.deployment', ROOT_SPAN),
];

/** The span tree of each way a delivery of the sample app ends (production only, as the demo configures it). */
export const EXPECTED_TREE: Readonly<Record<'live' | 'tests-fail' | 'rolled-back', readonly SpanLine[]>> = {
  live: [...WEBHOOK, ...TEST, ...BUILD, ...DEPLOY, ...GITLAB_DEPLOYED],
  // Never built nor deployed: the notifier only posts statuses (failed, then canceled for build and deploy).
  'tests-fail': [...WEBHOOK, ...TEST, line('notifier', 'gitlab.status', ROOT_SPAN)],
  'rolled-back': [
    ...WEBHOOK,
    ...TEST,
    ...BUILD,
    ...DEPLOY,
    line('deployer', 'rollback', 'deploy production'),
    ...GITLAB_DEPLOYED,
    line('notifier', 'gitlab.note', ROOT_SPAN),
  ],
};

/** The trace as distinct `service name ← parent` lines, sorted. */
export function treeOf(spans: readonly ReceivedSpan[]): SpanLine[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const lines = spans.map((s) => line(s.serviceName, s.name, s.parentSpanId ? (byId.get(s.parentSpanId)?.name ?? '(missing)') : '(root)'));
  return [...new Set(lines)].sort();
}

/** True once every expected line is in the trace (the services export in batches: wait for this before asserting). */
export function hasTree(spans: readonly ReceivedSpan[], expected: readonly SpanLine[]): boolean {
  const tree = new Set(treeOf(spans));
  return expected.every((l) => tree.has(l));
}

/** `expected` as {@link treeOf} lists it. */
export function sortedTree(expected: readonly SpanLine[]): SpanLine[] {
  return [...new Set(expected)].sort();
}

/** The spans with status ERROR, as `name: error.type`, sorted. */
export function failedSpans(spans: readonly ReceivedSpan[]): string[] {
  return spans
    .filter((s) => s.statusCode === 'ERROR')
    .map((s) => `${s.name}: ${String(s.attributes['error.type'] ?? '(no error.type)')}`)
    .sort();
}

/** Every span named `name` (throws when there is none, so a test says which span was missing). */
export function spansNamed(spans: readonly ReceivedSpan[], name: string): ReceivedSpan[] {
  const found = spans.filter((s) => s.name === name);
  if (found.length === 0) throw new Error(`the trace has no "${name}" span (it has: ${[...new Set(spans.map((s) => s.name))].join(', ')})`);
  return found;
}

/** The one span named `name`. */
export function spanNamed(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const found = spansNamed(spans, name);
  if (found.length > 1) throw new Error(`the trace has ${found.length} "${name}" spans, expected one`);
  return found[0] as ReceivedSpan;
}

/**
 * The semantic-convention attributes every stage span of `delivery` carries
 * (CICD: the Application and the Delivery; VCS: the repository, branch and
 * commit), as `expect.objectContaining` wants them.
 */
export function deliveryAttributesOf(delivery: DeliveryOutcome, application: string): Record<string, unknown> {
  return {
    'cicd.pipeline.name': application,
    'cicd.pipeline.run.id': delivery.name,
    'vcs.ref.head.name': 'main',
    'vcs.ref.head.revision': delivery.sha,
  };
}

/** The distinct trace ids among `spans`. */
export function traceIdsOf(spans: readonly ReceivedSpan[]): string[] {
  return [...new Set(spans.map((s) => s.traceId))];
}

/** The `cicd.pipeline.run.id` values (Delivery names) the spans of a trace name. */
export function runIdsOf(spans: readonly ReceivedSpan[]): string[] {
  return [...new Set(spans.flatMap((s) => (typeof s.attributes['cicd.pipeline.run.id'] === 'string' ? [s.attributes['cicd.pipeline.run.id']] : [])))].sort();
}
