import type { Attributes } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_K8S_DEPLOYMENT_NAME,
  ATTR_K8S_JOB_NAME,
  ATTR_K8S_NAMESPACE_NAME,
  ATTR_VCS_REF_HEAD_NAME,
  ATTR_VCS_REF_HEAD_REVISION,
  ATTR_VCS_REF_HEAD_TYPE,
  ATTR_VCS_REPOSITORY_URL_FULL,
  CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_CANCELLATION,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SKIP,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
} from '@opentelemetry/semantic-conventions/incubating';
import type { Delivery, DeliveryStatus, EnvironmentName, FailureReason, Phase, Stage, StageState } from '@sluice/delivery';

/**
 * Semantic-convention attributes for a Delivery and the Kubernetes objects
 * that carry it out, and the mapping of Sluice's phases, stage states and
 * failure reasons onto the conventions' result values. Pure.
 */

/** What `error.type` holds on Sluice's spans and metrics: a reason from the closed set, or `RolledBack` for a deploy that was switched back. */
export type DeliveryErrorType = FailureReason | 'RolledBack';

/** `cicd.pipeline.result` of a Delivery in a final phase. */
export type PipelineResult = typeof CICD_PIPELINE_RESULT_VALUE_SUCCESS | typeof CICD_PIPELINE_RESULT_VALUE_FAILURE | typeof CICD_PIPELINE_RESULT_VALUE_CANCELLATION;

/** `cicd.pipeline.task.run.result` of a finished stage. */
export type TaskResult =
  | typeof CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS
  | typeof CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE
  | typeof CICD_PIPELINE_TASK_RUN_RESULT_VALUE_CANCELLATION
  | typeof CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SKIP;

/** The parts of a Delivery its attributes come from. */
export type DeliveryIdentity = Pick<Delivery, 'spec'> & { readonly metadata: Pick<Delivery['metadata'], 'name'> };

/**
 * Who and what a span or data point is about: `cicd.pipeline.name` (the
 * Application), `cicd.pipeline.run.id` (the Delivery), and the commit
 * (`vcs.repository.url.full`, `vcs.ref.head.name`, `vcs.ref.head.type`,
 * `vcs.ref.head.revision`). A merge request's ref is its source branch.
 */
export function deliveryAttributes(delivery: DeliveryIdentity): Attributes {
  return {
    [ATTR_CICD_PIPELINE_NAME]: delivery.spec.application,
    [ATTR_CICD_PIPELINE_RUN_ID]: delivery.metadata.name,
    [ATTR_VCS_REPOSITORY_URL_FULL]: delivery.spec.repositoryUrl,
    [ATTR_VCS_REF_HEAD_NAME]: delivery.spec.ref,
    [ATTR_VCS_REF_HEAD_TYPE]: delivery.spec.refType === 'tag' ? 'tag' : 'branch',
    [ATTR_VCS_REF_HEAD_REVISION]: delivery.spec.checkoutSha,
  };
}

/** `k8s.namespace.name` and `k8s.job.name` of a test or build Job. */
export function jobAttributes(namespace: string, job: string): Attributes {
  return { [ATTR_K8S_NAMESPACE_NAME]: namespace, [ATTR_K8S_JOB_NAME]: job };
}

/** `deployment.environment.name`, `k8s.namespace.name` and `k8s.deployment.name` of an environment's rollout. */
export function deploymentAttributes(environment: EnvironmentName, namespace: string, deployment: string): Attributes {
  return { [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: environment, [ATTR_K8S_NAMESPACE_NAME]: namespace, [ATTR_K8S_DEPLOYMENT_NAME]: deployment };
}

/** `test`, `build` or `deploy:<environment>`: the `cicd.pipeline.task.name` of a stage. */
export function taskName(stage: Pick<Stage, 'name' | 'environment'>): string {
  return stage.name === 'deploy' ? `deploy:${stage.environment ?? 'unknown'}` : stage.name;
}

/** `cicd.pipeline.task.name`, plus `cicd.pipeline.task.run.result` once the stage has ended. */
export function taskAttributes(stage: Pick<Stage, 'name' | 'environment' | 'state'>): Attributes {
  const result = taskResult(stage.state);
  return { [ATTR_CICD_PIPELINE_TASK_NAME]: taskName(stage), ...(result !== undefined && { [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: result }) };
}

/** The `cicd.pipeline.result` of a final phase; `undefined` while the Delivery runs. */
export function pipelineResult(phase: Phase): PipelineResult | undefined {
  switch (phase) {
    case 'Live':
    case 'Passed':
      return CICD_PIPELINE_RESULT_VALUE_SUCCESS;
    case 'Failed':
    case 'RolledBack':
      return CICD_PIPELINE_RESULT_VALUE_FAILURE;
    case 'Superseded':
    case 'Canceled':
      return CICD_PIPELINE_RESULT_VALUE_CANCELLATION;
    default:
      return undefined;
  }
}

/** The `cicd.pipeline.task.run.result` of a final stage state; `undefined` while pending or running. */
export function taskResult(state: StageState): TaskResult | undefined {
  switch (state) {
    case 'succeeded':
      return CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS;
    case 'failed':
      return CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE;
    case 'canceled':
      return CICD_PIPELINE_TASK_RUN_RESULT_VALUE_CANCELLATION;
    case 'skipped':
      return CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SKIP;
    default:
      return undefined;
  }
}

/**
 * The `error.type` of a Delivery: its failure reason, or `RolledBack` when a
 * deploy was switched back (the reason, PostPromotionUnhealthy, says why; the
 * type says what happened to the traffic). `undefined` for a Delivery that
 * succeeded or still runs.
 */
export function deliveryErrorType(status: Pick<DeliveryStatus, 'phase' | 'reason'>): DeliveryErrorType | undefined {
  switch (status.phase) {
    case 'RolledBack':
      return 'RolledBack';
    case 'Failed':
      return status.reason ?? 'InternalError';
    case 'Superseded':
    case 'Canceled':
      return status.reason ?? status.phase;
    default:
      return undefined;
  }
}

/**
 * The `error.type` of a finished stage, given the phase the Delivery is in
 * after it: its reason, `RolledBack` for the deploy that was switched back,
 * `undefined` for a stage that succeeded or was skipped.
 */
export function stageErrorType(stage: Pick<Stage, 'state' | 'reason'>, phase: Phase): DeliveryErrorType | undefined {
  if (stage.state === 'failed') return phase === 'RolledBack' ? 'RolledBack' : (stage.reason ?? 'InternalError');
  if (stage.state === 'canceled') return stage.reason ?? 'Canceled';
  return undefined;
}

/** `error.type`, when there is one: spread into attributes. */
export function errorTypeAttribute(errorType: string | undefined): Attributes {
  return errorType === undefined ? {} : { [ATTR_ERROR_TYPE]: errorType };
}
