import { describe, expect, it } from 'vitest';
import { APPLICATION_ADMISSION_POLICIES, applicationAdmission } from './application-admission.js';

describe('applicationAdmission', () => {
  const objects = applicationAdmission({ namespace: 'sluice-system' });
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

  it('binds each policy by its own name, denying, only for Applications in the given namespace', () => {
    expect(byKind('ValidatingAdmissionPolicy').map((p) => p.metadata?.name)).toEqual([APPLICATION_ADMISSION_POLICIES.targets, APPLICATION_ADMISSION_POLICIES.project]);
    for (const binding of byKind('ValidatingAdmissionPolicyBinding')) {
      const spec = (binding as { spec: { policyName: string; validationActions: string[]; matchResources: unknown } }).spec;
      expect(spec.policyName).toBe(binding.metadata?.name);
      expect(spec.validationActions).toEqual(['Deny']);
      expect(spec.matchResources).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sluice-system' } } });
    }
  });

  it('judges target namespaces against every Namespace and the project id against every other Application, failing closed', () => {
    const [targets, targetsBinding, project, projectBinding] = objects as { spec: Record<string, unknown> }[];
    expect(targets?.spec).toMatchObject({ failurePolicy: 'Fail', paramKind: { apiVersion: 'v1', kind: 'Namespace' } });
    expect(targetsBinding?.spec).toMatchObject({ paramRef: { selector: {}, parameterNotFoundAction: 'Deny' } });
    expect(project?.spec).toMatchObject({ failurePolicy: 'Fail', paramKind: { kind: 'Application' } });
    // The first Application of a namespace has no other to compare with.
    expect(projectBinding?.spec).toMatchObject({ paramRef: { selector: {}, parameterNotFoundAction: 'Allow' } });
  });

  it('refuses a namespace that is not a DNS label', () => {
    expect(() => applicationAdmission({ namespace: 'Sluice System' })).toThrow(/namespace/);
  });
});
