/**
 * `@sluice/demo`: the one-command demo (`bash tools/demo.sh`) as a function,
 * so a test can run the whole story and assert on what happened.
 */
export { runDemo, type DemoOptions } from './scenario.js';
export type { DemoResult, DeliveryOutcome } from './result.js';
export { checkExpectations, expectedOutcome, expectedStatuses, type DeliveryFacts, type LiveState, type Observed } from './expectations.js';
export { VERSIONS, type Expectation, type SampleVersion } from './sample-app/versions.js';
export { renderSummary, type SummaryOptions } from './view/summary.js';
