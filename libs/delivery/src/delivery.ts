import * as z from 'zod';
import { ENVIRONMENT_NAMES, EnvironmentNameSchema } from './application.js';
import { GitRefNameSchema, RefTypeSchema, ShaSchema } from './git.js';
import { DnsLabelSchema } from './kube-names.js';
import { DigestReferenceSchema, ProjectSchema, RepositoryUrlSchema } from './fields.js';
import { FailureReasonSchema } from './reasons.js';
import { API_GROUP_VERSION, ConditionSchema, ObjectMetaSchema } from './resource-meta.js';

const TimestampSchema = z.iso.datetime({ error: 'must be an ISO 8601 UTC timestamp such as "2025-01-31T12:00:00.000Z"' });

/** The merge request a delivery tests, when it came from a merge request event. */
export const MergeRequestSchema = z.object({
  iid: z.int().min(1).describe('Merge request number within the project (the "!12" number).'),
  sourceBranch: GitRefNameSchema,
  targetBranch: GitRefNameSchema,
  title: z.string().max(1024).optional(),
  url: z.string().max(2048).optional(),
});
/** The merge request a delivery tests. */
export type MergeRequest = z.infer<typeof MergeRequestSchema>;

/** Who pushed. GitLab may redact the email, so it is kept as given. */
export const PusherSchema = z.object({
  name: z.string().max(512),
  username: z.string().max(255).optional(),
  email: z.string().max(512).optional(),
});
/** Who pushed. */
export type Pusher = z.infer<typeof PusherSchema>;

/** The delivered commit as the webhook described it, for people (run pages, CLI); absent when the webhook did not list it. */
export const CommitSchema = z.object({
  title: z.string().max(1024).describe('First line of the commit message.'),
  authorName: z.string().max(512).optional(),
  url: z.string().max(2048).optional().describe("The commit's page on GitLab, as the webhook gave it."),
});
/** The delivered commit, as the webhook described it. */
export type Commit = z.infer<typeof CommitSchema>;

/** What the webhook said. Written once by the gateway and never changed. */
export const DeliverySpecSchema = z.object({
  application: DnsLabelSchema.describe('Name of the Application (same namespace) this delivery belongs to.'),
  project: ProjectSchema,
  repositoryUrl: RepositoryUrlSchema,
  ref: GitRefNameSchema.describe('Short ref name: branch, tag, or the source branch of a merge request.'),
  refType: RefTypeSchema,
  before: ShaSchema.describe('SHA before the push; the null SHA for a new branch.'),
  after: ShaSchema.describe('SHA after the push.'),
  checkoutSha: ShaSchema.describe('The commit that is tested, built and deployed.'),
  pusher: PusherSchema,
  idempotencyKey: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' })
    .describe('GitLab Idempotency-Key of the webhook delivery.'),
  receivedAt: TimestampSchema.describe('When the gateway received the webhook.'),
  mergeRequest: MergeRequestSchema.optional(),
  projectUrl: z.string().max(2048).optional().describe("The GitLab project's web page (the webhook's project.web_url), for links."),
  commit: CommitSchema.optional(),
  environments: z
    .array(EnvironmentNameSchema)
    .max(ENVIRONMENT_NAMES.length)
    .refine((list) => list.every((name, i) => i === 0 || ENVIRONMENT_NAMES.indexOf(name) > ENVIRONMENT_NAMES.indexOf(list[i - 1] ?? name)), {
      error: 'must list each environment once, staging before production',
    })
    .optional()
    .describe(
      "Environments this delivery deploys to, staging before production, as the Application's rules decided at intake. Empty: test only. Read it with plannedEnvironments (older Deliveries carry it in an annotation).",
    ),
});
/** A Delivery spec. */
export type DeliverySpec = z.infer<typeof DeliverySpecSchema>;

/** Phases of a delivery; see `transition` for the allowed moves. */
export const PHASES = [
  'Pending',
  'Testing',
  'Building',
  'Deploying',
  'Verifying',
  'Live',
  'Passed',
  'Failed',
  'RolledBack',
  'Superseded',
  'Canceled',
] as const;
/** Schema for {@link Phase}. */
export const PhaseSchema = z.enum(PHASES);
/** A delivery phase. */
export type Phase = z.infer<typeof PhaseSchema>;

/** Stages of a delivery; `deploy` exists once per environment. */
export const StageNameSchema = z.enum(['test', 'build', 'deploy']);
/** A stage name. */
export type StageName = z.infer<typeof StageNameSchema>;

/** States of a stage; the last four are final. */
export const StageStateSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'canceled']);
/** A stage state. */
export type StageState = z.infer<typeof StageStateSchema>;

/** Longest log tail kept on a stage; status lives in etcd next to many other Deliveries. */
export const MAX_LOG_TAIL_LENGTH = 4096;
/** Most failing test names kept in a test summary. */
export const MAX_FIRST_FAILURES = 10;

/** Test counts from the JUnit report, with the first few failures named. */
export const TestSummarySchema = z.object({
  total: z.int().min(0),
  passed: z.int().min(0),
  failed: z.int().min(0),
  skipped: z.int().min(0),
  firstFailures: z.array(z.string().max(512)).max(MAX_FIRST_FAILURES).default([]),
});
/** Test counts. */
export type TestSummary = z.infer<typeof TestSummarySchema>;

/** Where a deploy stage stands at a manual promotion gate. */
export const PromotionStateSchema = z.enum(['waiting', 'approved']);
/** Where a deploy stage stands at a manual promotion gate. */
export type PromotionState = z.infer<typeof PromotionStateSchema>;

/** One stage of a delivery. A stage is identified by its name and, for `deploy`, its environment. */
export const StageSchema = z.object({
  name: StageNameSchema,
  environment: EnvironmentNameSchema.optional().describe('Set for deploy stages only.'),
  state: StageStateSchema,
  startedAt: TimestampSchema.optional(),
  finishedAt: TimestampSchema.optional(),
  reason: FailureReasonSchema.optional().describe('Why the stage failed or was canceled.'),
  message: z.string().max(2048).optional(),
  jobName: DnsLabelSchema.optional(),
  exitCode: z.int().optional(),
  logTail: z.string().max(MAX_LOG_TAIL_LENGTH).optional(),
  testSummary: TestSummarySchema.optional(),
  promotion: PromotionStateSchema.optional().describe(
    'Deploy stages at a manual promotion gate: waiting for a promote action, or approved (the switch may go ahead).',
  ),
  approvedAt: TimestampSchema.optional().describe('When the promotion of this deploy stage was approved.'),
});
/** One stage of a delivery. */
export type Stage = z.infer<typeof StageSchema>;

/** GitLab commit status states. */
export const GitLabStatusStateSchema = z.enum(['pending', 'running', 'success', 'failed', 'canceled', 'skipped']);
/** A GitLab commit status state. */
export type GitLabStatusState = z.infer<typeof GitLabStatusStateSchema>;

/** What was last posted to GitLab under one status name, so the notifier posts only changes. */
export const PostedStatusSchema = z.object({
  state: GitLabStatusStateSchema,
  description: z.string().max(255).optional(),
  targetUrl: z.string().max(2048).optional(),
  postedAt: TimestampSchema,
  deploymentId: z.int().min(1).optional().describe('GitLab deployment id, for records of a deployment.'),
});
/** What was last posted under one status name. */
export type PostedStatus = z.infer<typeof PostedStatusSchema>;

/**
 * An early end (a newer push, a deleted branch) asked for while the
 * delivery was in the middle of an environment: it finishes that
 * environment (bake, and rollback if unhealthy) and then ends this way
 * instead of going on to the next one.
 */
export const EndRequestSchema = z.object({
  phase: z.enum(['Superseded', 'Canceled']),
  message: z.string().max(2048),
  supersededBy: DnsLabelSchema.optional(),
  requestedAt: TimestampSchema,
});
/** An early end waiting for the delivery's next safe point. */
export type EndRequest = z.infer<typeof EndRequestSchema>;

/**
 * A Delivery that served an environment and no longer does: another
 * Delivery's revision took the traffic (a newer rollout, or a rollback to an
 * older revision). Written by the deployer.
 */
export const ReplacementSchema = z.object({
  environment: EnvironmentNameSchema,
  by: DnsLabelSchema.describe('The Delivery whose revision serves the environment since.'),
  at: TimestampSchema.describe("When the environment's traffic switched to it."),
});
/** Where and by whom a Delivery was replaced. */
export type Replacement = z.infer<typeof ReplacementSchema>;

/** What the controllers have done with a delivery. */
export const DeliveryStatusSchema = z.object({
  phase: PhaseSchema.default('Pending'),
  reason: FailureReasonSchema.optional().describe('Why the delivery ended in Failed, RolledBack, Superseded or Canceled.'),
  message: z.string().max(2048).optional(),
  stages: z.array(StageSchema).max(20).default([]),
  posted: z
    .record(z.string().max(255), PostedStatusSchema)
    .default({})
    .describe('Last state posted to GitLab, keyed by commit status name.'),
  image: DigestReferenceSchema.optional().describe('The image the build stage pushed, by digest; what every environment deploys.'),
  supersededBy: DnsLabelSchema.optional().describe('The newer Delivery that superseded this one.'),
  endRequested: EndRequestSchema.optional().describe(
    'Superseded or canceled mid-environment: the delivery finishes that environment (bake, rollback if unhealthy), then ends this way.',
  ),
  liveIn: z
    .array(EnvironmentNameSchema)
    .max(ENVIRONMENT_NAMES.length)
    .optional()
    .describe("Environments whose traffic this Delivery's revision serves now, as the deployer last saw each environment's Service."),
  replaced: z
    .array(ReplacementSchema)
    .max(ENVIRONMENT_NAMES.length)
    .optional()
    .describe('Environments this Delivery served and no longer does: by which Delivery, since when. At most one per environment; never one listed in liveIn.'),
  observedGeneration: z.int().min(0).optional(),
  conditions: z.array(ConditionSchema).optional(),
});
/** A Delivery status, defaults applied. */
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

/** A whole Delivery object as read from the Kubernetes API. */
export const DeliverySchema = z.object({
  apiVersion: z.literal(API_GROUP_VERSION),
  kind: z.literal('Delivery'),
  metadata: ObjectMetaSchema,
  spec: DeliverySpecSchema,
  status: DeliveryStatusSchema.optional(),
});
/** A whole Delivery object. */
export type Delivery = z.infer<typeof DeliverySchema>;
