import { z } from 'zod';
import { shaSchema } from '../sha.js';

// Only the fields Sluice reads are declared, checked and kept; the rest of
// GitLab's payload is dropped without being looked at (z.object strips), which
// keeps parsing a push a few microseconds whatever else GitLab sends.

/** `project` (and MR `source`/`target`, which lack `id`). */
export const projectFieldsSchema = z.object({
  name: z.string(),
  web_url: z.string().min(1),
  git_http_url: z.string().min(1),
  git_ssh_url: z.string().min(1),
  path_with_namespace: z.string().min(1),
  default_branch: z.string().nullish(),
});

export const projectSchema = projectFieldsSchema.extend({ id: z.number().int().positive() });

export const commitSchema = z.object({
  id: shaSchema,
  message: z.string(),
  title: z.string().optional(),
  timestamp: z.string(),
  url: z.string(),
  author: z.object({ name: z.string(), email: z.string().nullish() }),
});

/** Fields shared by Push Hook and Tag Push Hook payloads (`lib/gitlab/data_builder/push.rb`). */
const refUpdateSchema = z.object({
  before: shaSchema,
  after: shaSchema,
  ref: z.string().min(1),
  ref_protected: z.boolean().optional(),
  checkout_sha: shaSchema.nullable(),
  message: z.string().nullish(),
  user_id: z.number().int(),
  user_name: z.string(),
  user_username: z.string().optional(),
  user_email: z.string().nullish(),
  project_id: z.number().int().positive(),
  project: projectSchema,
  commits: z.array(commitSchema),
  total_commits_count: z.number().int().nonnegative(),
});

export const pushHookSchema = refUpdateSchema.extend({ object_kind: z.literal('push') });
export const tagPushHookSchema = refUpdateSchema.extend({ object_kind: z.literal('tag_push') });

export const mergeRequestHookSchema = z.object({
  object_kind: z.literal('merge_request'),
  user: z.object({ id: z.number().int().optional(), name: z.string(), username: z.string(), email: z.string().nullish() }),
  project: projectSchema,
  object_attributes: z.object({
    id: z.number().int(),
    iid: z.number().int().positive(),
    title: z.string(),
    url: z.string(),
    state: z.string(),
    action: z.string().optional(),
    draft: z.boolean().optional(),
    source_branch: z.string().min(1),
    target_branch: z.string().min(1),
    source_project_id: z.number().int().positive(),
    target_project_id: z.number().int().positive(),
    source: projectFieldsSchema,
    target: projectFieldsSchema,
    last_commit: z.object({ id: shaSchema }),
    oldrev: shaSchema.optional(),
  }),
});

export type PushHookPayload = z.infer<typeof pushHookSchema>;
export type TagPushHookPayload = z.infer<typeof tagPushHookSchema>;
export type MergeRequestHookPayload = z.infer<typeof mergeRequestHookSchema>;
