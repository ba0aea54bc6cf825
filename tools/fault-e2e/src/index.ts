/**
 * `@sluice/fault-e2e`: the fault-injection end-to-end run (pushes, SIGKILLed
 * controller replicas, a flaky GitLab) on the node-agent lane, and its oracle.
 */
export { runFaultScenario, killActive, type KillRecord, type RunOptions, type RunResult } from './scenario.js';
export { makePlan, prng, seedFrom, KILLED_SERVICES, DEFAULT_BRANCHES, type FaultPlan, type PlanOptions, type RevisionKind } from './plan.js';
export { judge, gitlabFigures, repeatedAfterSuccess, type OracleInput, type OracleResult, type PushRecord, type DeliveryView } from './oracle.js';
