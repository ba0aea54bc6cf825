/**
 * The single source of truth for what each Sluice service may do in the
 * Kubernetes API. Roles, RoleBindings, their tests and the generated
 * permissions document all read this table; change access here or nowhere.
 */

/** The four Sluice apps, each with its own ServiceAccount. */
export type SluiceService = 'webhook-gateway' | 'test-runner' | 'deployer' | 'notifier';

/** Every Sluice service, in a fixed order. */
export const SLUICE_SERVICES: readonly SluiceService[] = Object.freeze(['webhook-gateway', 'test-runner', 'deployer', 'notifier']);

/**
 * Which kind of namespace a permission applies in. The concrete names are
 * supplied when building Roles (see `SluiceNamespaces`).
 */
export type NamespaceRole = 'sluice-system' | 'test' | 'staging' | 'production';

/** Every namespace role, in a fixed order. */
export const NAMESPACE_ROLES: readonly NamespaceRole[] = Object.freeze(['sluice-system', 'test', 'staging', 'production']);

/** Verbs Sluice ever grants. No `*`, no `escalate`/`bind`/`impersonate`. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** One row: `service` may do `verbs` to `apiGroup`/`resource` in namespaces of kind `namespace`. */
export interface Permission {
  readonly service: SluiceService;
  readonly namespace: NamespaceRole;
  /** `''` is the core API group. */
  readonly apiGroup: '' | 'apps' | 'batch' | 'coordination.k8s.io' | 'sluice.dev';
  /** Plural resource, optionally with a subresource (`deliveries/status`, `pods/log`). */
  readonly resource: string;
  /** Why the service needs this, for the generated document and for reviewers. */
  readonly reason: string;
  readonly verbs: readonly Verb[];
}

const READ: readonly Verb[] = ['get', 'list', 'watch'];

/** Leader election: every controller holds a Lease in sluice-system; the stateless gateway does not. */
function leaderElection(service: SluiceService): Permission {
  return {
    service,
    namespace: 'sluice-system',
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    reason: 'leader election, so only one replica acts at a time',
    verbs: ['get', 'create', 'update'],
  };
}

const rows: Permission[] = [
  // webhook-gateway: turns a verified webhook into a Delivery; serves run pages.
  { service: 'webhook-gateway', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: 'match a webhook to its Application', verbs: READ },
  { service: 'webhook-gateway', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries', reason: 'create Deliveries, show run pages, cancel on branch delete', verbs: ['create', 'get', 'list', 'watch', 'patch'] },

  // test-runner: Delivery → test/build Job in the test namespace → results.
  { service: 'test-runner', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: 'read the test image and commands', verbs: ['get'] },
  { service: 'test-runner', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries', reason: 'watch Deliveries and annotate them', verbs: ['get', 'list', 'watch', 'patch'] },
  { service: 'test-runner', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries/status', reason: 'record test and build stages', verbs: ['patch'] },
  leaderElection('test-runner'),
  { service: 'test-runner', namespace: 'test', apiGroup: 'batch', resource: 'jobs', reason: 'run, follow and clean up test Jobs', verbs: ['create', 'get', 'list', 'watch', 'delete'] },
  { service: 'test-runner', namespace: 'test', apiGroup: '', resource: 'pods', reason: 'read container exit codes and termination messages', verbs: READ },
  { service: 'test-runner', namespace: 'test', apiGroup: '', resource: 'pods/log', reason: 'keep a short log tail', verbs: ['get'] },
  { service: 'test-runner', namespace: 'test', apiGroup: '', resource: 'events', reason: 'tell Unschedulable and ImagePullFailed apart', verbs: ['list'] },
  { service: 'test-runner', namespace: 'test', apiGroup: '', resource: 'resourcequotas', reason: 'report QuotaExceeded with the quota that was hit', verbs: ['get'] },

  // deployer: blue-green rollout, verification, rollback.
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: 'read targets, health checks and rollback policy', verbs: READ },
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries', reason: 'watch Deliveries ready to deploy', verbs: READ },
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries/status', reason: 'record deploy stages and rollbacks', verbs: ['patch'] },
  leaderElection('deployer'),
  ...(['staging', 'production'] as const).flatMap((namespace): Permission[] => [
    { service: 'deployer', namespace, apiGroup: 'apps', resource: 'deployments', reason: 'create and update the blue and green Deployments', verbs: ['get', 'list', 'watch', 'create', 'patch', 'update'] },
    { service: 'deployer', namespace, apiGroup: 'apps', resource: 'replicasets', reason: 'follow a rollout to its pods', verbs: READ },
    { service: 'deployer', namespace, apiGroup: '', resource: 'services', reason: 'switch the active Service between colors', verbs: ['get', 'list', 'watch', 'create', 'patch'] },
    { service: 'deployer', namespace, apiGroup: '', resource: 'pods', reason: 'detect CrashLoop and ReadinessFailed', verbs: READ },
    { service: 'deployer', namespace, apiGroup: '', resource: 'events', reason: 'explain a stalled rollout', verbs: ['list'] },
  ]),

  // notifier: Delivery status → GitLab commit statuses, deployments, MR notes.
  { service: 'notifier', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: 'read the GitLab project of a Delivery', verbs: ['get'] },
  { service: 'notifier', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries', reason: 'watch Deliveries whose status changed', verbs: ['get', 'list', 'watch', 'patch'] },
  { service: 'notifier', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries/status', reason: 'remember what was last posted to GitLab', verbs: ['patch'] },
  leaderElection('notifier'),
];

/**
 * Every permission Sluice grants, frozen. There is no ClusterRole: Sluice
 * reads its CRDs' objects, never the CRDs themselves, and touches no
 * cluster-scoped resource. No row names `secrets`: mounted Secrets need no RBAC.
 */
export const PERMISSIONS: readonly Permission[] = Object.freeze(rows.map((row) => Object.freeze({ ...row, verbs: Object.freeze([...row.verbs]) })));

/** The rows for one service, in table order. */
export function permissionsOf(service: SluiceService): readonly Permission[] {
  return PERMISSIONS.filter((p) => p.service === service);
}
