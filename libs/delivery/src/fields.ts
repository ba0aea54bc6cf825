import * as z from 'zod';

/** A TCP port number. */
export const PortSchema = z.int().min(1).max(65535);

/**
 * A GitLab project's full path (`group/subgroup/project`). Stricter than
 * GitLab itself (no segment may start with `.` or `-`), because the path
 * ends up in URLs, labels and log lines.
 */
export const ProjectPathSchema = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/, {
    error: 'must be a GitLab project path such as "group/subgroup/project"',
  });

/** Which GitLab project: the id is the stable key, the path is for people. */
export const ProjectSchema = z.object({
  id: z.int().min(1).describe('GitLab project id; stable across renames and transfers.'),
  path: ProjectPathSchema.describe('GitLab project path with namespace, e.g. "group/app".'),
});
/** Which GitLab project. */
export type Project = z.infer<typeof ProjectSchema>;

/**
 * An http(s) clone URL without user info, query or fragment: credentials
 * are mounted as files, never embedded in URLs that could be logged.
 */
export const RepositoryUrlSchema = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#@]+(?:\/[^\s?#@]*)?$/, {
    error: 'must be an http(s) URL without credentials, query or fragment, e.g. "https://gitlab.example.com/group/app.git"',
  });

/** A container image reference (`registry.example.com/team/app:1.2` or with a digest). */
export const ImageReferenceSchema = z
  .string()
  .max(512)
  .regex(/^[a-z0-9](?:[A-Za-z0-9._/:@-]*[A-Za-z0-9_])?$/, {
    error: 'must be a container image reference such as "registry.example.com/team/image:tag"',
  });

/** An image pinned by digest (`registry.example.com/team/app@sha256:<64 hex>`): what the deployer runs. */
export const DigestReferenceSchema = z
  .string()
  .max(512)
  .regex(/^[a-z0-9][a-z0-9.-]*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+@sha256:[0-9a-f]{64}$/, {
    error: 'must be an image reference by digest, such as "registry.example.com/team/app@sha256:<64 hex digits>"',
  });

/**
 * An image repository without tag or digest (`registry.example.com/team/app`).
 * Sluice tags every image with the full commit SHA, so tags never move.
 */
export const ImageRepositorySchema = z
  .string()
  .max(255)
  .regex(/^[a-z0-9][a-z0-9.-]*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/, {
    error: 'must be an image repository without tag or digest, such as "registry.example.com/team/app"',
  });

// One path segment other than "..": climbing out of the checkout is never needed.
const SEGMENT = String.raw`(?:\.|[^/.\s\\][^/\s\\]*|\.[^/.\s\\][^/\s\\]*|\.\.[^/\s\\]+)`;

/** A path relative to the repository root (`.`, `docker/Dockerfile`) that cannot climb out of it. */
export const RelativePathSchema = z
  .string()
  .max(1024)
  .regex(new RegExp(`^${SEGMENT}(?:/${SEGMENT})*$`), {
    error: 'must be a path relative to the repository root, without "..", spaces or backslashes',
  });

/** An absolute HTTP path (`/healthz`), as used by probes and checks. */
export const HttpPathSchema = z
  .string()
  .max(1024)
  .regex(/^\/[\x21-\x7e]*$/, { error: 'must be an absolute HTTP path such as "/healthz"' });

/** A Kubernetes resource quantity such as `500m`, `2`, `512Mi` or `1.5Gi`. */
export const QuantitySchema = z
  .string()
  .regex(/^[0-9]+(?:\.[0-9]+)?(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, {
    error: 'must be a Kubernetes quantity such as "500m", "2", "512Mi" or "1Gi"',
  });

/** CPU and memory for one side (requests or limits) of a container's resources. */
export interface ResourceAmounts {
  readonly cpu: string;
  readonly memory: string;
}

/** Default requests and limits for one kind of container. */
export interface ResourceDefaults {
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

function amountsSchema(defaults: ResourceAmounts) {
  return z
    .object({
      cpu: QuantitySchema.default(defaults.cpu).describe(`CPU. Default: ${defaults.cpu}.`),
      memory: QuantitySchema.default(defaults.memory).describe(`Memory. Default: ${defaults.memory}.`),
    })
    .prefault({});
}

/**
 * Container requests and limits where every field has a default, so a spec
 * may override just one (`limits.memory: 2Gi`) and keep the rest.
 */
export function resourcesSchema(defaults: ResourceDefaults) {
  return z
    .object({ requests: amountsSchema(defaults.requests), limits: amountsSchema(defaults.limits) })
    .prefault({})
    .describe('Container resource requests and limits; every field has a default.');
}
/** Container requests and limits, defaults applied. */
export type Resources = z.infer<ReturnType<typeof resourcesSchema>>;
