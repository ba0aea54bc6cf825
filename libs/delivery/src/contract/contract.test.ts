import { describe, expect, it } from 'vitest';
import { DeliverySpecSchema, type Delivery, type DeliveryStatus } from '../delivery.js';
import { rollbackAction, rollbackTarget } from './annotations.js';
import { plannedEnvironments, shownStages } from './planned.js';
import { runPageUrl } from './run-page.js';
import { withRejected } from './rejected.js';

function delivery(spec: { environments?: Delivery['spec']['environments'] }, annotations?: Record<string, string>, status?: DeliveryStatus) {
  return { metadata: { annotations }, spec, ...(status && { status }) };
}

describe('plannedEnvironments', () => {
  it('reads the environments the gateway wrote into the spec, staging first', () => {
    expect(plannedEnvironments(delivery({ environments: ['staging', 'production'] }))).toEqual(['staging', 'production']);
    expect(plannedEnvironments(delivery({ environments: [] }, { 'sluice.dev/environments': 'production' }))).toEqual([]);
  });

  it('falls back to the annotation of Deliveries created before spec.environments, ignoring unknown names', () => {
    expect(plannedEnvironments(delivery({}, { 'sluice.dev/environments': 'production, staging,qa' }))).toEqual(['staging', 'production']);
    expect(plannedEnvironments(delivery({}))).toEqual([]);
  });
});

describe('shownStages', () => {
  it('shows the planned stages, pending, before a controller wrote a status', () => {
    expect(shownStages(delivery({ environments: ['production'] })).map((s) => [s.name, s.environment, s.state])).toEqual([
      ['test', undefined, 'pending'],
      ['build', undefined, 'pending'],
      ['deploy', 'production', 'pending'],
    ]);
  });

  it('shows stages an ended Delivery left open as canceled, with its message and reason', () => {
    const status: DeliveryStatus = { phase: 'Superseded', reason: 'Superseded', message: 'a newer push', posted: {}, stages: [{ name: 'test', state: 'running' }] };
    expect(shownStages(delivery({}, undefined, status))).toEqual([{ name: 'test', state: 'canceled', reason: 'Superseded', message: 'a newer push' }]);
  });
});

describe('runPageUrl', () => {
  it('links <public url>/deliveries/<name>, escaped; nothing without a public URL', () => {
    expect(runPageUrl('https://sluice.example.com/', 'main-abc')).toBe('https://sluice.example.com/deliveries/main-abc');
    expect(runPageUrl('https://x.test/runs', 'a b')).toBe('https://x.test/runs/deliveries/a%20b');
    expect(runPageUrl(undefined, 'main-abc')).toBeUndefined();
  });
});

describe('withRejected', () => {
  it('remembers a rejected revision once, newest last, bounded', () => {
    expect(withRejected('a b', 'a')).toBe('b a');
    expect(withRejected(Array.from({ length: 60 }, (_, i) => `s${i}`).join(' '), 'new').split(' ')).toHaveLength(50);
  });
});

describe('rollback action', () => {
  it('names the environment to roll back; a plain rollback means production', () => {
    expect(rollbackTarget(rollbackAction('staging'))).toBe('staging');
    expect(rollbackTarget('rollback')).toBe('production');
    expect(rollbackTarget('promote')).toBeUndefined();
    expect(rollbackTarget('rollback:qa')).toBeUndefined();
  });
});

describe('spec.environments', () => {
  it('accepts each environment once, staging before production, and refuses anything else', () => {
    const ok = (environments: unknown) => DeliverySpecSchema.shape.environments.safeParse(environments).success;
    expect([ok([]), ok(['production']), ok(['staging', 'production'])]).toEqual([true, true, true]);
    expect([ok(['production', 'staging']), ok(['staging', 'staging']), ok(['qa'])]).toEqual([false, false, false]);
  });
});
