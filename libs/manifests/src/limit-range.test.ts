import { describe, expect, it } from 'vitest';
import { limitRange } from './limit-range.js';

describe('limitRange', () => {
  it('gives containers default requests and limits and a ceiling', () => {
    const [item] = limitRange({ namespace: 'sluice-test' }).spec?.limits ?? [];
    expect(item).toEqual({
      _default: { cpu: '1', memory: '1Gi' },
      defaultRequest: { cpu: '250m', memory: '256Mi' },
      max: { cpu: '4', memory: '8Gi' },
      type: 'Container',
    });
  });

  it('rejects defaults that contradict each other', () => {
    expect(() => limitRange({ namespace: 'sluice-test', defaultRequest: { cpu: '2', memory: '256Mi' } })).toThrow(/defaultLimit.cpu "1" is below defaultRequest.cpu "2"/);
    expect(() => limitRange({ namespace: 'sluice-test', max: { cpu: '4', memory: '512Mi' } })).toThrow(/max.memory "512Mi" is below defaultLimit.memory "1Gi"/);
  });
});
