import type { V1Deployment, V1EnvVar, V1VolumeMount } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { hardenedContainerSecurityContext, hardenedPodSecurityContext } from './pod-security.js';
import type { ComputeResources } from './resources.js';
import { checkedResources } from './resources.js';
import { MANAGED_BY, assertDnsLabel, assertDnsSubdomain, assertImage, assertInteger, assertPort, mergeLabels, sortedRecord, withDefaults } from './validate.js';
import type { Wire } from './wire.js';
import { DeploymentBuilder } from './workload.js';

/** One Secret mounted read-only as files. */
export interface SecretMount {
  /** Secret name in the Deployment's namespace. */
  readonly secretName: string;
  /** Absolute directory the Secret's keys appear in, one file per key. */
  readonly mountPath: string;
}

export interface ServiceDeploymentProps {
  /** The service's name: Deployment name and `app.kubernetes.io/name` label. */
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  /** ServiceAccount whose token the pods mount (the only pods that do). */
  readonly serviceAccountName: string;
  /** HTTP port serving `/healthz` and `/readyz`. */
  readonly port: number;
  /** @default 2 */
  readonly replicas?: number;
  /** Plain settings. Secrets never go here: use `secrets`. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Pod fields as environment variables (name → Downward API field path, e.g.
   * `{ POD_NAME: 'metadata.name' }`). They come before `env`, so an `env`
   * value may refer to them as `$(POD_NAME)`. @default {}
   */
  readonly fieldEnv?: Readonly<Record<string, string>>;
  /** Credentials as read-only files. @default [] */
  readonly secrets?: readonly SecretMount[];
  /** @default requests 50m/128Mi, limits 500m/256Mi */
  readonly resources?: ComputeResources;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const SECRET_FILE_MODE = 0o440;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Downward API fields an environment variable may hold (labels and annotations are not needed by any service).
const FIELD_PATHS = new Set(['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP']);

/**
 * A Sluice service, as a builder to extend before `build()`: non-root,
 * read-only root filesystem (a small `/tmp` emptyDir for Node), every
 * capability dropped, liveness on `/healthz`, readiness on `/readyz`,
 * Secrets as read-only files, the ServiceAccount token mounted because this
 * pod talks to the API server.
 */
export function serviceDeploymentBuilder(props: ServiceDeploymentProps): DeploymentBuilder {
  const builder = 'serviceDeployment';
  const p = withDefaults(props, { replicas: 2, env: {}, fieldEnv: {}, secrets: [], resources: DEFAULT_RESOURCES, labels: {} });
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertImage(builder, 'image', p.image);
  assertDnsSubdomain(builder, 'serviceAccountName', p.serviceAccountName);
  assertPort(builder, 'port', p.port);
  assertInteger(builder, 'replicas', p.replicas, 0);
  for (const key of [...Object.keys(p.fieldEnv), ...Object.keys(p.env)]) {
    if (!ENV_NAME.test(key)) throw new ManifestError('UnknownValue', builder, `env "${key}" is not an environment variable name; use upper-case letters, digits and "_"`);
    if (key in p.fieldEnv && key in p.env) throw new ManifestError('UnknownValue', builder, `env "${key}" is set in both env and fieldEnv; keep one`);
  }
  for (const [key, path] of Object.entries(p.fieldEnv)) {
    if (!FIELD_PATHS.has(path)) throw new ManifestError('UnknownValue', builder, `fieldEnv "${key}" refers to "${path}"; use one of ${[...FIELD_PATHS].join(', ')}`);
  }
  const mountPaths = new Set<string>();
  for (const s of p.secrets) {
    assertDnsSubdomain(builder, 'secrets[].secretName', s.secretName);
    if (!s.mountPath.startsWith('/') || s.mountPath === '/' || mountPaths.has(s.mountPath)) {
      throw new ManifestError('InvalidName', builder, `secret mountPath "${s.mountPath}" must be a distinct absolute directory other than "/", e.g. "/var/run/secrets/sluice/${s.secretName}"`);
    }
    mountPaths.add(s.mountPath);
  }
  const selector = { 'app.kubernetes.io/name': p.name };
  const labels = mergeLabels(builder, p.labels, { ...MANAGED_BY, ...selector, 'app.kubernetes.io/part-of': 'sluice' });
  const env: V1EnvVar[] = [
    ...Object.entries(sortedRecord(p.fieldEnv)).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } })),
    ...Object.entries(sortedRecord(p.env)).map(([name, value]) => ({ name, value })),
  ];
  const volumeMounts: V1VolumeMount[] = [
    ...p.secrets.map((s, i) => ({ mountPath: s.mountPath, name: `secret-${i}`, readOnly: true })),
    { mountPath: '/tmp', name: 'tmp' },
  ];
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    failureThreshold,
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 2,
  });
  const deployment = new DeploymentBuilder(
    builder,
    { name: p.name, namespace: p.namespace, labels },
    {
      replicas: p.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
    },
    {
      automountServiceAccountToken: true,
      enableServiceLinks: false,
      securityContext: hardenedPodSecurityContext(),
      serviceAccountName: p.serviceAccountName,
      terminationGracePeriodSeconds: 30,
    },
  );
  p.secrets.forEach((s, i) => deployment.pod.addVolume({ name: `secret-${i}`, secret: { defaultMode: SECRET_FILE_MODE, secretName: s.secretName } }));
  deployment.pod.addVolume({ emptyDir: { medium: 'Memory', sizeLimit: '16Mi' }, name: 'tmp' }).addContainer({
    env,
    image: p.image,
    imagePullPolicy: 'IfNotPresent',
    livenessProbe: probe('/healthz', 10, 3),
    name: p.name,
    ports: [{ containerPort: p.port, name: 'http', protocol: 'TCP' }],
    readinessProbe: probe('/readyz', 5, 2),
    resources: checkedResources(builder, p.resources),
    securityContext: hardenedContainerSecurityContext(),
    startupProbe: probe('/healthz', 2, 30),
    volumeMounts,
  });
  return deployment;
}

/** The Deployment of {@link serviceDeploymentBuilder}, in wire form. */
export function serviceDeployment(props: ServiceDeploymentProps): Wire<V1Deployment> {
  return serviceDeploymentBuilder(props).build();
}
