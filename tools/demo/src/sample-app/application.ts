import { API_GROUP_VERSION, TEAM_LABEL, type ApplicationSpecInput } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';

/** The sample app's GitLab project. */
export const SAMPLE_PROJECT = { id: 4242, path: 'demo/sample-app', name: 'Sample App' } as const;

/** The team the sample app belongs to: its Application's and its production namespace's `sluice.dev/team`. */
export const SAMPLE_TEAM = 'demo';

/** The sample app's own Secrets: its webhook's (in the webhook-secrets namespace) and its registry push credential (in the build namespace). */
export const SAMPLE_SECRETS = { webhook: 'sample-app-webhook', push: 'sample-app-push' } as const;

/** Name of the Application, and of the Deployments (`-blue`, `-green`) and the Service in production. */
export const SAMPLE_APP = 'sample-app';

/**
 * Image repository the build pushes to, in the node's registry (`host:port`):
 * `<repository>:<sha>`, which the color Deployments run by its digest.
 */
export function sampleImageRepository(registry: string): string {
  return `${registry}/demo/sample-app`;
}

/**
 * The install step: the app has no dependencies, so npm only checks the
 * manifest and writes the lockfile — offline, as the Job has no registry to
 * reach — but the Job (and its trace) shows clone → install → test as a
 * real project's would.
 */
export const INSTALL_COMMAND = 'npm install --offline --no-audit --no-fund --no-update-notifier';

/**
 * The tests, with a JUnit report next to the spec output so the test stage
 * carries counts (and the failing test's name) — plain `node --test`.
 */
export const TEST_COMMAND =
  'node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=junit.xml';

/** Time settings that keep the four deliveries inside the demo's three minutes. */
export interface SampleTiming {
  /** How long a new color must stay healthy after the switch; v4 fails inside it (4.5 to 9 s after the pre-promotion check, its first real request). */
  readonly bakeSeconds: number;
  /** How long the previous color keeps running after a healthy bake (instant rollback meanwhile). */
  readonly scaleDownDelaySeconds: number;
  readonly replicas: number;
}

/** Defaults of {@link SampleTiming}. */
export const DEFAULT_TIMING: SampleTiming = { bakeSeconds: 12, scaleDownDelaySeconds: 3, replicas: 2 };

/** The sample app's Application: `main` goes to production, blue-green, short probes and bake. */
export function sampleApplication(o: {
  readonly namespace: string;
  readonly targetNamespace: string;
  readonly repositoryUrl: string;
  /** The build's image repository ({@link sampleImageRepository}). */
  readonly imageRepository: string;
  /** The Dockerfile's `NODE_IMAGE`: the node's Node.js image, by digest. */
  readonly baseImage: string;
  /** The image the tests run in: Node.js with npm. */
  readonly testImage: string;
  readonly timing: SampleTiming;
}): KubeObject {
  const small = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } };
  const spec: ApplicationSpecInput = {
    project: { id: SAMPLE_PROJECT.id, path: SAMPLE_PROJECT.path },
    repositoryUrl: o.repositoryUrl,
    rules: [{ refs: 'main', environments: ['production'] }],
    test: { image: o.testImage, install: [INSTALL_COMMAND], commands: [TEST_COMMAND], reportPath: 'junit.xml', timeoutSeconds: 120, resources: small },
    webhook: { secretName: SAMPLE_SECRETS.webhook },
    build: { repository: o.imageRepository, pushSecretName: SAMPLE_SECRETS.push, args: { NODE_IMAGE: o.baseImage }, timeoutSeconds: 120, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } } },
    environments: {
      production: {
        namespace: o.targetNamespace,
        deploymentName: SAMPLE_APP,
        serviceName: SAMPLE_APP,
        replicas: o.timing.replicas,
        containerPort: 8080,
        health: {
          // Readiness is what the bake watches: two failed probes (2 s) and the pod is unready. One was too few: a
          // probe that timed out while a build took both cores left the live color with no ready pod for a moment.
          readiness: { path: '/healthz', periodSeconds: 1, failureThreshold: 2 },
          // Liveness only asks whether the process answers, so an unhealthy color is not restarted in a loop.
          liveness: { path: '/', periodSeconds: 5, failureThreshold: 3 },
          prePromotionPath: '/healthz',
        },
        rolloutTimeoutSeconds: 60,
        bakeSeconds: o.timing.bakeSeconds,
        scaleDownDelaySeconds: o.timing.scaleDownDelaySeconds,
        resources: small,
      },
    },
  };
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Application',
    metadata: { name: SAMPLE_APP, namespace: o.namespace, labels: { [TEAM_LABEL]: SAMPLE_TEAM } },
    spec: spec as unknown as Record<string, unknown>,
  };
}
