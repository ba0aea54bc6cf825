import { DeliverySchema, DeliverySpecSchema } from './delivery.js';
import type { Delivery, DeliverySpec, DeliveryStatus } from './delivery.js';
import { isNullSha } from './git.js';
import { DeliveryModelError, formatProblems, problemsFromZod, under } from './problems.js';
import type { ParseResult, Problem } from './problems.js';

function specProblems(spec: DeliverySpec): Problem[] {
  const problems: Problem[] = [];
  if (isNullSha(spec.checkoutSha)) {
    problems.push({ path: ['checkoutSha'], message: 'must name a commit, not the null SHA' });
  }
  if (isNullSha(spec.after)) {
    problems.push({ path: ['after'], message: 'is the null SHA: a deleted ref is not delivered' });
  }
  if (spec.refType === 'merge_request' && spec.mergeRequest === undefined) {
    problems.push({ path: ['mergeRequest'], message: 'is required when refType is merge_request' });
  }
  if (spec.refType !== 'merge_request' && spec.mergeRequest !== undefined) {
    problems.push({ path: ['mergeRequest'], message: `must be omitted when refType is ${spec.refType}` });
  }
  if (spec.mergeRequest !== undefined && spec.mergeRequest.sourceBranch !== spec.ref) {
    problems.push({
      path: ['ref'],
      message: `must be the merge request's source branch "${spec.mergeRequest.sourceBranch}"`,
    });
  }
  return problems;
}

function statusProblems(status: DeliveryStatus): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  status.stages.forEach((stage, index) => {
    if (stage.name === 'deploy' && stage.environment === undefined) {
      problems.push({ path: ['stages', index, 'environment'], message: 'is required for a deploy stage' });
    }
    if (stage.name !== 'deploy' && stage.environment !== undefined) {
      problems.push({ path: ['stages', index, 'environment'], message: `must be omitted for a ${stage.name} stage` });
    }
    const key = `${stage.name}/${stage.environment ?? ''}`;
    if (seen.has(key)) {
      problems.push({ path: ['stages', index], message: `duplicates an earlier ${stage.name} stage` });
    }
    seen.add(key);
  });
  return problems;
}

/**
 * Checks a Delivery spec that already passed {@link DeliverySpecSchema} for
 * what a schema cannot express (null SHAs, merge request consistency).
 * Returns one readable line per problem; empty when consistent.
 */
export function validateDeliverySpec(spec: DeliverySpec): readonly string[] {
  return formatProblems(specProblems(spec));
}

/** Checks a Delivery status for stage consistency (deploy stages name an environment, no duplicates). */
export function validateDeliveryStatus(status: DeliveryStatus): readonly string[] {
  return formatProblems(statusProblems(status));
}

/** Parses and fully validates a Delivery spec, e.g. the one the gateway is about to create. */
export function parseDeliverySpec(input: unknown): ParseResult<DeliverySpec> {
  const parsed = DeliverySpecSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return fail(problemsFromZod(parsed.error), parsed.error);
  const problems = specProblems(parsed.data);
  return problems.length === 0 ? { ok: true, value: parsed.data } : fail(problems);
}

/**
 * Parses and fully validates a whole Delivery read from the cluster. Controllers
 * call this before any value reaches a Job or a command line.
 */
export function parseDelivery(input: unknown): ParseResult<Delivery> {
  const parsed = DeliverySchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return fail(problemsFromZod(parsed.error), parsed.error);
  const { spec, status } = parsed.data;
  const problems = [
    ...under(['spec'], specProblems(spec)),
    ...(status === undefined ? [] : under(['status'], statusProblems(status))),
  ];
  return problems.length === 0 ? { ok: true, value: parsed.data } : fail(problems);
}

function fail(problems: readonly Problem[], cause?: unknown): { ok: false; error: DeliveryModelError } {
  return { ok: false, error: new DeliveryModelError('invalid_delivery', formatProblems(problems), { cause }) };
}
