import { ApplicationSchema, ApplicationSpecSchema, ENVIRONMENT_NAMES } from './application.js';
import type { Application, ApplicationSpec } from './application.js';
import type { Resources } from './fields.js';
import { refNameProblem } from './git.js';
import { DeliveryModelError, formatProblems, problemsFromZod, under } from './problems.js';
import type { ParseResult, Problem } from './problems.js';
import { quantityValue } from './quantity.js';

function resourceProblems(path: readonly PropertyKey[], resources: Resources): Problem[] {
  const problems: Problem[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const request = resources.requests[resource];
    const limit = resources.limits[resource];
    const requestValue = quantityValue(request);
    const limitValue = quantityValue(limit);
    if (requestValue !== undefined && limitValue !== undefined && requestValue > limitValue) {
      problems.push({
        path: [...path, 'requests', resource],
        message: `request ${request} is larger than the limit ${limit}; raise limits.${resource} or lower requests.${resource}`,
      });
    }
  }
  return problems;
}

function ruleProblems(spec: ApplicationSpec): Problem[] {
  const problems: Problem[] = [];
  spec.rules.forEach((rule, index) => {
    // A glob is a valid ref pattern when the ref it would match at its simplest is valid.
    const problem = refNameProblem(rule.refs.replace(/\*\*|\*|\?/g, 'x'));
    if (problem !== undefined) problems.push({ path: ['rules', index, 'refs'], message: `pattern ${problem}` });
    const seen = new Set<string>();
    rule.environments.forEach((environment, position) => {
      const path = ['rules', index, 'environments', position];
      if (seen.has(environment)) problems.push({ path, message: `"${environment}" is listed twice` });
      seen.add(environment);
      if (spec.environments[environment] === undefined) {
        problems.push({
          path,
          message: `"${environment}" is not configured; add environments.${environment} or remove it from this rule`,
        });
      }
    });
  });
  return problems;
}

function environmentProblems(spec: ApplicationSpec): Problem[] {
  const problems: Problem[] = [];
  const { staging, production } = spec.environments;
  for (const name of ENVIRONMENT_NAMES) {
    const target = spec.environments[name];
    if (target !== undefined) problems.push(...resourceProblems(['environments', name, 'resources'], target.resources));
  }
  if (staging !== undefined && staging.namespace === production.namespace) {
    if (staging.deploymentName === production.deploymentName) {
      problems.push({
        path: ['environments', 'staging', 'deploymentName'],
        message: 'staging would replace the production Deployments; use another namespace or deploymentName',
      });
    }
    if (staging.serviceName === production.serviceName) {
      problems.push({
        path: ['environments', 'staging', 'serviceName'],
        message: 'staging would switch the production Service; use another namespace or serviceName',
      });
    }
  }
  return problems;
}

function specProblems(spec: ApplicationSpec): Problem[] {
  return [
    ...ruleProblems(spec),
    ...resourceProblems(['test', 'resources'], spec.test.resources),
    ...resourceProblems(['build', 'resources'], spec.build.resources),
    ...environmentProblems(spec),
  ];
}

/**
 * Checks an Application spec that already passed {@link ApplicationSpecSchema}
 * for what a schema cannot express: rules naming unconfigured environments,
 * invalid ref patterns, requests above limits, staging overwriting production.
 * Returns one readable line per problem; empty when the spec is consistent.
 */
export function validateApplicationSpec(spec: ApplicationSpec): readonly string[] {
  return formatProblems(specProblems(spec));
}

/** Parses and fully validates an Application spec (schema, defaults, cross-field checks). */
export function parseApplicationSpec(input: unknown): ParseResult<ApplicationSpec> {
  const parsed = ApplicationSpecSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return fail(problemsFromZod(parsed.error), parsed.error);
  const problems = specProblems(parsed.data);
  return problems.length === 0 ? { ok: true, value: parsed.data } : fail(problems);
}

/** Parses and fully validates a whole Application object read from the cluster or from Git. */
export function parseApplication(input: unknown): ParseResult<Application> {
  const parsed = ApplicationSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return fail(problemsFromZod(parsed.error), parsed.error);
  const problems = under(['spec'], specProblems(parsed.data.spec));
  return problems.length === 0 ? { ok: true, value: parsed.data } : fail(problems);
}

function fail(problems: readonly Problem[], cause?: unknown): { ok: false; error: DeliveryModelError } {
  return { ok: false, error: new DeliveryModelError('invalid_application', formatProblems(problems), { cause }) };
}
