/**
 * How the demo installs Sluice: `deploy/overlays/local` exactly as it is,
 * through a kustomization on top of it that sets only what differs per
 * cluster — the images (built here, by digest, in this node's registry), the
 * registry the builder reaches over plain HTTP, the base images of the Jobs,
 * the gateway's address and the demo's own choices (a signing key for the
 * webhooks, telemetry flushed every second, a short minReadySeconds). It
 * changes no policy, RBAC rule or Pod Security label: those come from deploy/
 * untouched, which the end-to-end test relies on.
 */
import type { ServiceName } from './cluster.js';

/** The images of the four services and the collector, each `repository@sha256:…`. */
export type InstallImages = Readonly<Record<ServiceName | 'otel-collector', string>>;

/** Everything per-cluster the kustomization sets. */
export interface LocalInstall {
  /** Path of deploy/overlays/local relative to the kustomization's directory. */
  readonly overlay: string;
  readonly images: InstallImages;
  /** `host:port` of the node's registry (plain HTTP). */
  readonly registry: string;
  /** The clone step's image (git) and the build step's (rootless BuildKit), by digest. */
  readonly cloneImage: string;
  readonly builderImage: string;
  /** Origin (`http://host:port`) of the Git server: the only host the clone credential is given to (SLUICE_GIT_URL). */
  readonly gitUrl: string;
  /** ClusterIP the gateway's Service gets, so the run pages' links (SLUICE_PUBLIC_URL) open from this machine. */
  readonly gatewayIp: string;
  readonly minReadySeconds: number;
}

/** The images deploy/overlays/local names (deploy-gen's LOCAL profile) and the collector's (the base's). */
const IMAGE_NAMES: Readonly<Record<keyof InstallImages, string>> = {
  'webhook-gateway': 'sluice/webhook-gateway',
  'test-runner': 'sluice/test-runner',
  deployer: 'sluice/deployer',
  notifier: 'sluice/notifier',
  'otel-collector': 'otel/opentelemetry-collector-contrib',
};

/** The Secret holding the gateway's Standard Webhooks signing key (the demo signs every webhook). */
export const SIGNING_KEY_SECRET = 'sluice-webhook-signing-key';
const SIGNING_KEY_DIR = '/var/run/secrets/sluice/webhook-signing-key';

/** `repository@sha256:…` → kustomize's `newName` and `digest`. */
function pinned(reference: string): { newName: string; digest: string } {
  const at = reference.lastIndexOf('@');
  if (at < 0 || !reference.slice(at + 1).startsWith('sha256:')) throw new Error(`not an image reference by digest: ${reference}`);
  return { newName: reference.slice(0, at), digest: reference.slice(at + 1) };
}

type EnvVar = { readonly name: string; readonly value: string };
const env = (vars: Readonly<Record<string, string>>): EnvVar[] => Object.entries(vars).map(([name, value]) => ({ name, value }));

/** A strategic-merge patch of one Deployment in sluice-system: env by name, plus any volumes. */
function deploymentPatch(name: string, vars: Readonly<Record<string, string>>, extra: { volumes?: object[]; volumeMounts?: object[] } = {}): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'sluice-system' },
    spec: {
      template: {
        spec: {
          containers: [{ name, env: env(vars), ...(extra.volumeMounts && { volumeMounts: extra.volumeMounts }) }],
          ...(extra.volumes && { volumes: extra.volumes }),
        },
      },
    },
  };
}

/** The kustomization.yaml (as JSON, which is YAML) of the demo's install. Pure. */
export function localInstallKustomization(o: LocalInstall): string {
  const gatewayUrl = `http://${o.gatewayIp}`;
  // Spans leave within 200 ms and metrics every second, so the summary and the checks see a delivery as it ends.
  const telemetry = { OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_METRIC_EXPORT_INTERVAL: '1000' };
  const patches = [
    deploymentPatch(
      'webhook-gateway',
      { ...telemetry, SLUICE_PUBLIC_URL: gatewayUrl, SLUICE_WEBHOOK_SIGNING_KEY_FILES: `${SIGNING_KEY_DIR}/key` },
      {
        volumeMounts: [{ name: 'webhook-signing-key', mountPath: SIGNING_KEY_DIR, readOnly: true }],
        volumes: [{ name: 'webhook-signing-key', secret: { secretName: SIGNING_KEY_SECRET, defaultMode: 0o440 } }],
      },
    ),
    deploymentPatch('test-runner', {
      ...telemetry,
      SLUICE_CLONE_IMAGE: o.cloneImage,
      SLUICE_GIT_URL: o.gitUrl,
      SLUICE_BUILDER_IMAGE: o.builderImage,
      SLUICE_BUILD_PLAIN_HTTP_REGISTRIES: o.registry,
    }),
    deploymentPatch('deployer', { ...telemetry, SLUICE_MIN_READY_SECONDS: String(o.minReadySeconds) }),
    deploymentPatch('notifier', { ...telemetry, SLUICE_PUBLIC_URL: gatewayUrl }),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'webhook-gateway', namespace: 'sluice-system' }, spec: { clusterIP: o.gatewayIp } },
  ];
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [o.overlay],
    images: Object.entries(IMAGE_NAMES).map(([key, name]) => ({ name, ...pinned(o.images[key as keyof InstallImages]) })),
    patches: patches.map((p) => ({ patch: JSON.stringify(p) })),
  };
  return `${JSON.stringify(kustomization, null, 2)}\n`;
}
