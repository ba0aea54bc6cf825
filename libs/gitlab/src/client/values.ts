import { z } from 'zod';

/** States a commit status can be set to through the API. */
export const COMMIT_STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] as const;
export type CommitState = (typeof COMMIT_STATES)[number];

/** Statuses a deployment can be created with or moved to through the API. */
export type DeploymentStatus = 'running' | 'success' | 'failed' | 'canceled';

/** Tiers GitLab groups environments by (`tier` of an environment). */
export const ENVIRONMENT_TIERS = ['production', 'staging', 'testing', 'development', 'other'] as const;
export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

/** A commit status as GitLab reports it. */
export interface CommitStatus {
  readonly id: number;
  readonly sha: string;
  readonly ref: string | null;
  /** GitLab's state name; also `created` and others for statuses not set through this API. */
  readonly status: string;
  readonly name: string;
  readonly targetUrl: string | null;
  readonly description: string | null;
  readonly pipelineId: number | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** A deployment as GitLab reports it. */
export interface Deployment {
  readonly id: number;
  readonly iid: number;
  readonly ref: string;
  readonly sha: string;
  readonly status: string;
  readonly environment: string;
  /** When GitLab created it (ISO 8601), when the answer says. */
  readonly createdAt?: string;
}

/** An environment as GitLab reports it. */
export interface Environment {
  readonly id: number;
  readonly name: string;
  /** `null` when GitLab reports none (older GitLab versions). */
  readonly tier: string | null;
  readonly externalUrl: string | null;
}

/** A note (comment) on a merge request. */
export interface Note {
  readonly id: number;
  readonly body: string;
}

/** A comment on a commit (GitLab gives these no id). */
export interface CommitComment {
  readonly note: string;
}

// GitLab's answers, snake_case as gitbeaker passes them through (camelize is off).
const commitStatusResponse = z.looseObject({
  id: z.number(),
  sha: z.string(),
  ref: z.string().nullish(),
  status: z.string(),
  name: z.string(),
  target_url: z.string().nullish(),
  description: z.string().nullish(),
  pipeline_id: z.number().nullish(),
  created_at: z.string(),
  started_at: z.string().nullish(),
  finished_at: z.string().nullish(),
});

const deploymentResponse = z.looseObject({
  id: z.number(),
  iid: z.number(),
  ref: z.string(),
  sha: z.string(),
  status: z.string(),
  created_at: z.string().optional(),
  environment: z.looseObject({ name: z.string() }),
});

const environmentResponse = z.looseObject({
  id: z.number(),
  name: z.string(),
  tier: z.string().nullish(),
  external_url: z.string().nullish(),
});

const noteResponse = z.looseObject({ id: z.number(), body: z.string() });
const commitCommentResponse = z.looseObject({ note: z.string() });

export const toCommitStatus = (body: unknown): CommitStatus => {
  const s = commitStatusResponse.parse(body);
  return {
    id: s.id,
    sha: s.sha,
    ref: s.ref ?? null,
    status: s.status,
    name: s.name,
    targetUrl: s.target_url ?? null,
    description: s.description ?? null,
    pipelineId: s.pipeline_id ?? null,
    createdAt: s.created_at,
    startedAt: s.started_at ?? null,
    finishedAt: s.finished_at ?? null,
  };
};

export const toCommitStatuses = (body: unknown): CommitStatus[] => z.array(z.unknown()).parse(body).map(toCommitStatus);

export const toDeployment = (body: unknown): Deployment => {
  const d = deploymentResponse.parse(body);
  return { id: d.id, iid: d.iid, ref: d.ref, sha: d.sha, status: d.status, environment: d.environment.name, ...(d.created_at !== undefined && { createdAt: d.created_at }) };
};

export const toDeployments = (body: unknown): Deployment[] => z.array(z.unknown()).parse(body).map(toDeployment);

export const toEnvironment = (body: unknown): Environment => {
  const e = environmentResponse.parse(body);
  return { id: e.id, name: e.name, tier: e.tier ?? null, externalUrl: e.external_url ?? null };
};

export const toEnvironments = (body: unknown): Environment[] => z.array(z.unknown()).parse(body).map(toEnvironment);

export const toNote = (body: unknown): Note => {
  const n = noteResponse.parse(body);
  return { id: n.id, body: n.body };
};

export const toCommitComment = (body: unknown): CommitComment => ({ note: commitCommentResponse.parse(body).note });

export const toNotes = (body: unknown): Note[] => z.array(z.unknown()).parse(body).map(toNote);

export const toCommitComments = (body: unknown): CommitComment[] => z.array(z.unknown()).parse(body).map(toCommitComment);
