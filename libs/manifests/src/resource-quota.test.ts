import { describe, expect, it } from 'vitest';
import { resourceQuota } from './resource-quota.js';

describe('resourceQuota', () => {
  it('caps pods and both requests and limits of cpu and memory', () => {
    const q = resourceQuota({ namespace: 'sluice-test', pods: 4, requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } });
    expect(q.metadata).toMatchObject({ name: 'sluice-test-quota', namespace: 'sluice-test' });
    expect(q.spec?.hard).toEqual({ 'limits.cpu': '4', 'limits.memory': '8Gi', pods: '4', 'requests.cpu': '2', 'requests.memory': '4Gi' });
  });

  it('rejects limits below requests and a non-positive pod count', () => {
    expect(() => resourceQuota({ namespace: 'sluice-test', requests: { cpu: '8', memory: '16Gi' }, limits: { cpu: '4', memory: '32Gi' } })).toThrow(
      'resourceQuota: limits.cpu "4" is below requests.cpu "8"; raise limits.cpu or lower requests.cpu',
    );
    expect(() => resourceQuota({ namespace: 'sluice-test', pods: 0 })).toThrow(/pods is 0; set it to an integer ≥ 1/);
  });

  it('keeps defaults when a prop is explicitly undefined', () => {
    expect(resourceQuota({ namespace: 'sluice-test', pods: undefined }).spec?.hard?.['pods']).toBe('10');
  });
});
