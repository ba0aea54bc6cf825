/**
 * The fault-injection end-to-end test (see README.md): 50 pushes over 5
 * branches in 30 s, every controller's active replica SIGKILLed at seeded
 * points, GitLab answering 429 and 502 for stretches; then every push must
 * end as it should, each environment serve the right revision, and GitLab
 * hold each status, deployment and note once. Replay a run with the seed it
 * prints: `SLUICE_FAULT_SEED=<seed>`.
 */
import { expect, inject, it } from 'vitest';
import { seedFrom } from './plan.js';
import { runFaultScenario } from './scenario.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

it('50 pushes through SIGKILLed controllers and a flaky GitLab end as they should', async () => {
  const seed = seedFrom(process.env);
  console.info(`fault-e2e: SLUICE_FAULT_SEED=${seed}`);
  const result = await runFaultScenario({ kubeconfig: inject('kubeconfig'), seed });

  expect(result.figures.pushes).toBe(50);
  expect(result.figures.pushWindowMs).toBeLessThanOrEqual(30_000);
  expect(result.kills.filter((k) => k.killedAt !== undefined).length).toBeGreaterThanOrEqual(10);
  expect(result.figures.gitlab.faults429 + result.figures.gitlab.faults502).toBeGreaterThan(0);
  // The message carries the seed and every problem: CI often shows only the failing assertion.
  const problems = [...result.problems, ...result.verdict.problems];
  expect(problems, `SLUICE_FAULT_SEED=${seed}\n${problems.join('\n')}`).toEqual([]);
}, 420_000);
