import type { V1ConfigMap, V1Deployment, V1PodDisruptionBudget, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { ANNOTATIONS, ENVIRONMENT_LABEL, REVISION_LABEL } from '@sluice/delivery';
import * as z from 'zod';
import { APP_LABEL, COLOR_LABEL } from '../color-deployment.js';

/** One object of a team's `deploy/` directory as rendered (plain YAML or kustomize), and where it came from. */
export interface TeamDocument {
  /** Where it came from, for messages: `deploy/app.yaml`, `deploy/app.yaml#2`, `kustomize output#3`. */
  readonly source: string;
  /** The parsed YAML document. */
  readonly object: unknown;
}

/** A team's workload, checked: what Sluice deploys blue-green for it. */
export interface TeamManifests {
  /** The template: its pod spec is what every color runs (image replaced by the build's digest). */
  readonly deployment: V1Deployment;
  /** The container whose image is the build's (annotation `sluice.dev/app-container`, else the first). */
  readonly appContainer: string;
  /** Its ports front the app; Sluice owns the selector. */
  readonly service?: V1Service;
  /** Versioned per revision when deployed (name suffixed by a hash of their content). */
  readonly configMaps: readonly V1ConfigMap[];
  /** Made per color, scaling that color's Deployment. */
  readonly autoscaler?: V2HorizontalPodAutoscaler;
  /** Made per color, selecting that color's pods. */
  readonly disruptionBudget?: V1PodDisruptionBudget;
}

/** The outcome of {@link checkTeamManifests}: the workload, or every problem found (each naming its source and field). */
export type TeamManifestsCheck = { readonly ok: true; readonly manifests: TeamManifests } | { readonly ok: false; readonly problems: readonly string[] };

/** Annotation on the template naming the container that runs the build's image. */
export const APP_CONTAINER_ANNOTATION = 'sluice.dev/app-container';

/** The kinds a `deploy/` directory may hold, by `apiVersion/kind`. */
export const TEAM_KINDS = ['apps/v1/Deployment', 'v1/Service', 'v1/ConfigMap', 'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget'] as const;

/** Labels Sluice sets on what it deploys; a template may not set them. */
const OWNED_LABELS = [APP_LABEL, COLOR_LABEL, ENVIRONMENT_LABEL, REVISION_LABEL, 'app.kubernetes.io/managed-by'];

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ObjectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string().max(253).regex(DNS_SUBDOMAIN, 'must be a DNS-1123 subdomain (lowercase letters, digits, "-", ".")'),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});
const ContainerSchema = z.looseObject({ name: z.string().min(1), image: z.string().optional() });
const DeploymentSchema = z.looseObject({
  spec: z.looseObject({
    template: z.looseObject({
      metadata: z.looseObject({ labels: z.record(z.string(), z.string()).optional() }).optional(),
      spec: z.looseObject({ containers: z.array(ContainerSchema).min(1, 'lists no container'), initContainers: z.array(ContainerSchema).optional() }),
    }),
  }),
});
const ServiceSchema = z.looseObject({
  spec: z.looseObject({
    type: z.enum(['ClusterIP'], { error: 'must be ClusterIP (or left out): Sluice exposes apps through its own Ingress, nothing leaves the cluster otherwise' }).optional(),
    ports: z.array(z.looseObject({ port: z.int().min(1).max(65535) })).min(1, 'lists no port'),
  }),
});
const AutoscalerSchema = z.looseObject({
  spec: z.looseObject({
    scaleTargetRef: z.looseObject({ apiVersion: z.string().optional(), kind: z.string(), name: z.string() }),
    minReplicas: z.int().min(1, 'must be at least 1: the live color never scales to zero').optional(),
    maxReplicas: z.int().min(1),
  }),
});
const BudgetSchema = z.looseObject({ spec: z.looseObject({}) });

/**
 * Checks what a team keeps in its repository's `deploy/` directory, as
 * rendered: exactly one `apps/v1` Deployment (the template), at most one
 * Service (ClusterIP), ConfigMaps, at most one `autoscaling/v2`
 * HorizontalPodAutoscaler scaling that Deployment and at most one
 * `policy/v1` PodDisruptionBudget — nothing else (Secrets stay out of Git:
 * reference one that exists in the namespace). No object may name another
 * namespace than `namespace`, and none may set the labels Sluice owns
 * (`app`, `color`, the environment, the revision, managed-by). Pure: what the
 * pod itself may do (host access, privileges) is for the target
 * namespace's Pod Security level to decide when the objects are applied.
 */
export function checkTeamManifests(documents: readonly TeamDocument[], options: { readonly namespace: string }): TeamManifestsCheck {
  const problems: string[] = [];
  const found: { deployment: V1Deployment[]; service: V1Service[]; configMaps: V1ConfigMap[]; autoscaler: V2HorizontalPodAutoscaler[]; budget: V1PodDisruptionBudget[] } = {
    deployment: [],
    service: [],
    configMaps: [],
    autoscaler: [],
    budget: [],
  };
  for (const { source, object } of documents) {
    if (object === null || object === undefined) continue; // an empty YAML document
    const base = ObjectSchema.safeParse(object);
    if (!base.success) {
      problems.push(...issues(source, base.error));
      continue;
    }
    const { apiVersion, kind, metadata } = base.data;
    const where = `${source} (${kind} ${metadata.name})`;
    if (metadata.namespace !== undefined && metadata.namespace !== options.namespace) {
      problems.push(`${where}: metadata.namespace "${metadata.namespace}" is another namespace; Sluice deploys only to "${options.namespace}" — leave namespace out`);
      continue;
    }
    const owned = Object.keys(metadata.labels ?? {}).filter((key) => OWNED_LABELS.includes(key));
    if (owned.length > 0) problems.push(`${where}: metadata.labels ${owned.map((k) => `"${k}"`).join(', ')} are set by Sluice; remove them`);
    const typed = (schema: z.ZodType): boolean => {
      const parsed = schema.safeParse(object);
      if (!parsed.success) problems.push(...issues(where, parsed.error));
      return parsed.success;
    };
    switch (`${apiVersion}/${kind}`) {
      case 'apps/v1/Deployment':
        if (typed(DeploymentSchema)) found.deployment.push(object as V1Deployment);
        break;
      case 'v1/Service':
        if (typed(ServiceSchema)) found.service.push(object as V1Service);
        break;
      case 'v1/ConfigMap':
        found.configMaps.push(object as V1ConfigMap);
        break;
      case 'autoscaling/v2/HorizontalPodAutoscaler':
        if (typed(AutoscalerSchema)) found.autoscaler.push(object as V2HorizontalPodAutoscaler);
        break;
      case 'policy/v1/PodDisruptionBudget':
        if (typed(BudgetSchema)) found.budget.push(object as V1PodDisruptionBudget);
        break;
      case 'v1/Secret':
        problems.push(`${where}: Secrets are not kept in Git; create it in "${options.namespace}" and reference it by name`);
        break;
      default:
        problems.push(`${where}: ${apiVersion} ${kind} is not deployed by Sluice; a deploy/ directory holds ${TEAM_KINDS.join(', ')}`);
    }
  }

  const one = <T>(list: T[], what: string, required: boolean): T | undefined => {
    if (list.length > 1) problems.push(`deploy/ holds ${list.length} ${what}s; keep one`);
    if (required && list.length === 0) problems.push(`deploy/ holds no ${what}: add the Deployment whose pod template Sluice runs`);
    return list[0];
  };
  const deployment = one(found.deployment, 'Deployment', true);
  const service = one(found.service, 'Service', false);
  const autoscaler = one(found.autoscaler, 'HorizontalPodAutoscaler', false);
  const disruptionBudget = one(found.budget, 'PodDisruptionBudget', false);
  const names = found.configMaps.map((c) => c.metadata?.name);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) problems.push(`deploy/ holds ConfigMap ${[...new Set(repeated)].join(', ')} more than once`);

  let appContainer = '';
  if (deployment !== undefined) {
    const name = deployment.metadata?.name ?? '';
    const where = `Deployment ${name}`;
    const pod = deployment.spec?.template.spec;
    const containers = pod?.containers ?? [];
    appContainer = deployment.metadata?.annotations?.[APP_CONTAINER_ANNOTATION] ?? containers[0]?.name ?? '';
    if (!containers.some((c) => c.name === appContainer)) {
      problems.push(`${where}: metadata.annotations["${APP_CONTAINER_ANNOTATION}"] names "${appContainer}", which is not one of its containers (${containers.map((c) => c.name).join(', ')})`);
    }
    const podLabels = Object.keys(deployment.spec?.template.metadata?.labels ?? {}).filter((key) => OWNED_LABELS.includes(key));
    if (podLabels.length > 0) problems.push(`${where}: spec.template.metadata.labels ${podLabels.map((k) => `"${k}"`).join(', ')} are set by Sluice; remove them`);
    if (ANNOTATIONS.owner in (deployment.metadata?.annotations ?? {})) problems.push(`${where}: metadata.annotations["${ANNOTATIONS.owner}"] is set by Sluice; remove it`);
    const target = autoscaler?.spec?.scaleTargetRef;
    if (target !== undefined && (target.kind !== 'Deployment' || target.name !== name || (target.apiVersion ?? 'apps/v1') !== 'apps/v1')) {
      problems.push(`HorizontalPodAutoscaler ${autoscaler?.metadata?.name}: spec.scaleTargetRef must be the Deployment ${name} (apps/v1), not ${target.kind} ${target.name}`);
    }
  }
  if (problems.length > 0 || deployment === undefined) return { ok: false, problems };
  return {
    ok: true,
    manifests: {
      deployment,
      appContainer,
      configMaps: found.configMaps,
      ...(service && { service }),
      ...(autoscaler && { autoscaler }),
      ...(disruptionBudget && { disruptionBudget }),
    },
  };
}

function issues(where: string, error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((issue) => `${where}: ${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(document)'}: ${issue.message}`);
}
