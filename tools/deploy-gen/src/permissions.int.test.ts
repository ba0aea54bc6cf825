import { PERMISSIONS, SLUICE_SERVICES, roleFor, serviceAccountName, type SluiceService } from '@sluice/manifests';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { adminKubeConfig, waitUntil } from '@sluice/local-cluster/testing';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from './kubectl.testkit.js';
import { BASE } from './profile.js';
import { namespacesOf } from './render.js';

const authorization = adminKubeConfig(inject('kubeconfig')).makeApiClient(AuthorizationV1Api);
const ns = BASE.namespaces;
const ALL_NS = [ns.system, ns.test, ns.build, ...ns.staging, ...ns.production];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

interface Check {
  readonly namespace?: string;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
}

/** Asks the real apiserver's authorizer whether `service`'s ServiceAccount may do `check`. */
async function allowed(service: SluiceService, check: Check): Promise<boolean> {
  const review = await authorization.createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${ns.system}:${serviceAccountName(service)}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns.system}`, 'system:authenticated'],
        resourceAttributes: check,
      },
    },
  });
  return review.status?.allowed === true;
}

function split(resource: string): { resource: string; subresource?: string } {
  const [r, sub] = resource.split('/');
  return sub ? { resource: r ?? '', subresource: sub } : { resource: r ?? '' };
}

beforeAll(async () => {
  const r = kubectl(inject('kubeconfig'), ['apply', '--server-side', '--force-conflicts', '--field-manager=deploy-gen-test', '-k', 'deploy/base']);
  expect(r.status, r.stderr).toBe(0);
  // The authorizer learns of new RBAC objects through its informer, moments after the apply: wait until
  // every service's first permission is effective, so the checks below see the install, not the gap.
  for (const service of SLUICE_SERVICES) {
    const row = PERMISSIONS.find((p) => p.service === service && p.namespace === 'sluice-system');
    if (row === undefined) continue;
    const check = { namespace: ns.system, verb: row.verbs[0] ?? 'get', group: row.apiGroup, ...split(row.resource) };
    await waitUntil(() => allowed(service, check), `${service}'s Role to take effect`, 15_000);
  }
}, 60_000);

describe.each(SLUICE_SERVICES)('%s on the real apiserver', (service) => {
  const rows = PERMISSIONS.filter((p) => p.service === service);
  const concrete = rows.flatMap((row) => namespacesOf(row.namespace, BASE).map((namespace) => ({ row, namespace })));

  it('is allowed every call in its rows of the table', async () => {
    for (const { row, namespace } of concrete) {
      for (const verb of row.verbs) {
        const name = row.resourceNames?.[0];
        expect(await allowed(service, { namespace, verb, group: row.apiGroup, ...split(row.resource), ...(name && { name }) }), `${verb} ${row.resource} ${name ?? ''} in ${namespace}`).toBe(true);
        // A row limited to names grants nothing on other objects of the resource.
        if (name) expect(await allowed(service, { namespace, verb, group: row.apiGroup, ...split(row.resource), name: 'someone-elses' }), `${verb} ${row.resource} someone-elses`).toBe(false);
      }
    }
  });

  it('is denied every verb the table does not grant, in every namespace', async () => {
    const resources = [...new Set(PERMISSIONS.map((p) => `${p.apiGroup}|${p.resource}`))];
    for (const namespace of ALL_NS) {
      for (const key of resources) {
        const [group = '', resource = ''] = key.split('|');
        for (const verb of VERBS) {
          const granted = concrete.some((c) => c.namespace === namespace && c.row.apiGroup === group && c.row.resource === resource && c.row.verbs.includes(verb as never));
          if (granted) continue;
          expect(await allowed(service, { namespace, verb, group, ...split(resource) }), `${verb} ${resource} in ${namespace}`).toBe(false);
        }
      }
    }
  });

  it('cannot read Secrets (but where its table rows say), exec into pods, touch kube-system, RBAC, or delete namespaces', async () => {
    // The only Secret reads: the test runner gets a Secret by name in the test and build namespaces (push Secret check,
    // redaction), the gateway watches the webhook-secrets namespace (not in ALL_NS). Anything else is denied.
    const grantedSecretReads = new Set(
      rows.filter((r) => r.resource === 'secrets').flatMap((r) => namespacesOf(r.namespace, BASE).flatMap((namespace) => r.verbs.map((verb) => `${namespace}/${verb}`))),
    );
    const denied: Check[] = [
      ...ALL_NS.flatMap((namespace) => [
        ...['get', 'list', 'watch'].filter((verb) => !grantedSecretReads.has(`${namespace}/${verb}`)).map((verb) => ({ namespace, verb, group: '', resource: 'secrets' })),
        ...['create', 'get'].map((verb) => ({ namespace, verb, group: '', resource: 'pods', subresource: 'exec' })),
        ...['create', 'patch', 'update', 'delete', 'escalate', 'bind'].flatMap((verb) =>
          ['roles', 'rolebindings'].map((resource) => ({ namespace, verb, group: 'rbac.authorization.k8s.io', resource })),
        ),
      ]),
      ...VERBS.flatMap((verb) =>
        [
          ['', 'pods'],
          ['', 'secrets'],
          ['', 'configmaps'],
          ['apps', 'deployments'],
          ['coordination.k8s.io', 'leases'],
        ].map(([group = '', resource = '']) => ({ namespace: 'kube-system', verb, group, resource })),
      ),
      ...['delete', 'create', 'patch'].map((verb) => ({ verb, group: '', resource: 'namespaces' })),
      ...['create', 'patch', 'escalate', 'bind'].flatMap((verb) =>
        ['clusterroles', 'clusterrolebindings'].map((resource) => ({ verb, group: 'rbac.authorization.k8s.io', resource })),
      ),
      { verb: 'list', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
    ];
    for (const check of denied) expect(await allowed(service, check), JSON.stringify(check)).toBe(false);
    // No service may list or watch Secrets where workloads run; only the test runner may get one there.
    expect([...grantedSecretReads].filter((k) => ALL_NS.includes(k.split('/')[0] ?? '')).sort()).toEqual(
      service === 'test-runner' ? [`${ns.build}/get`, `${ns.test}/get`] : [],
    );
  });

  it('has Roles only in the namespaces its rows name', () => {
    const touched = new Set(concrete.map((c) => c.namespace));
    expect(roleFor(service, ns).map((r) => r.metadata?.namespace).sort()).toEqual([...touched].sort());
  });
});

describe('server-side apply needs create as well as patch', () => {
  it('is what the deployer holds where it applies Deployments and Services', async () => {
    for (const namespace of [...ns.staging, ...ns.production]) {
      for (const resource of ['deployments', 'services']) {
        const group = resource === 'deployments' ? 'apps' : '';
        expect(await allowed('deployer', { namespace, verb: 'create', group, resource })).toBe(true);
        expect(await allowed('deployer', { namespace, verb: 'patch', group, resource })).toBe(true);
      }
    }
  });

  it('is enforced by the apiserver: an apply that would create, with patch alone, is Forbidden', () => {
    const kc = inject('kubeconfig');
    const name = `ssa-probe-${Date.now()}`;
    expect(kubectl(kc, ['create', 'namespace', name]).status).toBe(0);
    expect(kubectl(kc, ['-n', name, 'create', 'role', 'patch-only', '--verb=patch', '--resource=configmaps']).status).toBe(0);
    const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace: name } });
    const r = kubectl(kc, ['apply', '--server-side', '--field-manager=probe', '--as=system:serviceaccount:x:y', `--as-group=${name}`, '-f', '-'], manifest);
    void kubectl(kc, ['-n', name, 'create', 'rolebinding', 'patch-only', '--role=patch-only', `--group=${name}`]);
    const withBinding = kubectl(kc, ['apply', '--server-side', '--field-manager=probe', '--as=system:serviceaccount:x:y', `--as-group=${name}`, '-f', '-'], manifest);
    expect(r.status).not.toBe(0);
    expect(withBinding.stderr).toMatch(/cannot create resource "configmaps"/);
    kubectl(kc, ['delete', 'namespace', name, '--wait=false']);
  });
});
