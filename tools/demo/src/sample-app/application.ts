import { API_GROUP_VERSION, type ApplicationSpecInput } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';

/** The sample app's GitLab project. */
export const SAMPLE_PROJECT = { id: 4242, path: 'demo/sample-app', name: 'Sample App' } as const;

/** Name of the Application, and of the Deployments (`-blue`, `-green`) and the Service in production. */
export const SAMPLE_APP = 'sample-app';

/** Image repository the build is named after (the archive build uploads `<repository>/<sha>.tar.gz`). */
export const SAMPLE_IMAGE_REPOSITORY = 'registry.demo.sluice.test/demo/sample-app';

/**
 * The tests, with a JUnit report next to the spec output so the test stage
 * carries counts (and the failing test's name) — plain `node --test`, no
 * npm: the Job has no registry to reach and the app has no dependencies.
 */
/**
 * The install step: the app has no dependencies, so npm only checks the
 * manifest and writes the lockfile — offline, as the Job has no registry to
 * reach — but the Job (and its trace) shows clone → install → test as a
 * real project's would.
 */
export const INSTALL_COMMAND = 'npm install --offline --no-audit --no-fund --no-update-notifier';

export const TEST_COMMAND =
  'node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=junit.xml';

/** Time settings that keep the four deliveries inside the demo's three minutes. */
export interface SampleTiming {
  /** How long a new color must stay healthy after the switch; v4 fails inside it (about 4 s after the pre-promotion check, its first real request). */
  readonly bakeSeconds: number;
  /** How long the previous color keeps running after a healthy bake (instant rollback meanwhile). */
  readonly scaleDownDelaySeconds: number;
  readonly replicas: number;
}

/** Defaults of {@link SampleTiming}. */
export const DEFAULT_TIMING: SampleTiming = { bakeSeconds: 12, scaleDownDelaySeconds: 3, replicas: 2 };

/**
 * The pod's command. The node agent runs commands, not images, so the pod
 * does what pulling the image would: it downloads the build of its own
 * revision (`$SLUICE_REVISION`, set by the deployer) from the artifact
 * registry, unpacks it in its private /tmp and runs it on `$HOST:$PORT`.
 */
export function containerCommand(artifactRegistryUrl: string): string[] {
  const script = [
    'set -eu',
    'mkdir -p /tmp/app && cd /tmp/app',
    `curl --fail --silent --show-error "${artifactRegistryUrl}/${SAMPLE_IMAGE_REPOSITORY}/$SLUICE_REVISION.tar.gz" | tar -xz`,
    'exec node server.mjs',
  ].join('\n');
  return ['/bin/sh', '-c', script];
}

/** The sample app's Application: `main` goes to production, blue-green, short probes and bake. */
export function sampleApplication(o: {
  readonly namespace: string;
  readonly targetNamespace: string;
  readonly repositoryUrl: string;
  readonly artifactRegistryUrl: string;
  readonly timing: SampleTiming;
}): KubeObject {
  const small = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } };
  const spec: ApplicationSpecInput = {
    project: { id: SAMPLE_PROJECT.id, path: SAMPLE_PROJECT.path },
    repositoryUrl: o.repositoryUrl,
    rules: [{ refs: 'main', environments: ['production'] }],
    test: { image: 'node:20-alpine', install: [INSTALL_COMMAND], commands: [TEST_COMMAND], reportPath: 'junit.xml', timeoutSeconds: 120, resources: small },
    build: { repository: SAMPLE_IMAGE_REPOSITORY, timeoutSeconds: 120, resources: small },
    environments: {
      production: {
        namespace: o.targetNamespace,
        deploymentName: SAMPLE_APP,
        serviceName: SAMPLE_APP,
        replicas: o.timing.replicas,
        containerPort: 8080,
        health: {
          // Readiness is what the bake watches: one failed probe and the pod is unready.
          readiness: { path: '/healthz', periodSeconds: 1, failureThreshold: 1 },
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
    metadata: {
      name: SAMPLE_APP,
      namespace: o.namespace,
      annotations: { 'sluice.dev/container-command': JSON.stringify(containerCommand(o.artifactRegistryUrl)) },
    },
    spec: spec as unknown as Record<string, unknown>,
  };
}
