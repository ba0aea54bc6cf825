import type { V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import type { NamespaceRole, Permission, SluiceService, Verb } from './rbac-table.js';
import { NAMESPACE_ROLES, SLUICE_SERVICES, permissionsOf } from './rbac-table.js';
import { serviceAccount } from './service-account.js';
import { MANAGED_BY, assertDnsLabel, assertOneOf, sortedRecord } from './validate.js';

/** The concrete namespaces behind each namespace role. */
export interface SluiceNamespaces {
  /** Where Applications, Deliveries, Leases and the four apps live. @default 'sluice-system' */
  readonly system?: string;
  /** Where test Jobs run. @default 'sluice-test' */
  readonly test?: string;
  /** Where build Jobs run (Pod Security `baseline`, see builder-seccomp.ts). @default 'sluice-build' */
  readonly build?: string;
  /** Namespaces staging deploys go to. @default [] */
  readonly staging?: readonly string[];
  /** Namespaces production deploys go to. @default ['production'] */
  readonly production?: readonly string[];
  /** Where each Application's webhook Secret lives (the gateway's `SLUICE_WEBHOOK_SECRETS_NAMESPACE`); no workloads. @default 'sluice-webhooks' */
  readonly webhookSecrets?: string;
}

const VERB_ORDER: readonly Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Role and RoleBinding name for a service, e.g. `sluice-deployer`. */
export function roleName(service: SluiceService): string {
  return `sluice-${service}`;
}

/** ServiceAccount name for a service: the service's own name, in the system namespace. */
export function serviceAccountName(service: SluiceService): string {
  return service;
}

/**
 * Resolves namespace roles to concrete namespaces. The test and build
 * namespaces must not double as any other: their isolation is the point of
 * having them (and the build namespace's weaker Pod Security level must not
 * reach any other workload).
 */
function resolveNamespaces(builder: string, namespaces: SluiceNamespaces = {}): ReadonlyMap<NamespaceRole, readonly string[]> {
  const system = namespaces.system ?? 'sluice-system';
  const test = namespaces.test ?? 'sluice-test';
  const build = namespaces.build ?? 'sluice-build';
  const staging = [...new Set(namespaces.staging ?? [])].sort();
  const production = [...new Set(namespaces.production ?? ['production'])].sort();
  const webhookSecrets = namespaces.webhookSecrets ?? 'sluice-webhooks';
  for (const name of [system, test, build, webhookSecrets, ...staging, ...production]) assertDnsLabel(builder, 'namespace', name);
  const deployTargets = new Set([...staging, ...production]);
  const clash = (role: string, name: string, other: string): ManifestError =>
    new ManifestError('NamespaceConflict', builder, `${role} namespace "${name}" is also ${other}; give each its own namespace`);
  if (test === system) throw clash('test', test, 'the system namespace');
  if (deployTargets.has(test)) throw clash('test', test, 'a deploy target');
  if (build === system) throw clash('build', build, 'the system namespace');
  if (build === test) throw clash('build', build, 'the test namespace');
  if (deployTargets.has(build)) throw clash('build', build, 'a deploy target');
  if (deployTargets.has(system)) throw clash('system', system, 'a deploy target');
  // The gateway may read every Secret there: nothing else may live in it.
  if ([system, test, build].includes(webhookSecrets) || deployTargets.has(webhookSecrets)) throw clash('webhook-secrets', webhookSecrets, 'another Sluice namespace');
  return new Map<NamespaceRole, readonly string[]>([
    ['sluice-system', [system]],
    ['test', [test]],
    ['build', [build]],
    ['staging', staging],
    ['production', production],
    ['webhook-secrets', [webhookSecrets]],
  ]);
}

/** Rows of `service` grouped by concrete namespace, in namespace-role then name order. */
function rowsByNamespace(builder: string, service: SluiceService, namespaces: SluiceNamespaces): Map<string, Permission[]> {
  assertOneOf(builder, 'service', service, SLUICE_SERVICES);
  const resolved = resolveNamespaces(builder, namespaces);
  const rows = permissionsOf(service);
  const out = new Map<string, Permission[]>();
  for (const role of NAMESPACE_ROLES) {
    for (const ns of resolved.get(role) ?? []) {
      for (const row of rows.filter((r) => r.namespace === role)) {
        out.set(ns, [...(out.get(ns) ?? []), row]);
      }
    }
  }
  return out;
}

/** One rule per (apiGroup, resource, resourceNames); verbs merged in a fixed order, so a namespace that is both staging and production gets each verb once. */
function rulesOf(rows: readonly Permission[]): V1PolicyRule[] {
  const merged = new Map<string, { apiGroup: string; resource: string; names: readonly string[] | undefined; verbs: Set<Verb> }>();
  for (const row of rows) {
    const names = row.resourceNames ? [...row.resourceNames].sort() : undefined;
    const key = `${row.apiGroup}\u0000${row.resource}\u0000${names?.join(',') ?? ''}`;
    const entry = merged.get(key) ?? { apiGroup: row.apiGroup, resource: row.resource, names, verbs: new Set<Verb>() };
    for (const verb of row.verbs) entry.verbs.add(verb);
    merged.set(key, entry);
  }
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => ({ apiGroups: [r.apiGroup], resources: [r.resource], ...(r.names && { resourceNames: [...r.names] }), verbs: VERB_ORDER.filter((v) => r.verbs.has(v)) }));
}

function labelsFor(service: SluiceService): Record<string, string> {
  return sortedRecord({ ...MANAGED_BY, 'app.kubernetes.io/component': service, 'app.kubernetes.io/part-of': 'sluice' });
}

/**
 * The Roles `service` needs: one per namespace it touches, each holding only
 * the rows of {@link PERMISSIONS} for that namespace role. Namespaces the
 * service never touches get no Role at all.
 */
export function roleFor(service: SluiceService, namespaces: SluiceNamespaces = {}): V1Role[] {
  return [...rowsByNamespace('roleFor', service, namespaces)].map(([ns, rows]) => ({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'Role',
    metadata: { labels: labelsFor(service), name: roleName(service), namespace: ns },
    rules: rulesOf(rows),
  }));
}

/** The RoleBindings granting {@link roleFor}'s Roles to the service's ServiceAccount in the system namespace. */
export function roleBindingFor(service: SluiceService, namespaces: SluiceNamespaces = {}): V1RoleBinding[] {
  const system = resolveNamespaces('roleBindingFor', namespaces).get('sluice-system')?.[0] ?? 'sluice-system';
  return [...rowsByNamespace('roleBindingFor', service, namespaces).keys()].map((ns) => ({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: { labels: labelsFor(service), name: roleName(service), namespace: ns },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: roleName(service) },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccountName(service), namespace: system }],
  }));
}

/**
 * The service's ServiceAccount in the system namespace. Token automount is
 * off; the app's Deployment opts in, so no other pod borrows the identity.
 */
export function serviceAccountFor(service: SluiceService, namespaces: SluiceNamespaces = {}): V1ServiceAccount {
  assertOneOf('serviceAccountFor', 'service', service, SLUICE_SERVICES);
  const system = resolveNamespaces('serviceAccountFor', namespaces).get('sluice-system')?.[0] ?? 'sluice-system';
  return serviceAccount({ name: serviceAccountName(service), namespace: system, labels: labelsFor(service) });
}
