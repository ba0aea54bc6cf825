/**
 * Everything the demo started, stopped in reverse order. Each step runs
 * once even when stop is asked for twice (a Ctrl-C during the normal stop),
 * and one failing step does not keep the others from running.
 */
export class Teardown {
  readonly #steps: { readonly name: string; readonly run: () => Promise<void> | void }[] = [];
  #running: Promise<string[]> | undefined;

  constructor() {
    ACTIVE.add(this);
  }

  /** Registers `run` to undo what was just started. */
  add(name: string, run: () => Promise<void> | void): void {
    this.#steps.push({ name, run });
  }

  /** Runs every step, newest first; resolves with the failures (`name: message`). */
  run(): Promise<string[]> {
    this.#running ??= (async () => {
      const failures: string[] = [];
      for (const step of this.#steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          failures.push(`${step.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      ACTIVE.delete(this);
      return failures;
    })();
    return this.#running;
  }
}

const ACTIVE = new Set<Teardown>();

/** Runs every teardown not yet finished: for a crash handler or a signal arriving outside `runDemo`. */
export async function runAllTeardowns(): Promise<void> {
  await Promise.all([...ACTIVE].map((t) => t.run()));
}
