import type { Application } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { decidePushSecret } from './push-secret.js';

function app(pushSecretName?: string): Application {
  return {
    metadata: { name: 'web', namespace: 'sluice-system' },
    spec: { build: { repository: 'registry.example.com/shop/web', ...(pushSecretName !== undefined && { pushSecretName }) } },
  } as unknown as Application;
}

const where = { buildNamespace: 'sluice-build', sharedSecret: 'sluice-registry-credentials' };
const secret = (annotations?: Record<string, string>) => ({ metadata: { name: 'shop-push', ...(annotations && { annotations }) } });

describe('decidePushSecret', () => {
  it('mounts the Application\'s own Secret when it is annotated for the repository the Application builds', () => {
    expect(decidePushSecret(app('shop-push'), secret({ 'sluice.dev/repository': 'registry.example.com/shop/web' }), where)).toEqual({
      kind: 'use',
      secretName: 'shop-push',
      shared: false,
    });
  });

  it('refuses a Secret scoped to another repository, naming the Secret and both repositories', () => {
    const decision = decidePushSecret(app('bank-push'), secret({ 'sluice.dev/repository': 'registry.example.com/bank/api' }), where);
    expect(decision).toEqual({
      kind: 'refuse',
      reason: 'NotOwned',
      message: 'push Secret sluice-build/bank-push is for repository registry.example.com/bank/api, but Application web builds registry.example.com/shop/web',
    });
  });

  it('refuses a Secret that names no repository, and one that does not exist', () => {
    expect(decidePushSecret(app('shop-push'), secret(), where)).toMatchObject({ kind: 'refuse', reason: 'NotOwned', message: expect.stringContaining('sluice-build/shop-push is for no repository (no sluice.dev/repository annotation)') });
    expect(decidePushSecret(app('shop-push'), undefined, where)).toMatchObject({ kind: 'refuse', reason: 'NotOwned', message: expect.stringMatching(/sluice-build\/shop-push does not exist.*builds registry\.example\.com\/shop\/web/) });
  });

  it('is not fooled by a repository that only starts like the Application\'s', () => {
    expect(decidePushSecret(app('shop-push'), secret({ 'sluice.dev/repository': 'registry.example.com/shop/web-other' }), where)).toMatchObject({ kind: 'refuse' });
    expect(decidePushSecret(app('shop-push'), secret({ 'sluice.dev/repository': 'registry.example.com/shop' }), where)).toMatchObject({ kind: 'refuse' });
  });

  it('falls back to the shared cluster-wide Secret when the Application names none (migration)', () => {
    expect(decidePushSecret(app(), undefined, where)).toEqual({ kind: 'use', secretName: 'sluice-registry-credentials', shared: true });
  });
});
