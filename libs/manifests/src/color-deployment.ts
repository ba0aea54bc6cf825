import type { V1Deployment, V1Probe } from '@kubernetes/client-node';
import { ANNOTATIONS, ENVIRONMENT_LABEL } from '@sluice/delivery';
import { ManifestError } from './errors.js';
import { DEFAULT_RUN_AS_USER, hardenedContainerSecurityContext, hardenedPodSecurityContext } from './pod-security.js';
import type { ComputeResources } from './resources.js';
import { checkedResources } from './resources.js';
import {
  MANAGED_BY,
  assertDnsLabel,
  assertDnsSubdomain,
  assertImage,
  assertInteger,
  assertLabels,
  assertOneOf,
  assertPort,
  mergeLabels,
  withDefaults,
} from './validate.js';
import type { Wire } from './wire.js';
import { DeploymentBuilder } from './workload.js';

/** The two slots of a blue/green rollout. */
export type Color = 'blue' | 'green';

/** Both colors, in a fixed order. */
export const COLORS: readonly Color[] = Object.freeze(['blue', 'green']);

/** The slot that is not `color`: where the next revision goes. */
export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/** Label keys the blue/green selector uses; owned by the builders. */
export const APP_LABEL = 'app';
export const COLOR_LABEL = 'color';
/** The environment label (`sluice.dev/environment`), defined with every Sluice key in `@sluice/delivery`. */
export { ENVIRONMENT_LABEL };

/** An HTTP GET probe against the app container. */
export interface HttpProbe {
  /** Request path; must start with `/`. */
  readonly path: string;
  /** @default the container port */
  readonly port?: number;
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 5 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

export interface ColorDeploymentProps {
  /** Application name; the `app` label and the container name. */
  readonly app: string;
  readonly namespace: string;
  /** Environment name (`staging`, `production`, …), recorded as a label. */
  readonly environment: string;
  readonly color: Color;
  readonly image: string;
  /**
   * `<application namespace>/<application name>`: the Application the
   * Deployment belongs to, as the annotation `sluice.dev/owner`. The deployer
   * writes only objects carrying its own value.
   */
  readonly owner: string;
  /** @default `${app}-${color}` */
  readonly name?: string;
  /** 0 parks the idle color without deleting it. @default 2 */
  readonly replicas?: number;
  /** @default 8080 */
  readonly containerPort?: number;
  /** Gates traffic; the deployer waits on it before switching the Service. */
  readonly readinessProbe: HttpProbe;
  /** @default none */
  readonly livenessProbe?: HttpProbe;
  /** A pod counts as available only after being ready this long. @default 10 */
  readonly minReadySeconds?: number;
  /** After this long without progress the rollout is `RolloutTimeout`. @default 600 */
  readonly progressDeadlineSeconds?: number;
  /** @default requests 100m/128Mi, limits 1/512Mi */
  readonly resources?: ComputeResources;
  /** Plain environment values; secrets belong in mounted files, not here. @default [] */
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  /** Extra labels for the Deployment and its pods (e.g. the revision). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations on the Deployment (not its pods); `sluice.dev/owner` is the builder's. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The container's command, replacing the image's entrypoint. @default the image's */
  readonly command?: readonly string[];
  /** Non-root UID (and GID, fsGroup) of the app. @default 10001 */
  readonly runAsUser?: number;
}

const DEFAULTS = {
  replicas: 2,
  containerPort: 8080,
  minReadySeconds: 10,
  progressDeadlineSeconds: 600,
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  env: [],
  labels: {},
  annotations: {},
  runAsUser: DEFAULT_RUN_AS_USER,
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Throws unless `owner` is `<namespace>/<name>` of an Application and
 * `annotations` (the caller's) leave `sluice.dev/owner` to the builder.
 */
export function assertOwner(builder: string, owner: string, annotations: Readonly<Record<string, string>> = {}): void {
  const [namespace = '', name = '', ...rest] = owner.split('/');
  if (rest.length > 0 || namespace === '' || name === '') {
    throw new ManifestError('InvalidName', builder, `owner "${owner}" is not "<namespace>/<application>"; use the Application's namespace and name, e.g. "sluice-system/shop"`);
  }
  assertDnsLabel(builder, 'owner namespace', namespace);
  assertDnsSubdomain(builder, 'owner name', name);
  if (ANNOTATIONS.owner in annotations) {
    throw new ManifestError('InvalidName', builder, `annotation "${ANNOTATIONS.owner}" is set by the builder from owner; remove it from annotations`);
  }
}

function probe(builder: string, field: string, p: HttpProbe, containerPort: number): V1Probe {
  if (!p.path.startsWith('/')) {
    throw new ManifestError('InvalidProbe', builder, `${field}.path "${p.path}" must start with "/"; e.g. "/healthz"`);
  }
  const port = p.port ?? containerPort;
  assertPort(builder, `${field}.port`, port);
  const out: V1Probe = {
    failureThreshold: p.failureThreshold ?? 3,
    httpGet: { path: p.path, port },
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 5,
    timeoutSeconds: p.timeoutSeconds ?? 1,
  };
  assertInteger(builder, `${field}.failureThreshold`, out.failureThreshold ?? 0, 1);
  assertInteger(builder, `${field}.initialDelaySeconds`, out.initialDelaySeconds ?? 0, 0);
  assertInteger(builder, `${field}.periodSeconds`, out.periodSeconds ?? 0, 1);
  assertInteger(builder, `${field}.timeoutSeconds`, out.timeoutSeconds ?? 0, 1);
  return out;
}

/**
 * One color of a blue/green pair, as a builder to extend before `build()`:
 * a Deployment labelled `app` + `color` (and `app.kubernetes.io/managed-by:
 * sluice`, annotated `sluice.dev/owner`) that surges one new pod at a time
 * and never drops below the desired count, with the same pod hardening as
 * test Jobs.
 */
export function colorDeploymentBuilder(props: ColorDeploymentProps): DeploymentBuilder {
  const builder = 'colorDeployment';
  const p = withDefaults(props, DEFAULTS);
  assertDnsLabel(builder, 'app', p.app);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertOneOf(builder, 'color', p.color, COLORS);
  const name = p.name ?? `${p.app}-${p.color}`;
  assertDnsLabel(builder, 'name', name);
  assertLabels(builder, { [ENVIRONMENT_LABEL]: p.environment });
  assertImage(builder, 'image', p.image);
  assertOwner(builder, p.owner, p.annotations);
  assertInteger(builder, 'replicas', p.replicas, 0);
  assertPort(builder, 'containerPort', p.containerPort);
  assertInteger(builder, 'minReadySeconds', p.minReadySeconds, 0);
  assertInteger(builder, 'runAsUser', p.runAsUser, 1, 2147483647);
  if (p.progressDeadlineSeconds <= p.minReadySeconds) {
    // Kubernetes rejects this too, but only at apply time.
    throw new ManifestError('InvalidNumber', builder, `progressDeadlineSeconds (${p.progressDeadlineSeconds}) must exceed minReadySeconds (${p.minReadySeconds}); raise it`);
  }
  for (const e of p.env) {
    if (!ENV_NAME.test(e.name)) throw new ManifestError('InvalidName', builder, `env name "${e.name}" is not a valid variable name; use letters, digits and "_"`);
  }
  if (p.command !== undefined && (p.command.length === 0 || p.command.some((c) => c === ''))) {
    throw new ManifestError('InvalidCommand', builder, 'command is empty or holds an empty string; give the program and its arguments, or leave it out');
  }

  const selector = { [APP_LABEL]: p.app, [COLOR_LABEL]: p.color };
  const labels = mergeLabels(builder, p.labels, { ...MANAGED_BY, ...selector, [ENVIRONMENT_LABEL]: p.environment });
  const deployment = new DeploymentBuilder(
    builder,
    { name, namespace: p.namespace, labels },
    {
      minReadySeconds: p.minReadySeconds,
      progressDeadlineSeconds: p.progressDeadlineSeconds,
      replicas: p.replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
    },
    { automountServiceAccountToken: false, enableServiceLinks: false, securityContext: hardenedPodSecurityContext(p.runAsUser) },
  ).addAnnotations({ ...p.annotations, [ANNOTATIONS.owner]: p.owner });
  deployment.pod.addVolume({ emptyDir: { sizeLimit: '256Mi' }, name: 'tmp' }).addContainer({
    ...(p.command !== undefined && { command: [...p.command] }),
    env: [...p.env].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((e) => ({ name: e.name, value: e.value })),
    image: p.image,
    ...(p.livenessProbe ? { livenessProbe: probe(builder, 'livenessProbe', p.livenessProbe, p.containerPort) } : {}),
    name: p.app,
    ports: [{ containerPort: p.containerPort, name: 'http', protocol: 'TCP' }],
    readinessProbe: probe(builder, 'readinessProbe', p.readinessProbe, p.containerPort),
    resources: checkedResources(builder, p.resources),
    securityContext: hardenedContainerSecurityContext(),
    volumeMounts: [{ mountPath: '/tmp', name: 'tmp' }],
  });
  return deployment;
}

/** The Deployment of {@link colorDeploymentBuilder}, in wire form. */
export function colorDeployment(props: ColorDeploymentProps): Wire<V1Deployment> {
  return colorDeploymentBuilder(props).build();
}
