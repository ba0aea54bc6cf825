import { describe, expect, it } from 'vitest';
import { deliveryCrd } from './crds.js';
import { allowIngressPolicy, defaultDenyPolicy } from './network-policy.js';
import { toWire } from './wire.js';

describe('toWire', () => {
  it('writes NetworkPolicy peers as `from`, as the apiserver reads them', () => {
    const policy = allowIngressPolicy({ namespace: 'production', from: { namespaceLabels: { team: 'ingress' } } });
    const wire = JSON.stringify(toWire(policy));
    expect(wire).toContain('"from"');
    expect(wire).not.toContain('_from');
  });

  it('writes CRD schema keywords with their OpenAPI names', () => {
    const wire = JSON.stringify(toWire(deliveryCrd()));
    expect(wire).toContain('"x-kubernetes-validations"');
    expect(wire).not.toMatch(/"_enum"|"_default"|"x_kubernetes_/);
  });

  it('keeps a plain object unchanged', () => {
    const deny = defaultDenyPolicy({ namespace: 'sluice-test' });
    expect(toWire(deny)).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' });
  });
});
