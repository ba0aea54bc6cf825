import { describe, expect, it } from 'vitest';
import { serviceAccount } from './service-account.js';

describe('serviceAccount', () => {
  it('does not automount its token unless asked', () => {
    expect(serviceAccount({ name: 'x', namespace: 'y' }).automountServiceAccountToken).toBe(false);
    expect(serviceAccount({ name: 'x', namespace: 'y', automountToken: true }).automountServiceAccountToken).toBe(true);
  });
});
