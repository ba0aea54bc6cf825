import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Container, V1Deployment, V1PodDisruptionBudget, V1PodSpec, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { ANNOTATIONS, ENVIRONMENT_LABEL, REVISION_LABEL } from '@sluice/delivery';
import { APP_LABEL, COLOR_LABEL, type Color } from '../color-deployment.js';
import { MANAGED_BY } from '../validate.js';
import { APP_CONTAINER_ANNOTATION, type TeamManifests } from './team-manifests.js';

/** Environment variable holding the delivered SHA inside the app container. */
export const TEAM_REVISION_ENV = 'SLUICE_REVISION';

/** What one color of a team's workload is rendered from. */
export interface TeamColorInput {
  readonly manifests: TeamManifests;
  /** The app's name: the `app` label, and `<app>-<color>` for the color's objects. */
  readonly app: string;
  readonly namespace: string;
  readonly environment: string;
  readonly color: Color;
  /** The build's image, by digest. */
  readonly image: string;
  readonly sha: string;
  readonly delivery: string;
  /** `<application namespace>/<application name>`, as `sluice.dev/owner`. */
  readonly owner: string;
  /** 0 parks the color. With an autoscaler, the live color starts at its minimum. */
  readonly replicas: number;
  readonly minReadySeconds: number;
  readonly progressDeadlineSeconds: number;
}

/** One color's objects, in the order they are applied (ConfigMaps before the pods that mount them). */
export interface TeamColorObjects {
  readonly configMaps: readonly V1ConfigMap[];
  readonly deployment: V1Deployment;
  readonly autoscaler?: V2HorizontalPodAutoscaler;
  readonly disruptionBudget?: V1PodDisruptionBudget;
}

/**
 * One color of a team's workload for a revision, from its checked
 * `deploy/` objects. The template's pod spec runs as it is written, except:
 * the app container runs the build's image (by digest) with
 * `SLUICE_REVISION`; the pods carry `app`, `color`, the environment and the
 * revision; the Deployment rolls out one surge pod at a time and never
 * below the desired count; every ConfigMap of the template becomes an
 * immutable copy named `<name>-<hash of its content>`, and the pod spec
 * points at those copies — so a rollback to this color's revision brings
 * back the configuration that went with it. The autoscaler and the
 * disruption budget are made for this color (`<app>-<color>`). Everything
 * is labeled managed-by Sluice and annotated with its owner. Pure.
 */
export function renderTeamColor(input: TeamColorInput): TeamColorObjects {
  const { manifests, app, color } = input;
  const name = `${app}-${color}`;
  const selector = { [APP_LABEL]: app, [COLOR_LABEL]: color };
  const stamped = { ...MANAGED_BY, ...selector, [ENVIRONMENT_LABEL]: input.environment, [REVISION_LABEL]: input.sha };
  const owned = { [ANNOTATIONS.owner]: input.owner };

  const renamed = new Map<string, string>();
  const configMaps = manifests.configMaps.map((template) => {
    const versioned = versionedConfigMapName(template);
    renamed.set(template.metadata?.name ?? '', versioned);
    return {
      ...structuredClone(template),
      metadata: {
        name: versioned,
        namespace: input.namespace,
        labels: { ...template.metadata?.labels, ...MANAGED_BY, [APP_LABEL]: app, [REVISION_LABEL]: input.sha },
        annotations: { ...template.metadata?.annotations, ...owned },
      },
      immutable: true,
    } satisfies V1ConfigMap;
  });

  const template = manifests.deployment;
  const { [APP_CONTAINER_ANNOTATION]: _appContainer, ...templateAnnotations } = template.metadata?.annotations ?? {};
  const pod = withConfigMaps(structuredClone(template.spec?.template.spec) as V1PodSpec, renamed);
  pod.containers = pod.containers.map((c) => (c.name === manifests.appContainer ? runningBuild(c, input.image, input.sha) : c));
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: input.namespace,
      labels: { ...template.metadata?.labels, ...stamped },
      annotations: { ...templateAnnotations, ...owned, [ANNOTATIONS.revision]: input.sha, [ANNOTATIONS.delivery]: input.delivery, [ANNOTATIONS.scaleDownAt]: '' },
    },
    spec: {
      replicas: input.replicas,
      minReadySeconds: input.minReadySeconds,
      progressDeadlineSeconds: input.progressDeadlineSeconds,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { ...template.spec?.template.metadata, labels: { ...template.spec?.template.metadata?.labels, ...stamped } },
        spec: pod,
      },
    },
  };

  const meta = { name, namespace: input.namespace, labels: { ...MANAGED_BY, ...selector, [ENVIRONMENT_LABEL]: input.environment }, annotations: owned };
  const hpa = manifests.autoscaler;
  const budget = manifests.disruptionBudget;
  return {
    configMaps,
    deployment,
    ...(hpa && {
      autoscaler: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta,
        spec: { ...structuredClone(hpa.spec), scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, maxReplicas: hpa.spec?.maxReplicas ?? 1 },
      },
    }),
    ...(budget && {
      disruptionBudget: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta, spec: { ...structuredClone(budget.spec), selector: { matchLabels: selector } } },
    }),
  };
}

/**
 * The team's Service with Sluice's selector (`app` + the live `color`),
 * labeled and annotated as Sluice's: switching its color is the cut-over.
 * `undefined` when the team keeps no Service.
 */
export function renderTeamService(input: Pick<TeamColorInput, 'manifests' | 'app' | 'namespace' | 'color' | 'owner'>): V1Service | undefined {
  const service = input.manifests.service;
  if (service === undefined) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: service.metadata?.name ?? input.app,
      namespace: input.namespace,
      labels: { ...service.metadata?.labels, ...MANAGED_BY, [APP_LABEL]: input.app },
      annotations: { ...service.metadata?.annotations, [ANNOTATIONS.owner]: input.owner },
    },
    spec: { ...structuredClone(service.spec), type: 'ClusterIP', selector: { [APP_LABEL]: input.app, [COLOR_LABEL]: input.color } },
  };
}

/** `<name>-<10 hex of a hash of data and binaryData>`: a new name whenever the content changes, the same name when it does not. */
export function versionedConfigMapName(configMap: V1ConfigMap): string {
  const content = JSON.stringify([sorted(configMap.data), sorted(configMap.binaryData)]);
  return `${(configMap.metadata?.name ?? '').slice(0, 253 - 11)}-${createHash('sha256').update(content).digest('hex').slice(0, 10)}`;
}

function sorted(record: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function runningBuild(container: V1Container, image: string, sha: string): V1Container {
  const env = (container.env ?? []).filter((e) => e.name !== TEAM_REVISION_ENV);
  return { ...container, image, env: [...env, { name: TEAM_REVISION_ENV, value: sha }] };
}

/** The pod spec with every reference to a template ConfigMap pointed at its versioned copy (others left as written). */
function withConfigMaps(pod: V1PodSpec, renamed: ReadonlyMap<string, string>): V1PodSpec {
  const to = (name: string | undefined): string | undefined => (name === undefined ? undefined : (renamed.get(name) ?? name));
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap) volume.configMap.name = to(volume.configMap.name) as string;
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap) source.configMap.name = to(source.configMap.name) as string;
    }
  }
  for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) from.configMapRef.name = to(from.configMapRef.name) as string;
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef;
      if (ref) ref.name = to(ref.name) as string;
    }
  }
  return pod;
}
