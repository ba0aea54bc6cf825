import { describe, expect, it } from 'vitest';
import { activeService } from './active-service.js';
import { colorDeployment } from './color-deployment.js';
import { limitRange } from './limit-range.js';
import { buildNamespacePolicies, productionNamespacePolicies, systemNamespacePolicies, testNamespacePolicies } from './namespace-policies.js';
import { namespace } from './namespace.js';
import { roleBindingFor, roleFor, serviceAccountFor } from './rbac.js';
import { resourceQuota } from './resource-quota.js';
import { testJob } from './test-job.js';
import { roundTrip, toWire } from './testing/wire.js';

/**
 * Builders return client-node's TypeScript shapes; client-node's serializer
 * (used by its API clients and dumpYaml) must carry every field to the wire.
 * A field client-node's model does not know would be dropped silently.
 */
const samples: [string, object][] = [
  ['namespace', namespace({ name: 'sluice-test' })],
  ['namespace baseline', namespace({ name: 'sluice-build', podSecurity: 'baseline' })],
  ['resourceQuota', resourceQuota({ namespace: 'sluice-test' })],
  ['limitRange', limitRange({ namespace: 'sluice-test' })],
  ['serviceAccount', serviceAccountFor('deployer')],
  ...roleFor('deployer').map((r): [string, object] => ['role', r]),
  ...roleBindingFor('deployer').map((r): [string, object] => ['roleBinding', r]),
  ...testNamespacePolicies({ namespace: 'sluice-test', endpoints: [{ cidr: '203.0.113.0/24', ports: [443] }] }).map((p): [string, object] => [`networkPolicy ${p.metadata?.name}`, p]),
  ...buildNamespacePolicies({ namespace: 'sluice-build', endpoints: [{ cidr: '203.0.113.0/24', ports: [443] }] }).map((p): [string, object] => [`build networkPolicy ${p.metadata?.name}`, p]),
  ...productionNamespacePolicies({ namespace: 'production' }).map((p): [string, object] => [`networkPolicy ${p.metadata?.name}`, p]),
  ...systemNamespacePolicies({ environments: ['production'] }).map((p): [string, object] => [`networkPolicy ${p.metadata?.name}`, p]),
  [
    'testJob',
    testJob({
      name: 't',
      namespace: 'sluice-test',
      image: 'node:20',
      installCommands: ['npm ci'],
      testCommands: ['npm test'],
      repositoryUrl: 'https://gitlab.example.com/a/b.git',
      sha: 'a'.repeat(40),
      fetchRef: 'refs/heads/main',
      gitCredentialsSecret: 'git',
      cloneImage: 'git:2',
    }),
  ],
  ['colorDeployment', colorDeployment({ app: 'shop', namespace: 'production', environment: 'production', color: 'blue', image: 'shop:1', owner: 'sluice-system/shop', readinessProbe: { path: '/' }, livenessProbe: { path: '/' } })],
  ['activeService', activeService({ app: 'shop', namespace: 'production', color: 'blue', owner: 'sluice-system/shop' })],
];

describe('client-node serialization', () => {
  it.each(samples)('%s survives a round trip without losing fields', (_, obj) => {
    expect(roundTrip(obj)).toEqual(obj);
  });

  it('maps renamed fields to their wire names', () => {
    const ingress = toWire(productionNamespacePolicies({ namespace: 'production' })[1] ?? {});
    expect(JSON.stringify(ingress)).toContain('"from":[');
    expect(JSON.stringify(toWire(limitRange({ namespace: 'sluice-test' })))).toContain('"default":{');
    for (const [, obj] of samples) expect(JSON.stringify(toWire(obj))).not.toMatch(/"_[a-z]+":/);
  });
});
