/**
 * The delivery model: Sluice's custom resources (Application, Delivery) as
 * zod schemas and types, validators for values that reach Git and
 * Kubernetes, the phase state machine, stage bookkeeping, failure reasons
 * and deterministic names. Pure: no I/O, no environment.
 */
export {
  API_GROUP,
  API_GROUP_VERSION,
  API_VERSION,
  APPLICATION_RESOURCE,
  ConditionSchema,
  DELIVERY_RESOURCE,
  ObjectMetaSchema,
} from './resource-meta.js';
export type { Condition, ObjectMeta } from './resource-meta.js';

export {
  GitRefNameSchema,
  MAX_REF_NAME_LENGTH,
  NULL_SHA,
  RefTypeSchema,
  ShaSchema,
  isNullSha,
  isSha,
  fetchRefOf,
  isValidRefName,
  parseFullRef,
  refNameProblem,
  shortSha,
} from './git.js';
export type { FetchableRef, ParsedRef, RefType } from './git.js';

export {
  Dns1035LabelSchema,
  DnsLabelSchema,
  DnsSubdomainSchema,
  MAX_DNS_LABEL_LENGTH,
  isDnsLabel,
  isLabelValue,
  toLabelValue,
} from './kube-names.js';

export {
  HttpPathSchema,
  DigestReferenceSchema,
  ImageReferenceSchema,
  ImageRepositorySchema,
  PortSchema,
  ProjectPathSchema,
  ProjectSchema,
  QuantitySchema,
  RelativePathSchema,
  RepositoryUrlSchema,
} from './fields.js';
export type { Project, Resources } from './fields.js';

export {
  FAILURE_REASONS,
  FailureReasonSchema,
  WEBHOOK_REJECTION_REASONS,
  WebhookRejectionReasonSchema,
  isFailureReason,
} from './reasons.js';
export type { FailureReason, WebhookRejectionReason } from './reasons.js';

export {
  ApplicationSchema,
  ApplicationSpecSchema,
  ApplicationStatusSchema,
  BuildSpecSchema,
  DEFAULT_KEEP_FINISHED,
  DeliveryRuleSchema,
  ENVIRONMENT_NAMES,
  EnvironmentNameSchema,
  EnvironmentTargetSchema,
  HealthSpecSchema,
  HistorySpecSchema,
  PromotionSchema,
  TestSpecSchema,
  WebhookSpecSchema,
  imageFor,
  keepFinishedOf,
} from './application.js';
export type {
  Application,
  ApplicationSpec,
  ApplicationSpecInput,
  ApplicationStatus,
  BuildSpec,
  DeliveryRule,
  EnvironmentName,
  EnvironmentTarget,
  HealthSpec,
  HistorySpec,
  Promotion,
  TestSpec,
  WebhookSpec,
} from './application.js';
export {
  APPLICATION_REASONS,
  READY_CONDITION,
  applicationConditions,
  currentConditions,
  removedAnnotationProblems,
  sameConditions,
} from './application-conditions.js';
export type { ApplicationReason, RawApplication } from './application-conditions.js';

export { environmentsFor, matchRule, matchesRefPattern } from './rules.js';
export type { DeliveryRules, RefTarget } from './rules.js';

export {
  CommitSchema,
  DeliverySchema,
  DeliverySpecSchema,
  DeliveryStatusSchema,
  EndRequestSchema,
  GitLabStatusStateSchema,
  MAX_FIRST_FAILURES,
  MAX_LOG_TAIL_LENGTH,
  MergeRequestSchema,
  PHASES,
  PhaseSchema,
  PostedStatusSchema,
  PusherSchema,
  ReplacementSchema,
  StageNameSchema,
  StageSchema,
  StageStateSchema,
  PromotionStateSchema,
  TestSummarySchema,
} from './delivery.js';
export type {
  Commit,
  Delivery,
  DeliverySpec,
  DeliveryStatus,
  EndRequest,
  GitLabStatusState,
  MergeRequest,
  Phase,
  PostedStatus,
  Pusher,
  Replacement,
  Stage,
  StageName,
  StageState,
  PromotionState,
  TestSummary,
} from './delivery.js';

export { DeliveryModelError } from './problems.js';
export type { DeliveryModelErrorCode, ParseResult } from './problems.js';
export { parseApplication, parseApplicationSpec, validateApplicationSpec } from './validate-application.js';
export { parseDelivery, parseDeliverySpec, validateDeliverySpec, validateDeliveryStatus } from './validate-delivery.js';

export { TERMINAL_PHASES, canTransition, isTerminal, transition } from './phase.js';
export type { TransitionError, TransitionErrorCode, TransitionResult } from './phase.js';

export { advancePhase, initialStatus, plannedStages } from './status.js';
export type { DeliveryPlan, PhaseChangeResult } from './status.js';
export {
  clipLogTail,
  closeOpenStages,
  findStage,
  finishStage,
  isFinalStageState,
  stageLabel,
  stageName,
  startStage,
} from './stages.js';
export type { StageError, StageKey, StageOutcome, StageResult } from './stages.js';

export { atSafePoint, endEarly, endRequestedAt } from './end-early.js';
export { liveEnvironments, liveNow, markLive, markReplaced, replacementsOf } from './liveness.js';
export type { LiveDelivery } from './liveness.js';
export type { EarlyEnd, EarlyEndResult } from './end-early.js';
export { WAITING_FOR_PROMOTION, approvePromotion, awaitPromotion, waitingForPromotion } from './promotion.js';

export { MAX_DELIVERY_NAME_LENGTH, deliveryLabels, deliveryName } from './naming.js';
export type { DeliveryLabelsInput, DeliveryNameInput } from './naming.js';

// The contract every Sluice service shares on the cluster: keys, defaults, URLs, the plan.
export {
  ANNOTATIONS,
  PROMOTE_ACTION,
  REMOVED_ANNOTATIONS,
  promotionApprovedAnnotation,
  removedPromotionAnnotation,
  rollbackAction,
  rollbackTarget,
} from './contract/annotations.js';
export { ENVIRONMENT_LABEL, IDEMPOTENCY_LABEL, LABEL_KEYS, MANAGED_BY_LABEL, MANAGED_BY_SLUICE, REVISION_LABEL, STAGE_LABEL, TEAM_LABEL } from './contract/labels.js';
export { DEFAULT_BUILD_NAMESPACE, DEFAULT_NAMESPACE, DEFAULT_TEST_NAMESPACE } from './contract/namespaces.js';
export { lineKey, lineOf } from './contract/line.js';
export type { DeliveryLine } from './contract/line.js';
export { plannedEnvironments, shownStages } from './contract/planned.js';
export type { PlannedDelivery } from './contract/planned.js';
export { MAX_REJECTED, parseRejected, withRejected } from './contract/rejected.js';
export { RUN_PAGES_PATH, runPagePath, runPageUrl } from './contract/run-page.js';
