import * as z from 'zod';
import { RefTypeSchema } from './git.js';
import { Dns1035LabelSchema, DnsLabelSchema, DnsSubdomainSchema } from './kube-names.js';
import {
  HttpPathSchema,
  ImageReferenceSchema,
  ImageRepositorySchema,
  PortSchema,
  ProjectSchema,
  RelativePathSchema,
  RepositoryUrlSchema,
  resourcesSchema,
} from './fields.js';
import { API_GROUP_VERSION, ConditionSchema, ObjectMetaSchema } from './resource-meta.js';

/** Environments a delivery can reach, in the order they are deployed (staging first). */
export const ENVIRONMENT_NAMES = ['staging', 'production'] as const;
/** Schema for {@link EnvironmentName}. */
export const EnvironmentNameSchema = z.enum(ENVIRONMENT_NAMES);
/** A deployment environment. */
export type EnvironmentName = z.infer<typeof EnvironmentNameSchema>;

/**
 * Which refs deliver where. Rules are checked in order and the first match
 * decides, so a narrow rule with `environments: []` placed first excludes
 * refs from a broader rule below it.
 */
export const DeliveryRuleSchema = z.object({
  refs: z
    .string()
    .min(1)
    .max(255)
    .regex(new RegExp(String.raw`^[^\x00-\x20\x7f~^:[\\]+$`), { error: 'must be a ref name or glob without spaces or any of ~ ^ : [ \\' })
    .describe(
      'Ref name or glob, matched against the short ref name ("main", "release/*", "v*"). "*" and "?" stay within one "/" component; "**" crosses them. For merge requests the source branch is matched.',
    ),
  kind: RefTypeSchema.default('branch').describe('Which kind of ref the rule matches. Default: branch.'),
  environments: z
    .array(EnvironmentNameSchema)
    .max(ENVIRONMENT_NAMES.length)
    .describe('Environments a matching ref is deployed to, staging before production. Empty: test only.'),
});
/** One delivery rule, defaults applied. */
export type DeliveryRule = z.infer<typeof DeliveryRuleSchema>;

const CommandSchema = z.string().min(1).max(8192);

/** How a commit is tested: each command runs with `sh -c` in the checkout; the first non-zero exit fails the stage. */
export const TestSpecSchema = z.object({
  image: ImageReferenceSchema.describe('Image the install and test commands run in.'),
  install: z.array(CommandSchema).max(50).default([]).describe('Dependency install commands, run before the tests. Default: none.'),
  commands: z.array(CommandSchema).min(1).max(50).describe('Test commands.'),
  timeoutSeconds: z.int().min(30).max(86_400).default(900).describe('Deadline for install and tests together. Default: 900.'),
  reportPath: RelativePathSchema.optional().describe('JUnit XML report the test commands write; when set, the stage carries a test summary.'),
  resources: resourcesSchema({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } }),
});
/** How a commit is tested, defaults applied. */
export type TestSpec = z.infer<typeof TestSpecSchema>;

/** How the image is built. Every image is tagged with the full commit SHA, so tags never move. */
export const BuildSpecSchema = z.object({
  repository: ImageRepositorySchema.describe('Image repository without tag, e.g. "registry.example.com/team/app".'),
  context: RelativePathSchema.default('.').describe('Build context relative to the repository root. Default: ".".'),
  dockerfile: RelativePathSchema.default('Dockerfile').describe('Dockerfile relative to the repository root. Default: "Dockerfile".'),
  args: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a Dockerfile ARG name such as "BASE_IMAGE"' }), z.string().max(1024).regex(/^[^\r\n]*$/, { error: 'must be one line' }))
    .refine((args) => Object.keys(args).length <= 32, { error: 'at most 32 build arguments' })
    .default({})
    .describe('Dockerfile build arguments (ARG values, e.g. the base image); never secrets: they end up in the image history. Default: none.'),
  timeoutSeconds: z.int().min(60).max(86_400).default(1800).describe('Build deadline. Default: 1800.'),
  resources: resourcesSchema({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } }),
  pushSecretName: DnsSubdomainSchema.optional().describe(
    'Secret in the build namespace holding this Application\'s registry push credential (.dockerconfigjson), scoped to `repository`; it must carry the annotation sluice.dev/repository naming that repository. Default: the cluster-wide credential (SLUICE_REGISTRY_CREDENTIALS_SECRET), for migration only.',
  ),
});
/** How the image is built, defaults applied. */
export type BuildSpec = z.infer<typeof BuildSpecSchema>;

function probeSchema(kind: string) {
  return z
    .object({
      path: HttpPathSchema.default('/healthz').describe('HTTP path. Default: "/healthz".'),
      port: PortSchema.optional().describe('Port. Default: the container port.'),
      initialDelaySeconds: z.int().min(0).max(3600).default(0).describe('Default: 0.'),
      periodSeconds: z.int().min(1).max(3600).default(10).describe('Default: 10.'),
      failureThreshold: z.int().min(1).max(100).default(3).describe('Default: 3.'),
    })
    .prefault({})
    .describe(`HTTP ${kind} probe.`);
}

/** Health checks of the deployed container. */
export const HealthSpecSchema = z
  .object({
    readiness: probeSchema('readiness'),
    liveness: probeSchema('liveness'),
    prePromotionPath: HttpPathSchema.default('/healthz').describe(
      'Path requested on the new (preview) color before traffic is switched to it. Default: "/healthz".',
    ),
  })
  .prefault({});
/** Health checks, defaults applied. */
export type HealthSpec = z.infer<typeof HealthSpecSchema>;

/** Who lets a new revision take traffic in an environment: the deployer on its own, or a person (`sluice promote`). */
export const PromotionSchema = z.enum(['automatic', 'manual']);
/** How an environment is promoted. */
export type Promotion = z.infer<typeof PromotionSchema>;

/** Where and how one environment runs the application (blue-green: `<deploymentName>-blue` / `-green`). */
export const EnvironmentTargetSchema = z.object({
  namespace: DnsLabelSchema.describe('Namespace the Deployments and Service live in.'),
  deploymentName: DnsLabelSchema.max(50, { error: 'must be at most 50 characters (a color suffix is added)' }).describe(
    'Base name of the blue and green Deployments.',
  ),
  serviceName: Dns1035LabelSchema.describe('Service whose selector is switched between colors.'),
  replicas: z.int().min(1).max(100).default(2).describe('Default: 2.'),
  containerPort: PortSchema.default(8080).describe('Port the application listens on. Default: 8080.'),
  health: HealthSpecSchema,
  rolloutTimeoutSeconds: z.int().min(30).max(7200).default(600).describe('Time for the new color to become ready. Default: 600.'),
  bakeSeconds: z.int().min(0).max(86_400).default(120).describe('Time the new color must stay healthy after promotion before the delivery is Live. Default: 120.'),
  scaleDownDelaySeconds: z.int().min(0).max(3600).default(30).describe('Time the old color keeps running after promotion, for instant rollback. Default: 30.'),
  rollback: z
    .object({ auto: z.boolean().default(true).describe('Roll back automatically when verification fails. Default: true.') })
    .prefault({}),
  promotion: PromotionSchema.default('automatic').describe(
    '"manual": a verified new revision waits for `sluice promote` before traffic switches to it. Default: "automatic".',
  ),
  resources: resourcesSchema({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } }),
});
/** One environment's target, defaults applied. */
export type EnvironmentTarget = z.infer<typeof EnvironmentTargetSchema>;

/** Where the project's own webhook secrets are: a Secret only this Application names. */
export const WebhookSpecSchema = z.object({
  secretName: DnsSubdomainSchema.describe(
    'Secret in the webhook-secrets namespace (SLUICE_WEBHOOK_SECRETS_NAMESPACE, default sluice-webhooks) with the key "token" (X-Gitlab-Token) and/or "signingKey" (whsec_...): the secrets of this project\'s webhook. A webhook of this project verified only by another project\'s secret is refused.',
  ),
});
/** Where the project's webhook secrets are. */
export type WebhookSpec = z.infer<typeof WebhookSpecSchema>;

/** Finished Deliveries kept per Application when `spec.history` does not say. */
export const DEFAULT_KEEP_FINISHED = 50;

/** How much Delivery history is kept for the Application (the notifier deletes the rest). */
export const HistorySpecSchema = z.object({
  keepFinished: z
    .int()
    .min(1)
    .max(1000)
    .default(DEFAULT_KEEP_FINISHED)
    .describe(
      'Finished Deliveries of this Application kept, newest first (by when they finished); the notifier deletes older ones once their GitLab statuses are all posted. Never deleted: a running Delivery, one whose final statuses are not all posted, and the ones the deployer relies on (live in an environment, or what a rollback returns to). Default: 50.',
    ),
});
/** Delivery retention, defaults applied. */
export type HistorySpec = z.infer<typeof HistorySpecSchema>;

/** The Application's spec: the platform team's configuration for one GitLab project. */
export const ApplicationSpecSchema = z.object({
  project: ProjectSchema,
  repositoryUrl: RepositoryUrlSchema.describe('http(s) clone URL of the project.'),
  rules: z.array(DeliveryRuleSchema).min(1).max(100).describe('Which refs deliver to which environments; first match wins.'),
  test: TestSpecSchema,
  build: BuildSpecSchema,
  webhook: WebhookSpecSchema.optional().describe('Per-project webhook secrets. Default: only the gateway\'s global secrets verify this project\'s webhooks (migration).'),
  command: z
    .array(z.string().min(1).max(8192))
    .min(1)
    .max(100)
    .optional()
    .describe("Command (entrypoint and arguments) of the deployed container, the same in every environment. Default: the image's own."),
  environments: z.object({
    staging: EnvironmentTargetSchema.optional().describe('Optional; deployed and verified before production.'),
    production: EnvironmentTargetSchema,
  }),
  history: HistorySpecSchema.optional().describe('How many finished Deliveries are kept. Default: keepFinished 50.'),
});
/** An Application spec, defaults applied. */
export type ApplicationSpec = z.infer<typeof ApplicationSpecSchema>;
/** An Application spec as written, before defaults. */
export type ApplicationSpecInput = z.input<typeof ApplicationSpecSchema>;

/** What the controllers report about an Application. */
export const ApplicationStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional(),
  conditions: z.array(ConditionSchema).optional(),
});
/** Application status. */
export type ApplicationStatus = z.infer<typeof ApplicationStatusSchema>;

/** A whole Application object as read from the Kubernetes API. */
export const ApplicationSchema = z.object({
  apiVersion: z.literal(API_GROUP_VERSION),
  kind: z.literal('Application'),
  metadata: ObjectMetaSchema,
  spec: ApplicationSpecSchema,
  status: ApplicationStatusSchema.optional(),
});
/** A whole Application object. */
export type Application = z.infer<typeof ApplicationSchema>;

/** The tag Sluice pushes for `sha` (the deployer runs the digest the build recorded, never this tag). */
export function imageFor(build: Pick<BuildSpec, 'repository'>, sha: string): string {
  return `${build.repository}:${sha}`;
}

/** How many finished Deliveries of `application` are kept ({@link DEFAULT_KEEP_FINISHED} when `spec.history` is absent). */
export function keepFinishedOf(application: { readonly spec: Pick<ApplicationSpec, 'history'> }): number {
  return application.spec.history?.keepFinished ?? DEFAULT_KEEP_FINISHED;
}
