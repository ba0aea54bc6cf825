import { describe, expect, it } from 'vitest';
import { applicationConditions, sameConditions } from './application-conditions.js';
import type { RawApplication } from './application-conditions.js';
import type { ApplicationSpecInput } from './application.js';
import type { Condition } from './resource-meta.js';

const NOW = new Date('2026-12-07T12:00:00.123Z');
const LATER = new Date('2026-12-07T13:00:00Z');

function spec(project = { id: 42, path: 'shop/web' }): ApplicationSpecInput {
  return {
    project,
    repositoryUrl: 'https://gitlab.example.com/shop/web.git',
    rules: [{ refs: 'main', environments: ['production'] }],
    test: { image: 'node:20-alpine', commands: ['npm test'] },
    build: { repository: 'registry.example.com/shop/web' },
    environments: { production: { namespace: 'shop', deploymentName: 'web', serviceName: 'web' } },
  };
}

function app(name: string, specValue: unknown = spec(), extra: { annotations?: Record<string, string>; conditions?: Condition[] } = {}): RawApplication & { spec: unknown } {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'sluice-system', generation: 3, ...(extra.annotations && { annotations: extra.annotations }) },
    spec: specValue,
    ...(extra.conditions && { status: { conditions: extra.conditions } }),
  } as RawApplication & { spec: unknown };
}

function ready(a: RawApplication, all: readonly RawApplication[] = [a], now = NOW): Condition | undefined {
  return applicationConditions(a, all, now).find((c) => c.type === 'Ready');
}

describe('Application Ready condition', () => {
  it('is True for a valid Application that alone claims its project', () => {
    expect(ready(app('web'))).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'Accepted',
      message: 'pushes of project 42 (shop/web) are delivered by this Application',
      lastTransitionTime: '2026-12-07T12:00:00Z',
      observedGeneration: 3,
    });
  });

  it('is False with InvalidSpec naming the bad field by its path', () => {
    const input = { ...spec(), environments: { production: { namespace: 'shop', deploymentName: 'web', serviceName: 'web', promotion: 'sometimes' } } };
    expect(ready(app('web', input))).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: 'spec.environments.production.promotion: Invalid option: expected one of "automatic"|"manual"',
    });
  });

  it('reports cross-field problems the CRD cannot check', () => {
    const input = { ...spec(), rules: [{ refs: 'main', environments: ['staging'] }] };
    expect(ready(app('web', input))).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: 'spec.rules[0].environments[0]: "staging" is not configured; add environments.staging or remove it from this rule',
    });
  });

  it('marks both Applications that claim one project id, so neither receives its pushes', () => {
    const a = app('a-web');
    const b = app('b-web', spec({ id: 42, path: 'other/name' }));
    const message = 'is also claimed by Application';
    expect(ready(a, [a, b])).toMatchObject({ status: 'False', reason: 'DuplicateProject', message: expect.stringContaining(`project 42 (shop/web) ${message} b-web`) });
    expect(ready(b, [a, b])).toMatchObject({ status: 'False', reason: 'DuplicateProject', message: expect.stringContaining(`${message} a-web; its pushes are delivered by none of them`) });
  });

  it('lets two projects share a path: the path is for display, the id routes', () => {
    const a = app('a-web');
    const b = app('b-web', spec({ id: 7, path: 'Shop/Web' }));
    expect(ready(b, [a, b])).toMatchObject({ status: 'True', reason: 'Accepted' });
  });

  it('lets an invalid Application claim nothing: the valid one with the same project stays Ready', () => {
    const broken = app('a-web', { ...spec(), rules: [] });
    const good = app('b-web');
    expect(ready(good, [broken, good])).toMatchObject({ status: 'True', reason: 'Accepted' });
  });

  it.each([
    ['sluice.dev/promotion.production', 'manual', 'set spec.environments.production.promotion: manual instead'],
    ['sluice.dev/container-command', '["node","server.js"]', 'set spec.command (a list of strings) instead'],
    ['sluice.dev/builder-image', 'builder:1', 'the builder image is cluster configuration (SLUICE_BUILDER_IMAGE): remove it'],
  ])('is False with RemovedAnnotation while %s is still set', (key, value, advice) => {
    expect(ready(app('web', spec(), { annotations: { [key]: value } }))).toMatchObject({
      status: 'False',
      reason: 'RemovedAnnotation',
      message: `annotation ${key} is no longer read; ${advice}`,
    });
  });

  it('keeps lastTransitionTime while the status stays, and moves it when the status changes', () => {
    const first = applicationConditions(app('web'), [], NOW);
    const again = applicationConditions(app('web', spec(), { conditions: first }), [], LATER);
    expect(again).toEqual(first);
    expect(sameConditions(first, again)).toBe(true);
    const broken = applicationConditions(app('web', { ...spec(), rules: [] }, { conditions: first }), [], LATER);
    expect(broken[0]).toMatchObject({ status: 'False', lastTransitionTime: '2026-12-07T13:00:00Z' });
    expect(sameConditions(first, broken)).toBe(false);
  });
});
