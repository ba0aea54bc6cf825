import { ENVIRONMENT_NAMES } from './application.js';
import { REMOVED_ANNOTATIONS, removedPromotionAnnotation } from './contract/annotations.js';
import type { Application } from './application.js';
import type { Condition } from './resource-meta.js';
import { parseApplication } from './validate-application.js';

/** The condition type that says whether an Application is in effect. */
export const READY_CONDITION = 'Ready';

/**
 * Why an Application is or is not Ready (closed set):
 * - `Accepted`: valid, and the only Application of its GitLab project;
 * - `InvalidSpec`: fails validation, so the gateway ignores it and no push is delivered;
 * - `DuplicateProject`: another Application claims the same project id; both are
 *   marked and the project's pushes are delivered by neither;
 * - `RemovedAnnotation`: carries an annotation that used to change behaviour and is no
 *   longer read; the spec field that replaced it must be set instead.
 */
export const APPLICATION_REASONS = ['Accepted', 'InvalidSpec', 'DuplicateProject', 'RemovedAnnotation'] as const;
/** One of {@link APPLICATION_REASONS}. */
export type ApplicationReason = (typeof APPLICATION_REASONS)[number];

/** An Application as the API returns it: maybe invalid, so only the metadata is relied on. */
export interface RawApplication {
  readonly metadata: {
    readonly name?: string | undefined;
    readonly generation?: number | undefined;
    readonly annotations?: Readonly<Record<string, string>> | undefined;
  };
  readonly status?: unknown;
}

/** Annotations replaced by validated spec fields (no fallback: they are ignored), with the field to set instead. */
export function removedAnnotationProblems(annotations: Readonly<Record<string, string>> | undefined): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (key === REMOVED_ANNOTATIONS.command) problems.push(`annotation ${key} is no longer read; set spec.command (a list of strings) instead`);
    else if (key === REMOVED_ANNOTATIONS.builderImage) problems.push(`annotation ${key} is no longer read; the builder image is cluster configuration (SLUICE_BUILDER_IMAGE): remove it`);
    else {
      const environment = ENVIRONMENT_NAMES.find((e) => key === removedPromotionAnnotation(e));
      if (environment !== undefined) {
        problems.push(`annotation ${key} is no longer read; set spec.environments.${environment}.promotion: ${value === 'manual' ? 'manual' : 'automatic'} instead`);
      }
    }
  }
  return problems;
}

interface Verdict {
  readonly ready: boolean;
  readonly reason: ApplicationReason;
  readonly message: string;
}

const MAX_MESSAGE = 4096;

function projectLabel(app: Application): string {
  return `project ${app.spec.project.id} (${app.spec.project.path})`;
}

/**
 * The other Applications that claim `app`'s project id. A project belongs to
 * one Application: when two claim it, neither is delivered (the gateway
 * ignores the project, `ambiguous_application`), so a crafted Application can
 * never take another team's pushes by being first. The path is for display.
 */
function duplicateOf(app: Application, valid: readonly Application[]): string | undefined {
  const others = valid
    .filter((other) => other.spec.project.id === app.spec.project.id)
    .map((other) => other.metadata.name)
    .sort();
  if (others.length === 0) return undefined;
  return `${projectLabel(app)} is also claimed by Application ${others.join(', ')}; its pushes are delivered by none of them (the gateway ignores the project: ambiguous_application) until only one claims it`;
}

function verdict(app: RawApplication, all: readonly RawApplication[]): Verdict {
  const parsed = parseApplication(app);
  if (!parsed.ok) return { ready: false, reason: 'InvalidSpec', message: parsed.error.problems.join('; ') };
  const removed = removedAnnotationProblems(app.metadata.annotations);
  if (removed.length > 0) return { ready: false, reason: 'RemovedAnnotation', message: removed.join('; ') };
  const valid = all.flatMap((other) => {
    if (other.metadata.name === app.metadata.name) return [];
    const result = parseApplication(other);
    return result.ok ? [result.value] : [];
  });
  const duplicate = duplicateOf(parsed.value, valid);
  if (duplicate !== undefined) return { ready: false, reason: 'DuplicateProject', message: duplicate };
  return { ready: true, reason: 'Accepted', message: `pushes of ${projectLabel(parsed.value)} are delivered by this Application` };
}

/** The conditions an Application's status already holds, or none when they are unreadable. */
export function currentConditions(app: RawApplication): Condition[] {
  const status = app.status as { conditions?: unknown } | undefined;
  return Array.isArray(status?.conditions) ? (status.conditions as Condition[]) : [];
}

/**
 * The `status.conditions` `app` should have, given every Application of its
 * namespace (`all`, which may include `app`): one `Ready` condition, `False`
 * with a reason and a message naming the bad field (zod's path) when the
 * Application is invalid, still carries a removed annotation, or shares its
 * project id with another Application. `lastTransitionTime` moves only when the
 * status changes; conditions of other types are kept as they are.
 */
export function applicationConditions(app: RawApplication, all: readonly RawApplication[], now: Date): Condition[] {
  const { ready, reason, message } = verdict(app, all);
  const status = ready ? 'True' : 'False';
  const current = currentConditions(app);
  const previous = current.find((c) => c.type === READY_CONDITION);
  const clipped = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
  const condition: Condition = {
    type: READY_CONDITION,
    status,
    reason,
    message: clipped,
    lastTransitionTime: previous?.status === status ? previous.lastTransitionTime : `${now.toISOString().slice(0, 19)}Z`,
    ...(app.metadata.generation !== undefined && { observedGeneration: app.metadata.generation }),
  };
  return [...current.filter((c) => c.type !== READY_CONDITION), condition];
}

/** True when two condition lists say the same (order of types ignored), so no status write is needed. */
export function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  if (a.length !== b.length) return false;
  const key = (c: Condition) => JSON.stringify([c.type, c.status, c.reason, c.message ?? '', c.lastTransitionTime, c.observedGeneration]);
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}
