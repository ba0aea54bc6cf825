/**
 * Test and benchmark helpers for the deployer against the local cluster: a
 * sample HTTP app whose behaviour depends on the revision, Applications and
 * Deliveries at the test-runner's hand-off point, and watches. No vitest
 * here, so the benchmark uses it too.
 */
import { API_GROUP_VERSION, initialStatus, TEAM_LABEL, type ApplicationSpecInput, type DeliveryStatus, type EnvironmentName } from '@sluice/delivery';
import { resourcePath, type KubeClient, type KubeObject } from '@sluice/kube';

/**
 * The sample app: an HTTP server on `$HOST:$PORT` (the pod's own loopback
 * address). `/healthz` (readiness) answers 200 unless the revision starts
 * with `badbad` (never ready) or `POST /break` was received (unhealthy from
 * then on); `/livez` (liveness) always answers 200; `/version` returns the revision.
 */
export const SAMPLE_APP = `
const http = require('node:http');
const rev = process.env.SLUICE_REVISION || '';
let broken = false;
http.createServer((req, res) => {
  if (req.url === '/break') { broken = true; res.end('broken'); return; }
  if (req.url === '/version') { res.end(rev); return; }
  if (req.url === '/livez') { res.end('alive'); return; }
  if (broken || rev.startsWith('badbad')) { res.statusCode = 503; res.end('unhealthy'); return; }
  res.end('ok ' + rev);
}).listen(Number(process.env.PORT), process.env.HOST);
`;

/** A SHA that is good (`n` distinguishes them), never ready (`badbad…`) or `bad…` (the test breaks it after promotion). */
export function sha(kind: 'good' | 'never-ready' | 'breaks', n: number): string {
  const prefix = kind === 'good' ? 'a0' : kind === 'never-ready' ? 'badbad' : 'bad0';
  return (prefix + n.toString(16).padStart(8, '0')).padEnd(40, '0');
}

/** The team of the tests' Applications; the harness labels its namespace (the target) with it, so they may deploy there. */
export const TEST_TEAM = 'sample-team';

/** Options of {@link applicationObject}. */
export interface SampleAppOptions {
  readonly namespace: string;
  readonly name: string;
  readonly targetNamespace: string;
  /** The Application's `sluice.dev/team` label; `null`: none. @default {@link TEST_TEAM} */
  readonly team?: string | null;
  readonly staging?: boolean;
  readonly bakeSeconds?: number;
  readonly scaleDownDelaySeconds?: number;
  readonly replicas?: number;
  readonly rolloutTimeoutSeconds?: number;
}

/** An Application for the sample app (production, and staging when asked), with short probe periods and bake. */
export function applicationObject(o: SampleAppOptions): KubeObject {
  const target = (env: string) => ({
    namespace: o.targetNamespace,
    deploymentName: `${o.name}-${env}`,
    serviceName: `${o.name}-${env}`,
    replicas: o.replicas ?? 2,
    containerPort: 8080,
    health: {
      readiness: { path: '/healthz', periodSeconds: 1, failureThreshold: 1 },
      liveness: { path: '/livez', periodSeconds: 5, failureThreshold: 3 },
      prePromotionPath: '/healthz',
    },
    rolloutTimeoutSeconds: o.rolloutTimeoutSeconds ?? 30,
    bakeSeconds: o.bakeSeconds ?? 2,
    scaleDownDelaySeconds: o.scaleDownDelaySeconds ?? 1,
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  });
  const spec: ApplicationSpecInput = {
    project: { id: 42, path: 'team/sample' },
    repositoryUrl: 'https://gitlab.example.com/team/sample.git',
    rules: [{ refs: 'main', environments: o.staging ? ['staging', 'production'] : ['production'] }],
    test: { image: 'node:20', commands: ['npm test'] },
    build: { repository: 'registry.example.com/team/sample' },
    command: ['node', '-e', SAMPLE_APP],
    environments: { ...(o.staging && { staging: target('staging') }), production: target('production') },
  };
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Application',
    metadata: { name: o.name, namespace: o.namespace, ...(o.team !== null && { labels: { [TEAM_LABEL]: o.team ?? TEST_TEAM } }) },
    spec: spec as unknown as Record<string, unknown>,
  };
}

/**
 * Creates a Delivery for `commit` and moves its status to the test-runner's
 * hand-off point: test and build succeeded (phase Building), deploy stages pending.
 */
export async function createHandedOffDelivery(
  client: KubeClient,
  o: {
    readonly namespace: string;
    readonly application: string;
    readonly name: string;
    readonly commit: string;
    readonly environments: readonly EnvironmentName[];
    readonly receivedAt?: string;
    /** The built image by digest. Default: a made-up one (the agent node ignores images; a real node needs one it can pull). */
    readonly image?: string;
  },
): Promise<void> {
  const receivedAt = o.receivedAt ?? new Date().toISOString();
  await client.create<KubeObject>({
    apiVersion: API_GROUP_VERSION,
    kind: 'Delivery',
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      application: o.application,
      project: { id: 42, path: 'team/sample' },
      repositoryUrl: 'https://gitlab.example.com/team/sample.git',
      ref: 'main',
      refType: 'branch',
      environments: [...o.environments],
      before: '0'.repeat(40),
      after: o.commit,
      checkoutSha: o.commit,
      pusher: { name: 'Dev' },
      idempotencyKey: `key-${o.name}`,
      receivedAt,
    },
  });
  const status: DeliveryStatus = initialStatus({ environments: o.environments });
  const done = { state: 'succeeded' as const, startedAt: receivedAt, finishedAt: receivedAt };
  status.phase = 'Building';
  status.image = o.image ?? `registry.example.com/team/sample@sha256:${o.commit.padEnd(64, '0')}`;
  status.stages = status.stages.map((s) => (s.name === 'deploy' ? s : { ...s, ...done }));
  await client.updateStatus<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: o.namespace, name: o.name }, () => status);
}

/** Resolves with the first object at `path` matching `predicate`, watching (never polling); rejects after `timeoutMs`. */
export async function waitForObject<T extends KubeObject>(client: KubeClient, path: string, predicate: (obj: T) => boolean, timeoutMs = 60_000): Promise<T> {
  let informer: { stop(): void } | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting on ${path}`)), timeoutMs);
      informer = client.informer<T>({
        path,
        onEvent: (event) => {
          const objects = event.type === 'RESYNC' ? event.objects : event.type === 'DELETED' ? [] : [event.object];
          const hit = objects.find(predicate);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          }
        },
      });
    });
  } finally {
    informer?.stop();
  }
}

/** Path of the Deliveries in `namespace`. */
export function deliveriesPath(namespace: string): string {
  return resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace });
}

/** Waits until the named Delivery's phase satisfies `phases`. */
export async function waitForPhase(client: KubeClient, namespace: string, name: string, phases: readonly string[], timeoutMs = 90_000): Promise<KubeObject & { status: DeliveryStatus }> {
  return waitForObject(client, deliveriesPath(namespace), (d) => d.metadata.name === name && phases.includes(((d['status'] ?? {}) as { phase?: string }).phase ?? ''), timeoutMs) as Promise<
    KubeObject & { status: DeliveryStatus }
  >;
}
