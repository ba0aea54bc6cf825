import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideFit, isOursToSchedule, podRequests, type SchedulableNode } from './scheduling.js';

const node: SchedulableNode = {
  name: 'local-node',
  labels: { 'kubernetes.io/hostname': 'local-node', 'kubernetes.io/os': 'linux' },
  allocatable: { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
};

function pod(name: string, requests: Record<string, string> = {}, extra: Partial<V1Pod['spec']> = {}): V1Pod {
  return {
    metadata: { name, namespace: 'ns', uid: name },
    spec: { containers: [{ name: 'main', image: 'x', resources: { requests } }], ...extra },
    status: { phase: 'Running' },
  };
}

describe('decideFit', () => {
  it('fits a pod whose requests fit the remaining allocatable', () => {
    expect(decideFit(pod('a', { cpu: '500m', memory: '1Gi' }), node, [pod('b', { memory: '15Gi' })])).toEqual({ fits: true });
  });

  it('explains insufficient memory like kube-scheduler', () => {
    expect(decideFit(pod('a', { memory: '2Gi' }), node, [pod('b', { memory: '15Gi' })])).toEqual({
      fits: false,
      message: '0/1 nodes are available: 1 Insufficient memory.',
    });
  });

  it('lists several shortfalls sorted', () => {
    const d = decideFit(pod('a', { memory: '17Gi', cpu: '9' }), node, []);
    expect(d).toEqual({ fits: false, message: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.' });
  });

  it('ignores terminal pods and the pod itself', () => {
    const done = { ...pod('b', { memory: '15Gi' }), status: { phase: 'Succeeded' } };
    expect(decideFit(pod('a', { memory: '2Gi' }), node, [done, pod('a', { memory: '2Gi' })])).toEqual({ fits: true });
  });

  it('refuses unknown extended resources', () => {
    expect(decideFit(pod('a', { 'nvidia.com/gpu': '1' }), node, [])).toMatchObject({
      fits: false,
      message: '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.',
    });
  });

  it('honours nodeSelector and required node affinity', () => {
    expect(decideFit(pod('a', {}, { nodeSelector: { disk: 'ssd' } }), node, [])).toEqual({
      fits: false,
      message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
    });
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }],
        },
      },
    };
    expect(decideFit(pod('a', {}, { affinity }), node, [])).toEqual({ fits: true });
  });

  it('caps the pod count', () => {
    const small = { ...node, allocatable: { ...node.allocatable, pods: '1' } };
    expect(decideFit(pod('a'), small, [pod('b')])).toMatchObject({ message: '0/1 nodes are available: 1 Too many pods.' });
  });
});

describe('podRequests', () => {
  it('takes the larger of app containers and the biggest init container', () => {
    const spec: V1Pod['spec'] & object = {
      initContainers: [{ name: 'init', image: 'x', resources: { requests: { memory: '3Gi' } } }],
      containers: [
        { name: 'a', image: 'x', resources: { requests: { memory: '1Gi', cpu: '100m' } } },
        { name: 'b', image: 'x', resources: { requests: { memory: '1Gi' } } },
      ],
    };
    expect(podRequests(spec)).toEqual({ memory: 3 * 2 ** 30, cpu: 100 });
  });
});

describe('isOursToSchedule', () => {
  it('skips bound pods, other schedulers and gated pods', () => {
    expect(isOursToSchedule(pod('a'))).toBe(true);
    expect(isOursToSchedule(pod('a', {}, { nodeName: 'n' }))).toBe(false);
    expect(isOursToSchedule(pod('a', {}, { schedulerName: 'other' }))).toBe(false);
    expect(isOursToSchedule(pod('a', {}, { schedulingGates: [{ name: 'g' }] }))).toBe(false);
  });
});
