import { ServiceError } from './errors.js';

/**
 * One readiness condition, e.g. "the Delivery informer has synced". Returns
 * true when ready; false, a rejection or a throw all count as not ready.
 */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** How one check ended. */
export type CheckOutcome = 'ok' | 'failed' | 'timed_out';

/** Result of evaluating every check. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Outcome per check name; `shutdown` fails once the service is draining. */
  readonly checks: Readonly<Record<string, CheckOutcome>>;
  /** Names of the checks that did not pass, in registration order. */
  readonly failed: readonly string[];
}

/** Name of the built-in check that fails once shutdown has begun. */
export const SHUTDOWN_CHECK = 'shutdown';

/**
 * The readiness checks of one process plus its draining flag. `main.ts` builds
 * one, registers checks as it wires dependencies, and hands it to both
 * `healthRoutes` (which reports it) and `runService` (which drains it).
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private isDraining = false;

  constructor(checks: Readonly<Record<string, ReadinessCheck>> = {}) {
    for (const [name, check] of Object.entries(checks)) this.add(name, check);
  }

  /** Registers a check; names are unique so `/readyz` can say which one failed. */
  add(name: string, check: ReadinessCheck): this {
    if (name === SHUTDOWN_CHECK || this.checks.has(name)) {
      throw new ServiceError('duplicate_check', `readiness check "${name}" is already registered: pick a unique name`);
    }
    this.checks.set(name, check);
    return this;
  }

  /** Marks the process as shutting down: from now on it is never ready. */
  drain(): void {
    this.isDraining = true;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /** Runs every check concurrently, each bounded by `timeoutMs`. */
  async evaluate(timeoutMs: number): Promise<ReadinessReport> {
    const entries: Array<[string, CheckOutcome]> = [[SHUTDOWN_CHECK, this.isDraining ? 'failed' : 'ok']];
    const outcomes = await Promise.all([...this.checks.values()].map((check) => runCheck(check, timeoutMs)));
    [...this.checks.keys()].forEach((name, i) => entries.push([name, outcomes[i] ?? 'failed']));
    const failed = entries.filter(([, outcome]) => outcome !== 'ok').map(([name]) => name);
    return { ready: failed.length === 0, checks: Object.fromEntries(entries), failed };
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timed_out'), timeoutMs);
  });
  const outcome = (async (): Promise<CheckOutcome> => ((await check()) === true ? 'ok' : 'failed'))().catch(
    (): CheckOutcome => 'failed',
  );
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
