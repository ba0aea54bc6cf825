/**
 * `@sluice/gitlab`: everything Sluice knows about GitLab. Webhooks in
 * (verification over raw bytes, payload parsing into values) and the REST
 * calls out (commit statuses, deployments, environments, notes) as outcome values.
 */

export { GitlabError, type GitlabErrorCode } from './errors.js';
export { ZERO_SHA, isSha, shaSchema, type Sha } from './sha.js';
export { BRANCH_REF_PREFIX, TAG_REF_PREFIX, branchFromRef, tagFromRef } from './refs.js';

// Webhooks in
export { GITLAB_HEADERS, getHeader, readWebhookMetadata, type HeaderSource, type WebhookMetadata } from './webhook/headers.js';
export {
  createWebhookVerifier,
  verifyWebhook,
  type WebhookRequest,
  type WebhookVerification,
  type WebhookVerifierOptions,
} from './webhook/verify.js';
export {
  createSignatureIndex,
  createTokenIndex,
  signingTokenProblem,
  type SignatureIndexOptions,
  type SignatureMatch,
} from './webhook/match.js';
export { signWebhookPayload, type SignWebhookInput } from './webhook/sign.js';
export { SUPPORTED_EVENTS, parseEvent } from './events/parse.js';
export {
  MERGE_REQUEST_ACTIONS,
  type CommitSummary,
  type IgnoredEvent,
  type IgnoredReason,
  type InvalidEvent,
  type MergeRequestAction,
  type MergeRequestEvent,
  type ParsedEvent,
  type ProjectInfo,
  type PushEvent,
  type Pusher,
  type TagPushEvent,
} from './events/types.js';

// REST calls out
export {
  GitlabClient,
  type CommitStatusOutcome,
  type CreateDeploymentInput,
  type EnsureEnvironmentInput,
  type GitlabClientOptions,
  type SetCommitStatusInput,
  type StatusAlreadySet,
} from './client/gitlab-client.js';
export type { GitlabFailure, GitlabLocked, GitlabOk, GitlabOutcome, GitlabRejected, GitlabRetryable } from './client/outcome.js';
export { dispatcherTrusting, globalFetchDispatcher, type FetchDispatcher } from './client/dispatcher.js';
export { GITLAB_OPERATIONS, describeGitlabRequest, type GitlabOperation, type GitlabRequestDescription } from './client/routes.js';
export {
  COMMIT_STATES,
  ENVIRONMENT_TIERS,
  type CommitComment,
  type CommitState,
  type CommitStatus,
  type Deployment,
  type DeploymentStatus,
  type Environment,
  type EnvironmentTier,
  type Note,
} from './client/values.js';
export { parseRetryAfter } from './client/retry-after.js';
export { GITLAB_TEXT_LIMIT, truncateText } from './client/text.js';
