import { describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import type { PodSecurityLevel } from './namespace.js';
import { namespace } from './namespace.js';

describe('namespace', () => {
  it('enforces the restricted Pod Security Standard by default', () => {
    expect(namespace({ name: 'sluice-test' }).metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'sluice',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
    });
  });

  it('can enforce baseline while still warning and auditing at restricted', () => {
    const labels = namespace({ name: 'staging', podSecurity: 'baseline' }).metadata?.labels;
    expect(labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(labels?.['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(labels?.['pod-security.kubernetes.io/audit']).toBe('restricted');
  });

  it('refuses privileged and refuses labels that would weaken enforcement', () => {
    expect(() => namespace({ name: 'x', podSecurity: 'privileged' as PodSecurityLevel })).toThrow(/"privileged" is not one of "restricted", "baseline"/);
    expect(() => namespace({ name: 'x', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } })).toThrow(
      'namespace: label "pod-security.kubernetes.io/enforce" is set by the builder to "restricted"; remove it from labels (got "privileged")',
    );
  });

  it('keeps caller labels and sorts keys for stable output', () => {
    const ns = namespace({ name: 'shop', labels: { team: 'shop', 'a.example.com/x': 'y' } });
    const keys = Object.keys(ns.metadata?.labels ?? {});
    expect(keys).toEqual([...keys].sort());
    expect(ns.metadata?.labels).toMatchObject({ team: 'shop', 'a.example.com/x': 'y' });
  });

  it('rejects invalid names and labels with how to fix them', () => {
    expect(() => namespace({ name: 'Sluice_Test' })).toThrow(/not a DNS-1123 label; use at most 63 lowercase letters/);
    expect(() => namespace({ name: 'x', labels: { team: 'has space' } })).toThrow(ManifestError);
    expect(() => namespace({ name: 'x', labels: { '-bad': 'v' } })).toThrow(/label key "-bad" is invalid/);
  });
});
