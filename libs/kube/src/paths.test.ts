import { describe, expect, it } from 'vitest';
import { groupVersionPath, objectKey, resourcePath } from './paths.js';

describe('resourcePath', () => {
  it('builds core, group, namespaced and subresource paths', () => {
    expect(resourcePath({ apiVersion: 'v1', plural: 'configmaps', namespace: 'a' })).toBe('/api/v1/namespaces/a/configmaps');
    expect(resourcePath({ apiVersion: 'v1', plural: 'namespaces', name: 'a' })).toBe('/api/v1/namespaces/a');
    expect(
      resourcePath({ apiVersion: 'sluice.dev/v1alpha1', plural: 'deliveries', namespace: 'sluice-system', name: 'd1', subresource: 'status' }),
    ).toBe('/apis/sluice.dev/v1alpha1/namespaces/sluice-system/deliveries/d1/status');
    expect(resourcePath({ apiVersion: 'apps/v1', plural: 'deployments' })).toBe('/apis/apps/v1/deployments');
  });

  it('escapes names so they cannot change the path', () => {
    expect(resourcePath({ apiVersion: 'v1', plural: 'configmaps', namespace: 'a', name: '../b' })).toBe('/api/v1/namespaces/a/configmaps/..%2Fb');
  });

  it('rejects malformed input with a message that says what is expected', () => {
    expect(() => groupVersionPath('/apis/x')).toThrow(/expected "v1" or "<group>\/<version>"/);
    expect(() => resourcePath({ apiVersion: 'v1', plural: 'pods', subresource: 'log' })).toThrow(/needs a name/);
  });
});

describe('objectKey', () => {
  it('is namespace/name, or name for cluster-scoped objects', () => {
    expect(objectKey('ns', 'a')).toBe('ns/a');
    expect(objectKey(undefined, 'a')).toBe('a');
  });
});
