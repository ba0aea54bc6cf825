/**
 * What the demo must observe, as a pure check: facts in, a list of what
 * differed out (empty when everything behaved).
 */
import type { Expectation } from './sample-app/versions.js';

/** Which color serves and which revision it runs (from the Service). */
export interface LiveState {
  readonly color?: string;
  readonly revision?: string;
}

/** What was observed about one version's delivery. */
export interface DeliveryFacts {
  readonly version: string;
  readonly expect: Expectation;
  readonly sha: string;
  /** Undefined when the gateway did not create a Delivery. */
  readonly name?: string;
  readonly phase?: string;
  readonly reason?: string;
  readonly stages: readonly { readonly label: string; readonly state: string; readonly startedAt?: string }[];
  readonly traceId?: string;
  /** The Service right after this delivery ended. */
  readonly liveAfter?: LiveState;
}

/** Everything the check looks at. */
export interface Observed {
  readonly environment: string;
  readonly deliveries: readonly DeliveryFacts[];
  /** Commit statuses in GitLab, per SHA: status name → state (latest row per name). */
  readonly statuses: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** SHAs with a commit comment (the notifier's rollback note). */
  readonly commentedShas: readonly string[];
  /** SHAs any color Deployment was ever rendered with. */
  readonly renderedRevisions: ReadonlySet<string>;
  /** The Service at the end, and what a Ready pod of the live color answered on `GET /`. */
  readonly final: LiveState & { readonly answer?: string };
}

/** The commit statuses GitLab should end with for a delivery that ends as `expect`. */
export function expectedStatuses(expect: Expectation, environment: string, prefix = 'sluice'): Record<string, string> {
  const deploy = `${prefix}/deploy:${environment}`;
  switch (expect) {
    case 'live':
      return { [`${prefix}/test`]: 'success', [`${prefix}/build`]: 'success', [deploy]: 'success' };
    case 'tests-fail':
      // Stages after a failure end skipped, which GitLab shows as canceled.
      return { [`${prefix}/test`]: 'failed', [`${prefix}/build`]: 'canceled', [deploy]: 'canceled' };
    case 'rolled-back':
      return { [`${prefix}/test`]: 'success', [`${prefix}/build`]: 'success', [deploy]: 'failed' };
  }
}

/** The phase and reason a delivery that ends as `expect` has. */
export function expectedOutcome(expect: Expectation): { readonly phase: string; readonly reason?: string } {
  switch (expect) {
    case 'live':
      return { phase: 'Live' };
    case 'tests-fail':
      return { phase: 'Failed', reason: 'TestsFailed' };
    case 'rolled-back':
      return { phase: 'RolledBack', reason: 'PostPromotionUnhealthy' };
  }
}

/**
 * Checks the story: each `live` version went live on the other color than
 * the version before it; a `tests-fail` version failed its tests, was never
 * rendered into a Deployment, and left the previous revision live; a
 * `rolled-back` version was deployed, then rolled back to the previous
 * revision on its color. GitLab shows the expected final statuses (and the
 * rollback note), every delivery has a trace id, and at the end the live
 * color answers with the last good version.
 */
export function checkExpectations(observed: Observed, lastGood: { readonly version: string; readonly sha: string } | undefined): string[] {
  const problems: string[] = [];
  let live: LiveState | undefined;
  for (const d of observed.deliveries) {
    const who = `${d.version} (${d.sha.slice(0, 7)})`;
    if (d.name === undefined) {
      problems.push(`${who}: the gateway created no Delivery`);
      continue;
    }
    const want = expectedOutcome(d.expect);
    if (d.phase !== want.phase || (want.reason !== undefined && d.reason !== want.reason)) {
      problems.push(`${who}: ended ${d.phase ?? 'unfinished'}${d.reason ? ` (${d.reason})` : ''}, expected ${want.phase}${want.reason ? ` (${want.reason})` : ''}`);
    }
    const after = d.liveAfter ?? {};
    switch (d.expect) {
      case 'live':
        if (after.revision !== d.sha) problems.push(`${who}: expected live afterwards, but the Service serves ${describeLive(after)}`);
        if (live?.color !== undefined && after.color === live.color) problems.push(`${who}: went live on ${after.color}, the same color as the version before it`);
        live = after;
        break;
      case 'tests-fail': {
        const deploy = d.stages.find((s) => s.label.startsWith('deploy'));
        if (deploy?.startedAt !== undefined || observed.renderedRevisions.has(d.sha)) problems.push(`${who}: failed its tests but was deployed`);
        if (live !== undefined && after.revision !== live.revision) problems.push(`${who}: the previous revision should still be live, but the Service serves ${describeLive(after)}`);
        break;
      }
      case 'rolled-back':
        if (!observed.renderedRevisions.has(d.sha)) problems.push(`${who}: was never rendered into a Deployment (nothing to roll back)`);
        if (live !== undefined && (after.revision !== live.revision || after.color !== live.color)) {
          problems.push(`${who}: expected ${describeLive(live)} live again after the rollback, but the Service serves ${describeLive(after)}`);
        }
        if (!observed.commentedShas.includes(d.sha)) problems.push(`${who}: no rollback note was posted on the commit in GitLab`);
        break;
    }
    const want2 = expectedStatuses(d.expect, observed.environment);
    const got = observed.statuses[d.sha] ?? {};
    for (const [name, state] of Object.entries(want2)) {
      if (got[name] !== state) problems.push(`${who}: GitLab status ${name} is ${got[name] ?? 'missing'}, expected ${state}`);
    }
    if (d.traceId === undefined) problems.push(`${who}: the Delivery carries no trace id`);
  }
  if (lastGood !== undefined) {
    if (observed.final.revision !== lastGood.sha) problems.push(`at the end the Service serves ${describeLive(observed.final)}, expected ${lastGood.version} (${lastGood.sha.slice(0, 7)})`);
    const answer = observed.final.answer?.trim();
    if (answer !== `sample-app ${lastGood.version}`) problems.push(`the live app answered ${answer === undefined ? 'nothing' : JSON.stringify(answer)}, expected "sample-app ${lastGood.version}"`);
  }
  return problems;
}

function describeLive(s: LiveState): string {
  return s.revision === undefined ? 'nothing' : `${s.revision.slice(0, 7)} on ${s.color ?? '?'}`;
}

/**
 * The versions a steady client should see answering, in order, once the first
 * version is live: each live version takes over, a rolled-back one answers
 * during its bake until traffic goes back to the last good one, and a version
 * whose tests fail never answers.
 */
export function expectedTrafficSequence(versions: readonly { readonly id: string; readonly expect: Expectation }[]): string[] {
  const out: string[] = [];
  let lastGood: string | undefined;
  for (const v of versions) {
    if (v.expect === 'live') {
      out.push(v.id);
      lastGood = v.id;
    } else if (v.expect === 'rolled-back') {
      out.push(v.id);
      if (lastGood !== undefined) out.push(lastGood);
    }
  }
  return out;
}

/** What differed in what the steady client saw: any failed request, or another order of versions than the story's. */
export function checkTraffic(
  seen: {
    readonly sent: number;
    readonly failed: number;
    readonly sequence: readonly string[];
    readonly failures: readonly { readonly error?: string; readonly at?: number }[];
    readonly samples?: readonly { readonly at: number; readonly version?: string }[];
  },
  expected: readonly string[],
): string[] {
  const problems: string[] = [];
  if (seen.sent === 0) problems.push('the steady client sent no request');
  if (seen.failed > 0) {
    const first = seen.failures[0];
    problems.push(`${seen.failed} of ${seen.sent} requests through the Service failed (first: ${first?.error ?? '?'}${first?.at !== undefined ? whereIn(seen.samples ?? [], first.at) : ''})`);
  }
  if (seen.sequence.join(' → ') !== expected.join(' → ')) problems.push(`the Service answered ${seen.sequence.join(' → ') || 'nothing'}, not ${expected.join(' → ')}`);
  return problems;
}

/** Where a failed request fell in the story: the versions answered just before and after it, and when it was sent. */
function whereIn(samples: readonly { readonly at: number; readonly version?: string }[], at: number): string {
  const before = samples.filter((x) => x.at < at && x.version !== undefined).at(-1)?.version ?? 'none';
  const after = samples.find((x) => x.at > at && x.version !== undefined)?.version ?? 'none';
  return `, sent at ${new Date(at).toISOString()} between answers of ${before} and ${after}`;
}
