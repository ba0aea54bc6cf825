/**
 * The single source of truth for what each Sluice service may do in the
 * Kubernetes API. Roles, RoleBindings, their tests and the generated
 * permissions document all read this table; change access here or nowhere.
 */
import { leaderLeaseName } from '@sluice/kube';

/** The four Sluice apps, each with its own ServiceAccount. */
export type SluiceService = 'webhook-gateway' | 'test-runner' | 'deployer' | 'notifier';

/** Every Sluice service, in a fixed order. */
export const SLUICE_SERVICES: readonly SluiceService[] = Object.freeze(['webhook-gateway', 'test-runner', 'deployer', 'notifier']);

/**
 * Which kind of namespace a permission applies in. The concrete names are
 * supplied when building Roles (see `SluiceNamespaces`).
 */
export type NamespaceRole = 'sluice-system' | 'test' | 'build' | 'staging' | 'production' | 'webhook-secrets';

/** Every namespace role, in a fixed order. */
export const NAMESPACE_ROLES: readonly NamespaceRole[] = Object.freeze(['sluice-system', 'test', 'build', 'staging', 'production', 'webhook-secrets']);

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
  /** Only these objects (RBAC `resourceNames`); absent: every object of the resource. `create` and `list` cannot be limited by name. */
  readonly resourceNames?: readonly string[];
  /** Why the service needs this, for the generated document and for reviewers. */
  readonly reason: string;
  readonly verbs: readonly Verb[];
}

const WATCH: readonly Verb[] = ['list', 'watch'];


/**
 * Leader election (`@sluice/kube` LeaderElector): read, take and renew its own
 * Lease, by name (a merge patch carrying the resourceVersion read: a
 * conditional update); create it the first time, which RBAC cannot limit to a name.
 */
function leaderRows(service: SluiceService): Permission[] {
  return [
    { service, namespace: 'sluice-system', apiGroup: 'coordination.k8s.io', resource: 'leases', resourceNames: [leaderLeaseName(service)], reason: 'leader election: read, take, renew and release its own Lease (conditional on its resourceVersion)', verbs: ['get', 'patch'] },
    { service, namespace: 'sluice-system', apiGroup: 'coordination.k8s.io', resource: 'leases', reason: 'leader election: create its Lease the first time (create cannot be limited by name)', verbs: ['create'] },
  ];
}

/**
 * What the test-runner needs where it runs Jobs (`jobs` names them in the
 * reasons): the same rows in the test and the build namespace.
 */
function jobRunnerRows(namespace: 'test' | 'build', jobs: string): Permission[] {
  return [
    { service: 'test-runner', namespace, apiGroup: 'batch', resource: 'jobs', reason: `run ${jobs} (create, then get on AlreadyExists), follow them, clean up`, verbs: ['get', 'list', 'watch', 'create', 'delete'] },
    { service: 'test-runner', namespace, apiGroup: '', resource: 'pods', reason: `informer: container exit codes, termination messages, pod conditions of ${jobs}`, verbs: WATCH },
    { service: 'test-runner', namespace, apiGroup: '', resource: 'pods/log', reason: `keep a short log tail of ${jobs}`, verbs: ['get'] },
    { service: 'test-runner', namespace, apiGroup: '', resource: 'events', reason: `informer: FailedCreate events of ${jobs} tell QuotaExceeded apart`, verbs: WATCH },
    ...(namespace === 'test'
      ? [{ service: 'test-runner', namespace, apiGroup: '', resource: 'secrets', reason: `read the values of the Secrets ${jobs} mount (Git credentials) to redact them from stored log tails and messages (get by name only: no list, no watch)`, verbs: ['get'] } satisfies Permission]
      : []),
  ];
}

/*
 * Each row is a call the app makes today (`apps/<app>/src`, through
 * `@sluice/kube`): an informer is `list` + `watch`; `createIfAbsent` is
 * `create` + `get`; `updateStatus` is `get` (unless the caller passes the
 * current object) + `update` on `…/status`; `mergePatch` is `patch`;
 * server-side `apply` is `patch`, and also `create` when the object does
 * not exist yet (the apiserver checks both; proven in deploy-gen's tests).
 */
const rows: Permission[] = [
  // webhook-gateway: turns a verified webhook into a Delivery; serves run pages.
  { service: 'webhook-gateway', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: 'informer: match a webhook to its Application', verbs: WATCH },
  {
    service: 'webhook-gateway',
    namespace: 'sluice-system',
    apiGroup: 'sluice.dev',
    resource: 'deliveries',
    reason: 'create a Delivery once per push (create, then get on AlreadyExists); informer for de-duplication; readiness probe; read before ending a superseded one',
    verbs: ['get', 'list', 'watch', 'create'],
  },
  { service: 'webhook-gateway', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries/status', reason: 'end superseded and canceled Deliveries', verbs: ['update'] },
  { service: 'webhook-gateway', namespace: 'webhook-secrets', apiGroup: '', resource: 'secrets', reason: "informer: each Application's own webhook token and signing key (spec.webhook.secretName); this namespace holds nothing else", verbs: WATCH },

  // test-runner: Delivery → test Job in the test namespace, build Job in the build namespace → results.
  { service: 'test-runner', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: 'informer: the test image, commands and build settings', verbs: WATCH },
  { service: 'test-runner', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries', reason: 'informer: Deliveries waiting for tests', verbs: WATCH },
  { service: 'test-runner', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries/status', reason: 'record test and build stages', verbs: ['update'] },
  ...leaderRows('test-runner'),
  ...jobRunnerRows('test', 'test Jobs'),
  ...jobRunnerRows('build', 'build Jobs'),
  {
    service: 'test-runner',
    namespace: 'build',
    apiGroup: '',
    resource: 'secrets',
    reason:
      "read an Application's push Secret (spec.build.pushSecretName) before its build Job: its sluice.dev/repository annotation must name the Application's repository, else NotOwned and no Job; read the values of the Secrets a build Job mounts (Git and registry credentials) to redact them from stored log tails and messages (get by name only: no list, no watch)",
    verbs: ['get'],
  },

  // deployer: blue-green rollout, verification, rollback.
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: 'informer: targets, health checks, rollback policy; consume the manual-rollback annotation', verbs: ['list', 'watch', 'patch'] },
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications/status', reason: 'write the Ready condition (merge patch): invalid, duplicate or outdated Applications become visible', verbs: ['patch'] },
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries', reason: 'informer: Deliveries ready to deploy; re-read on a status conflict; create a rollback Delivery; consume the manual-promotion annotation', verbs: ['get', 'list', 'watch', 'create', 'patch'] },
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries/status', reason: 'record deploy stages and rollbacks', verbs: ['update'] },
  { service: 'deployer', namespace: 'sluice-system', apiGroup: 'coordination.k8s.io', resource: 'leases', reason: 'one rollout per environment at a time (create, take, renew, release); its leader-election Lease (`leaderLeaseName`) likewise', verbs: ['get', 'create', 'patch'] },
  ...(['staging', 'production'] as const).flatMap((namespace): Permission[] => [
    { service: 'deployer', namespace, apiGroup: 'apps', resource: 'deployments', reason: 'server-side apply the blue and green Deployments (an apply that creates is authorized as create); scale down; read a color the cache lacks before creating it (an object not labeled managed-by=sluice is not watched, and is never overwritten)', verbs: ['get', 'list', 'watch', 'create', 'patch'] },
    { service: 'deployer', namespace, apiGroup: '', resource: 'services', reason: 'server-side apply the active Service (create on first promotion); switch its color; read it fresh before a step that trusts the cache', verbs: ['get', 'list', 'watch', 'create', 'patch'] },
    { service: 'deployer', namespace, apiGroup: '', resource: 'pods', reason: 'informer: readiness, CrashLoop, image pull failures, pod IPs for the pre-promotion check', verbs: WATCH },
    // A Role in a namespace grants `get` on that Namespace object itself (the apiserver attributes GET /api/v1/namespaces/<ns> to <ns>): no ClusterRole needed.
    { service: 'deployer', namespace, apiGroup: '', resource: 'namespaces', reason: 'read the target namespace\'s sluice.dev/application and sluice.dev/team labels before every write there (an Application deploys only where its namespace is labeled for it)', verbs: ['get'] },
  ]),

  // notifier: Delivery status → GitLab commit statuses, deployments, MR notes.
  { service: 'notifier', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'applications', reason: "informer: each Application's retention policy (spec.history) and the Services of its environments", verbs: WATCH },
  {
    service: 'notifier',
    namespace: 'sluice-system',
    apiGroup: 'sluice.dev',
    resource: 'deliveries',
    reason: "informer: Deliveries whose status changed; delete finished ones beyond their Application's spec.history.keepFinished (all statuses posted, not live, preconditioned on uid and resourceVersion)",
    verbs: ['list', 'watch', 'delete'],
  },
  { service: 'notifier', namespace: 'sluice-system', apiGroup: 'sluice.dev', resource: 'deliveries/status', reason: 'remember what was last posted to GitLab (merge patch)', verbs: ['patch'] },
  ...leaderRows('notifier'),
  ...(['staging', 'production'] as const).map(
    (namespace): Permission => ({ service: 'notifier', namespace, apiGroup: '', resource: 'services', reason: "read an environment's active Service before deleting Deliveries: the one it names live and the one a rollback returns to are kept", verbs: ['get'] }),
  ),
];

/**
 * Every permission Sluice grants, frozen. There is no ClusterRole: Sluice
 * reads its CRDs' objects, never the CRDs themselves, and touches no
 * cluster-scoped resource. Mounted Secrets need no RBAC; the two `secrets` rows
 * are the test-runner's `get` (by name, no list or watch) in the test and the
 * build namespace: an Application's push Secret, to check whose repository it
 * is for, and the values of the Secrets its Jobs mount, to redact them from
 * what it stores.
 */
export const PERMISSIONS: readonly Permission[] = Object.freeze(rows.map((row) => Object.freeze({ ...row, verbs: Object.freeze([...row.verbs]), ...(row.resourceNames && { resourceNames: Object.freeze([...row.resourceNames]) }) })));

/** The rows for one service, in table order. */
export function permissionsOf(service: SluiceService): readonly Permission[] {
  return PERMISSIONS.filter((p) => p.service === service);
}
