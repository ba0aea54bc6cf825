import { describe, expect, it } from 'vitest';
import type { ContainerFacts, EventFacts, JobFacts, PodFacts, TerminatedFacts } from './facts.js';
import { decideJobOutcome } from './job-outcome.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const limits = { quotaWaitMs: 60_000, podPendingGraceMs: 30_000 };

const job = (conditions: JobFacts['status'] extends infer S ? (S extends { conditions?: infer C } ? C : never) : never = []): JobFacts => ({
  metadata: { name: 'd-test', uid: 'u1', creationTimestamp: at(0) },
  spec: { activeDeadlineSeconds: 900 },
  status: { conditions },
});
const done = (name: string, exitCode: number, from: number, to: number, extra: Partial<TerminatedFacts> = {}): ContainerFacts => ({
  name,
  state: { terminated: { exitCode, startedAt: at(from), finishedAt: at(to), ...extra } },
});
const pod = (init: ContainerFacts[], main: ContainerFacts[], phase = 'Failed', conditions: PodFacts['status'] extends infer S ? (S extends { conditions?: infer C } ? C : never) : never = []): PodFacts => ({
  metadata: { name: 'd-test-abc', creationTimestamp: at(0) },
  status: { phase, initContainerStatuses: init, containerStatuses: main, conditions },
});
const failed = (reason: string) => job([{ type: 'Failed', status: 'True', reason }]);

describe('decideJobOutcome', () => {
  it('a Complete Job succeeds, with the JUnit summary, step durations and the test log as source', () => {
    const p = pod([done('clone', 0, 0, 1), done('install', 0, 1, 3)], [done('test', 0, 3, 7, { message: 'test passed: 1 command(s)\njunit total=2 failed=0 skipped=0\n' })], 'Succeeded');
    const outcome = decideJobOutcome('test', job([{ type: 'Complete', status: 'True' }]), [p], [], T0, limits);
    expect(outcome).toEqual({
      kind: 'succeeded',
      message: 'test passed: 1 command(s)',
      exitCode: 0,
      durations: { clone: 1, install: 2, test: 4 },
      testSummary: { total: 2, passed: 2, failed: 0, skipped: 0, firstFailures: [] },
      logFrom: { pod: 'd-test-abc', container: 'test' },
    });
  });

  it.each([
    ['clone', [done('clone', 128, 0, 1)], [], 'CloneFailed', 128],
    ['install', [done('clone', 0, 0, 1), done('install', 7, 1, 2)], [], 'DependencyInstallFailed', 7],
    ['test', [done('clone', 0, 0, 1)], [done('test', 1, 1, 2)], 'TestsFailed', 1],
    ['test (OOM)', [done('clone', 0, 0, 1)], [done('test', 137, 1, 2, { reason: 'OOMKilled' })], 'OOMKilled', 137],
  ] as const)('a failed %s container means %s, by the container that failed', (_, init, main, reason, exitCode) => {
    const outcome = decideJobOutcome('test', failed('PodFailurePolicy'), [pod([...init], [...main])], [], T0, limits);
    expect(outcome).toMatchObject({ kind: 'failed', reason, exitCode, stopJob: false });
  });

  it('a test suite exiting 2 (any code) is still TestsFailed: the container decides, not the code', () => {
    const outcome = decideJobOutcome('test', failed('PodFailurePolicy'), [pod([done('clone', 0, 0, 1)], [done('test', 2, 1, 2, { message: 'test failed: command 1/1 exited 2: npm test\njunit total=3 failed=1 skipped=0\njunit-failure a.b &amp; c\n' })])], [], T0, limits);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'TestsFailed', exitCode: 2, testSummary: { failed: 1, passed: 2, firstFailures: ['a.b & c'] } });
  });

  it('a Succeeded pod is success already, before the Job controller writes Complete', () => {
    const p = pod([done('clone', 0, 0, 1), done('install', 0, 1, 3)], [done('test', 0, 3, 7, { message: 'test passed: 1 command(s)\n' })], 'Succeeded');
    expect(decideJobOutcome('test', job([]), [p], [], T0, limits)).toMatchObject({ kind: 'succeeded', message: 'test passed: 1 command(s)' });
    const running = pod([done('clone', 0, 0, 1)], [{ name: 'test', state: { running: { startedAt: at(3) } } }], 'Running');
    expect(decideJobOutcome('test', job([]), [running], [], T0, limits)).toMatchObject({ kind: 'running' });
  });

  it('a pod failed in its test step is TestsFailed already, before the Job fails; a failed clone waits for the Job (it is retried)', () => {
    const tests = pod([done('clone', 0, 0, 1), done('install', 0, 1, 3)], [done('test', 1, 3, 7)], 'Failed');
    expect(decideJobOutcome('test', job([]), [tests], [], T0, limits)).toMatchObject({ kind: 'failed', reason: 'TestsFailed', exitCode: 1 });
    const clone = pod([done('clone', 128, 0, 1)], [], 'Failed');
    expect(decideJobOutcome('test', job([]), [clone], [], T0, limits)).toMatchObject({ kind: 'running' });
    const disrupted = pod([done('clone', 0, 0, 1), done('install', 0, 1, 3)], [done('test', 137, 3, 7)], 'Failed', [{ type: 'DisruptionTarget', status: 'True' }]);
    expect(decideJobOutcome('test', job([]), [disrupted], [], T0, limits)).toMatchObject({ kind: 'running' });
    // Killed at the Job's deadline (900 s from its start): the Job's DeadlineExceeded decides (TestTimeout), not the exit code.
    const killed = pod([done('clone', 0, 0, 1), done('install', 0, 1, 3)], [done('test', 137, 3, 900)], 'Failed');
    expect(decideJobOutcome('test', job([]), [killed], [], T0, limits)).toMatchObject({ kind: 'running' });
    expect(decideJobOutcome('test', job([{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }]), [killed], [], T0, limits)).toMatchObject({ kind: 'failed', reason: 'TestTimeout' });
  });

  it('a clone that found the commit not on the pushed ref is RefMismatch at once, from its exit code, naming the commit and the ref; test and build alike', () => {
    const sha = 'b'.repeat(40);
    const message = `ref mismatch: commit ${sha} is not in the history of refs/heads/main of https://gitlab.example.com/team/shop.git\n`;
    const mismatch = pod([done('clone', 3, 0, 1, { message })], [], 'Failed');
    for (const kind of ['test', 'build'] as const) {
      // Decided from the pod before the Job's own Failed condition: the podFailurePolicy makes exit 3 of clone final.
      const outcome = decideJobOutcome(kind, job([]), [mismatch], [], T0, limits);
      expect(outcome).toMatchObject({ kind: 'failed', reason: 'RefMismatch', exitCode: 3, stopJob: false, logFrom: { container: 'clone' } });
      expect(outcome.kind === 'failed' && outcome.message).toBe(
        `the commit is not on the pushed ref, so it is neither tested nor built: commit ${sha} is not in the history of refs/heads/main of https://gitlab.example.com/team/shop.git`,
      );
    }
    expect(decideJobOutcome('test', failed('PodFailurePolicy'), [mismatch], [], T0, limits)).toMatchObject({ reason: 'RefMismatch' });
    // Exit 3 of any other step is that step's failure, not a ref mismatch.
    expect(decideJobOutcome('test', failed('PodFailurePolicy'), [pod([done('clone', 0, 0, 1)], [done('test', 3, 1, 2)])], [], T0, limits)).toMatchObject({ reason: 'TestsFailed' });
  });

  it('a Complete build records the pushed image by digest; one that reports no digest is BuildFailed', () => {
    const complete = job([{ type: 'Complete', status: 'True' }]);
    const digest = `sha256:${'0f'.repeat(32)}`;
    const built = pod([done('clone', 0, 0, 1)], [done('build', 0, 1, 9, { message: `built r.example/app:abc ${digest}\n` })], 'Succeeded');
    expect(decideJobOutcome('build', complete, [built], [], T0, limits)).toMatchObject({ kind: 'succeeded', image: `r.example/app@${digest}` });
    const silent = pod([done('clone', 0, 0, 1)], [done('build', 0, 1, 9, { message: 'built r.example/app:abc \n' })], 'Succeeded');
    expect(decideJobOutcome('build', complete, [silent], [], T0, limits)).toMatchObject({ kind: 'failed', reason: 'BuildFailed', message: expect.stringContaining('no image digest') });
  });

  it("a Complete Job whose pod the cache still shows running waits for the pod's report, then decides from it", () => {
    // The Job watch can run ahead of the pod watch on a loaded machine: the digest is in the pod update still on its way.
    const complete = job([{ type: 'Complete', status: 'True', lastTransitionTime: at(10) }]);
    const digest = `sha256:${'0f'.repeat(32)}`;
    const stale = pod([done('clone', 0, 0, 1)], [{ name: 'build', state: { running: { startedAt: at(1) } } }], 'Running');
    expect(decideJobOutcome('build', complete, [stale], [], T0 + 12_000, limits)).toEqual({ kind: 'running', recheckAtMs: T0 + 40_000 });
    expect(decideJobOutcome('build', complete, [], [], T0 + 12_000, limits)).toEqual({ kind: 'running', recheckAtMs: T0 + 40_000 });
    const arrived = pod([done('clone', 0, 0, 1)], [done('build', 0, 1, 9, { message: `built r.example/app:abc ${digest}\n` })], 'Succeeded');
    expect(decideJobOutcome('build', complete, [arrived], [], T0 + 12_000, limits)).toMatchObject({ kind: 'succeeded', image: `r.example/app@${digest}` });
    // A pod that never shows its end is not waited for forever.
    expect(decideJobOutcome('build', complete, [stale], [], T0 + 40_000, limits)).toMatchObject({ kind: 'failed', reason: 'BuildFailed', message: expect.stringContaining('no image digest') });
  });

  it('the build Job failing in its build container is BuildFailed; a clone failure stays CloneFailed', () => {
    expect(decideJobOutcome('build', failed('PodFailurePolicy'), [pod([done('clone', 0, 0, 1)], [done('build', 1, 1, 2)])], [], T0, limits)).toMatchObject({ reason: 'BuildFailed' });
    expect(decideJobOutcome('build', failed('BackoffLimitExceeded'), [pod([done('clone', 1, 0, 1)], [])], [], T0, limits)).toMatchObject({ reason: 'CloneFailed' });
  });

  it('DeadlineExceeded is TestTimeout even when the pod is gone', () => {
    expect(decideJobOutcome('test', failed('DeadlineExceeded'), [], [], T0, limits)).toMatchObject({ kind: 'failed', reason: 'TestTimeout', message: expect.stringContaining('900s') });
  });

  const quotaEvent: EventFacts = {
    metadata: { name: 'e1' },
    involvedObject: { kind: 'Job', name: 'd-test', uid: 'u1' },
    reason: 'FailedCreate',
    message: 'Error creating: pods "d-test-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0',
    firstTimestamp: at(10),
  };

  it('a pod refused by quota waits until quotaWaitMs after the first refusal, then is QuotaExceeded', () => {
    const waiting = decideJobOutcome('test', job(), [], [quotaEvent], T0 + 30_000, limits);
    expect(waiting).toMatchObject({ kind: 'running', blocker: { reason: 'QuotaExceeded', deadlineMs: T0 + 70_000 } });
    const over = decideJobOutcome('test', job(), [], [quotaEvent], T0 + 70_000, limits);
    expect(over).toMatchObject({ kind: 'failed', reason: 'QuotaExceeded', stopJob: true, message: expect.stringContaining('waited 60s') });
  });

  it('quota refusals stop counting once a pod exists, and refusals of another Job (same name, other uid) do not count', () => {
    const running = pod([done('clone', 0, 0, 1)], [{ name: 'test', state: { running: { startedAt: at(1) } } }], 'Running');
    expect(decideJobOutcome('test', job(), [running], [quotaEvent], T0 + 999_000, limits)).toEqual({ kind: 'running' });
    const stale = { ...quotaEvent, involvedObject: { ...quotaEvent.involvedObject, uid: 'old' } };
    expect(decideJobOutcome('test', job(), [], [stale], T0 + 999_000, limits)).toEqual({ kind: 'running' });
  });

  it('an image that cannot be pulled fails as ImagePullFailed only after the grace period', () => {
    const pulling = pod([{ name: 'clone', state: { waiting: { reason: 'ImagePullBackOff', message: 'back-off pulling "git:1"' } } }], [], 'Pending', [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
    ]);
    expect(decideJobOutcome('test', job(), [pulling], [], T0 + 10_000, limits)).toMatchObject({ kind: 'running', blocker: { reason: 'ImagePullFailed' } });
    expect(decideJobOutcome('test', job(), [pulling], [], T0 + 30_000, limits)).toMatchObject({ kind: 'failed', reason: 'ImagePullFailed', stopJob: true });
  });

  it('an unschedulable pod fails as Unschedulable after the grace period', () => {
    const pending = pod([], [], 'Pending', [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes: Insufficient cpu', lastTransitionTime: at(5) }]);
    expect(decideJobOutcome('test', job(), [pending], [], T0 + 20_000, limits)).toMatchObject({ kind: 'running', blocker: { reason: 'Unschedulable' } });
    expect(decideJobOutcome('test', job(), [pending], [], T0 + 35_000, limits)).toMatchObject({ kind: 'failed', reason: 'Unschedulable', message: expect.stringContaining('Insufficient cpu') });
  });
});
