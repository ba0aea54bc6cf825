/**
 * Probes of what deploy/'s policies allow, from inside the demo's cluster: a
 * short-lived pod in a namespace of the install that tries connections and
 * says which were open. Used by the end-to-end test, which must fail when a
 * NetworkPolicy, Pod Security label or RBAC rule of deploy/ goes missing.
 */
import { isKubeError, type KubeClient, type KubeObject } from '@sluice/kube';
import { SAMPLE_APP } from './sample-app/application.js';

type PodObject = KubeObject & { status?: { phase?: string; podIP?: string } };

/** The restricted-compliant security settings every probe pod runs with. */
const RESTRICTED = {
  securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
  container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
} as const;

/** How long a probe pod waits before its first connection, for the NetworkPolicy enforcer to catch up with it. */
const POLICY_SYNC_SECONDS = 3;

/** One connection a probe tries to `host:port`, reported as `open <name>` or `closed <name>`. */
export interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/**
 * Runs `script` (sh) in a one-off pod of `namespace` with the node's git
 * image (git, curl) and resolves with its log once it ended. The
 * Secret `mountSecret`, if given, is mounted read-only at /creds.
 */
export async function runProbe(
  admin: KubeClient,
  logs: KubeClient,
  o: { readonly namespace: string; readonly name: string; readonly image: string; readonly script: string; readonly mountSecret?: string },
): Promise<string> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace, labels: { 'app.kubernetes.io/name': 'sluice-e2e-probe' } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: RESTRICTED.securityContext,
      containers: [
        {
          name: 'probe',
          image: o.image,
          // The policy enforcer (kube-router) applies policies to a new pod when it sees the pod: give it that moment.
          command: ['/bin/sh', '-c', `sleep ${POLICY_SYNC_SECONDS}\n${o.script}`],
          env: [{ name: 'HOME', value: '/tmp' }],
          securityContext: RESTRICTED.container,
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(o.mountSecret ? [{ name: 'creds', mountPath: '/creds', readOnly: true }] : [])],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }, ...(o.mountSecret ? [{ name: 'creds', secret: { secretName: o.mountSecret } }] : [])],
    },
  } as KubeObject;
  await admin.create(pod);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const phase = (await admin.get<PodObject>({ apiVersion: 'v1', kind: 'Pod', namespace: o.namespace, name: o.name }))?.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') break;
    if (Date.now() > deadline) throw new Error(`probe pod ${o.namespace}/${o.name} did not finish within 60 s (phase ${phase ?? '?'})`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return logs.readPodLog({ namespace: o.namespace, pod: o.name });
}

/**
 * A pod in `namespace` that answers HTTP on port 8080 (Node's http server in
 * the given Node.js image), to probe who may connect to pods there; resolves
 * with its IP once it runs.
 */
export async function startListener(admin: KubeClient, o: { readonly namespace: string; readonly name: string; readonly image: string }): Promise<string> {
  await admin.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace, labels: { 'app.kubernetes.io/name': 'sluice-e2e-listener' } },
    spec: {
      automountServiceAccountToken: false,
      securityContext: RESTRICTED.securityContext,
      containers: [
        {
          name: 'listen',
          image: o.image,
          command: ['node', '-e', "require('node:http').createServer((q, s) => s.end('ok')).listen(8080)"],
          securityContext: RESTRICTED.container,
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        },
      ],
    },
  } as KubeObject);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pod = await admin.get<PodObject>({ apiVersion: 'v1', kind: 'Pod', namespace: o.namespace, name: o.name });
    if (pod?.status?.phase === 'Running' && pod.status.podIP) return pod.status.podIP;
    if (Date.now() > deadline) throw new Error(`listener ${o.namespace}/${o.name} did not run within 60 s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * The probe script: one curl per target with a 2 s connect timeout. curl
 * exits 7 (refused) or 28 (timed out: a NetworkPolicy drop) when no TCP
 * connection was made — closed; any other code means one was (whatever the
 * server then said, e.g. TLS without a client certificate) — open.
 */
export function connectScript(targets: readonly Target[]): string {
  return targets
    .map((t) => `curl -s -o /dev/null --connect-timeout 2 -m 4 http://${t.host}:${t.port}/; c=$?; if [ "$c" = 7 ] || [ "$c" = 28 ]; then echo "closed ${t.name}"; else echo "open ${t.name}"; fi`)
    .join('\n');
}

/** The IP of a Running pod with `labelSelector` in `namespace`. */
export async function podIp(admin: KubeClient, namespace: string, labelSelector: string): Promise<string> {
  const pods = await admin.list<PodObject>({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector });
  const ip = pods.items.find((p) => p.status?.phase === 'Running' && p.status.podIP)?.status?.podIP;
  if (!ip) throw new Error(`no Running pod ${labelSelector} in ${namespace}`);
  return ip;
}

/** Why the API server refused `pod` in `namespace` (Pod Security admission), or undefined when it was admitted (then deleted). */
export async function admissionRefusal(admin: KubeClient, namespace: string, name: string, spec: Record<string, unknown>): Promise<string | undefined> {
  try {
    await admin.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec } as KubeObject);
  } catch (error) {
    if (isKubeError(error, 'Forbidden')) return (error as Error).message;
    throw error;
  }
  await admin.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name });
  return undefined;
}

type DeploymentObject = KubeObject & { spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } };

/** The environment of a service's container, as installed. */
export async function deploymentEnv(admin: KubeClient, service: string): Promise<Record<string, string | undefined>> {
  const deployment = await admin.get<DeploymentObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'sluice-system', name: service });
  return Object.fromEntries((deployment?.spec?.template?.spec?.containers?.[0]?.env ?? []).map((e) => [e.name, e.value]));
}

/** What the isolation probes need from the installed cluster: targets, the Git URL and the image with git and curl. */
export async function probeInputs(admin: KubeClient, deliveryName: string) {
  const env = await deploymentEnv(admin, 'test-runner');
  const api = await admin.get<KubeObject & { spec?: { clusterIP?: string } }>({ apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'kubernetes' });
  const repositoryUrl = (await admin.get<KubeObject & { spec?: { repositoryUrl?: string } }>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: 'sluice-system', name: deliveryName }))?.spec?.repositoryUrl ?? '';
  const registry = env['SLUICE_BUILD_PLAIN_HTTP_REGISTRIES'] ?? '';
  const services: Target[] = [
    { name: 'gateway', host: await podIp(admin, 'sluice-system', 'app.kubernetes.io/name=webhook-gateway'), port: 8080 },
    { name: 'deployer', host: await podIp(admin, 'sluice-system', 'app.kubernetes.io/name=deployer'), port: 8082 },
  ];
  const forbidden: Target[] = [
    { name: 'production', host: await podIp(admin, 'sluice-production', `app=${SAMPLE_APP}`), port: 8080 },
    ...services,
    { name: 'collector', host: await podIp(admin, 'sluice-observability', 'app.kubernetes.io/name=otel-collector'), port: 4318 },
    { name: 'api', host: api?.spec?.clusterIP ?? '', port: 443 },
  ];
  const application = await admin.get<KubeObject & { spec?: { test?: { image?: string } } }>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Application', namespace: 'sluice-system', name: SAMPLE_APP });
  return { image: env['SLUICE_CLONE_IMAGE'] ?? '', nodeImage: application?.spec?.test?.image ?? '', repositoryUrl, registry, forbidden, services };
}

/** Cluster DNS from the pod (the clone of a Git server by name needs it). */
export const DNS_SCRIPT = 'if nslookup kubernetes.default.svc.cluster.local >/dev/null 2>&1; then echo "dns ok"; else echo "dns failed"; fi';

/** Creates `name` (if missing), a namespace of no install: no NetworkPolicy, no Pod Security label. */
export async function plainNamespace(admin: KubeClient, name: string): Promise<void> {
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject, { force: true });
  const deadline = Date.now() + 30_000;
  while (!(await admin.get({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: name, name: 'default' }))) {
    if (Date.now() > deadline) throw new Error(`namespace ${name} got no default ServiceAccount`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `git ls-remote` with the clone step's credentials (the mounted Secret, put in the URL; the probe logs only its verdict). */
export const CLONE_SCRIPT = `u=$(cat /creds/username); p=$(cat /creds/password); url="$REPO"; if git ls-remote "\${url%%://*}://$u:$p@\${url#*://}" >/dev/null 2>&1; then echo "clone ok"; else echo "clone failed"; fi`;
