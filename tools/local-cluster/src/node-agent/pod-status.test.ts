import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { computePhase, computePodStatus } from './pod-status.js';
import type { ContainerRuntime, ContainerState, PodRuntime } from './runtime-state.js';

const NOW = '2026-11-26T12:00:00Z';
const EARLIER = '2026-11-26T11:00:00Z';

function container(name: string, state: ContainerState, extra: Partial<ContainerRuntime> = {}): ContainerRuntime {
  return { name, kind: 'app', image: 'img', state, restartCount: 0, ready: false, started: false, ...extra };
}
const running = (): ContainerState => ({ type: 'running', startedAt: EARLIER });
const exited = (exitCode: number): ContainerState => ({
  type: 'terminated',
  terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', startedAt: EARLIER, finishedAt: NOW },
});

function pod(restartPolicy: string, extra: Partial<V1Pod['spec']> = {}, status?: V1Pod['status']): V1Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u' },
    spec: { restartPolicy, containers: [{ name: 'main', image: 'img' }], ...extra },
    status,
  };
}

function runtime(containers: ContainerRuntime[]): PodRuntime {
  return { hostIP: '127.0.0.1', podIP: '127.1.0.2', startTime: EARLIER, sandboxReady: true, containers };
}

describe('computePhase', () => {
  it('is Failed when a Never pod exits non-zero', () => {
    expect(computePhase(pod('Never').spec!, runtime([container('main', exited(3))]), false)).toBe('Failed');
  });
  it('is Succeeded when a Never/OnFailure pod exits 0', () => {
    expect(computePhase(pod('Never').spec!, runtime([container('main', exited(0))]), false)).toBe('Succeeded');
    expect(computePhase(pod('OnFailure').spec!, runtime([container('main', exited(0))]), false)).toBe('Succeeded');
  });
  it('stays Running for Always pods between restarts', () => {
    const c = container('main', { type: 'waiting', reason: 'CrashLoopBackOff' }, { lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: NOW } });
    expect(computePhase(pod('Always').spec!, runtime([c]), false)).toBe('Running');
  });
  it('is Pending while init containers run and Failed when one fails under Never', () => {
    const spec = pod('Never', { initContainers: [{ name: 'init', image: 'i' }] }).spec!;
    const waitingMain = container('main', { type: 'waiting', reason: 'PodInitializing' });
    expect(computePhase(spec, runtime([container('init', running(), { kind: 'init' }), waitingMain]), false)).toBe('Pending');
    expect(computePhase(spec, runtime([container('init', exited(1), { kind: 'init' }), waitingMain]), false)).toBe('Failed');
  });
  it('is Failed once the agent failed the pod (deadline)', () => {
    const rt = runtime([container('main', running())]);
    rt.failure = { reason: 'DeadlineExceeded', message: 'too long' };
    const s = computePodStatus(pod('Always'), rt, NOW);
    expect(s).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'too long' });
  });
  it('forces a terminal phase once the pod was stopped for good', () => {
    expect(computePhase(pod('Always').spec!, runtime([container('main', exited(143))]), true)).toBe('Failed');
    expect(computePhase(pod('Always').spec!, runtime([container('main', exited(0))]), true)).toBe('Succeeded');
  });
});

describe('computePodStatus', () => {
  it('reports a Job pod that exited 3 as Failed with its exit code', () => {
    const s = computePodStatus(pod('Never'), runtime([container('main', exited(3))]), NOW);
    expect(s.phase).toBe('Failed');
    expect(s.containerStatuses[0]).toMatchObject({ name: 'main', ready: false, state: { terminated: { exitCode: 3, reason: 'Error' } } });
    expect(s.podIP).toBe('127.1.0.2');
    expect(s.podIPs).toEqual([{ ip: '127.1.0.2' }]);
  });

  it('marks a ready pod Ready and keeps lastTransitionTime while the status holds', () => {
    const rt = runtime([container('main', running(), { ready: true, started: true })]);
    const first = computePodStatus(pod('Always'), rt, EARLIER);
    const ready = first.conditions.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'True', lastTransitionTime: EARLIER });
    const again = computePodStatus(pod('Always', {}, { conditions: first.conditions as never }), rt, NOW);
    expect(again.conditions.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe(EARLIER);
  });

  it('moves lastTransitionTime when readiness drops, with the kubelet message', () => {
    const rt = runtime([container('main', running(), { ready: true, started: true })]);
    const before = computePodStatus(pod('Always'), rt, EARLIER);
    rt.containers[0]!.ready = false;
    const after = computePodStatus(pod('Always', {}, { conditions: before.conditions as never }), rt, NOW);
    expect(after.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [main]',
      lastTransitionTime: NOW,
    });
  });

  it('reports pending init containers in Initialized', () => {
    const p = pod('Always', { initContainers: [{ name: 'clone', image: 'i' }] });
    const s = computePodStatus(
      p,
      runtime([container('clone', running(), { kind: 'init' }), container('main', { type: 'waiting', reason: 'PodInitializing' })]),
      NOW,
    );
    expect(s.phase).toBe('Pending');
    expect(s.conditions.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [clone]',
    });
    expect(s.initContainerStatuses.map((c) => c.name)).toEqual(['clone']);
    expect(s.containerStatuses[0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
  });

  it('says PodCompleted on a Succeeded pod', () => {
    const s = computePodStatus(pod('Never'), runtime([container('main', exited(0))]), NOW);
    expect(s.phase).toBe('Succeeded');
    expect(s.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('waits for readiness gates', () => {
    const p = pod('Always', { readinessGates: [{ conditionType: 'example.com/lb' }] });
    const s = computePodStatus(p, runtime([container('main', running(), { ready: true, started: true })]), NOW);
    expect(s.conditions.find((c) => c.type === 'ContainersReady')!.status).toBe('True');
    expect(s.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady' });
  });
});
