import { ANNOTATIONS, REVISION_LABEL, type Application, type EnvironmentName, type EnvironmentTarget } from '@sluice/delivery';
import { colorDeployment, type Color } from '@sluice/manifests';
import type { DeploymentObject } from './facts.js';
import { ownerOf } from './ownership.js';

/** Environment variable holding the SHA inside the app container. */
export const REVISION_ENV = 'SLUICE_REVISION';

/** What one color's Deployment is rendered from. */
export interface RenderInput {
  readonly application: Application;
  readonly environment: EnvironmentName;
  readonly target: EnvironmentTarget;
  readonly color: Color;
  readonly sha: string;
  /** The image the build stage pushed, by digest: never a tag, which could move. */
  readonly image: string;
  readonly delivery: string;
  readonly replicas: number;
  readonly minReadySeconds: number;
}

/**
 * The idle color's Deployment for `sha`, running the image by the digest its
 * build recorded: the policy builder's blue/green
 * Deployment (maxUnavailable 0, maxSurge 1, revisionHistoryLimit 3, probes
 * from the Application) with the revision as a pod label and as
 * `SLUICE_REVISION`, and an empty scale-down schedule (rendering cancels a
 * pending scale-down), labeled `app.kubernetes.io/managed-by=sluice` and
 * annotated `sluice.dev/owner` with the Application. The builder returns the
 * wire form, so it goes to the API as it is.
 */
export function renderDeployment(input: RenderInput): DeploymentObject {
  const { target } = input;
  const probe = (p: EnvironmentTarget['health']['readiness']) => ({
    path: p.path,
    ...(p.port !== undefined && { port: p.port }),
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
  });
  const command = input.application.spec.command;
  const deployment = colorDeployment({
    app: target.deploymentName,
    namespace: target.namespace,
    environment: input.environment,
    color: input.color,
    image: input.image,
    owner: ownerOf(input.application),
    name: `${target.deploymentName}-${input.color}`,
    replicas: input.replicas,
    containerPort: target.containerPort,
    readinessProbe: probe(target.health.readiness),
    livenessProbe: probe(target.health.liveness),
    minReadySeconds: input.minReadySeconds,
    progressDeadlineSeconds: Math.max(target.rolloutTimeoutSeconds, input.minReadySeconds + 1),
    resources: target.resources,
    env: [
      { name: REVISION_ENV, value: input.sha },
      { name: 'PORT', value: String(target.containerPort) },
    ],
    labels: { [REVISION_LABEL]: input.sha },
    annotations: {
      [ANNOTATIONS.revision]: input.sha,
      [ANNOTATIONS.delivery]: input.delivery,
      [ANNOTATIONS.scaleDownAt]: '',
    },
    ...(command && { command }),
  });
  return deployment as DeploymentObject;
}
