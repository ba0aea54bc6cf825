import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NAMESPACES, REPO_ROOT, SERVICES, serviceAccountToken, type ServiceName } from './cluster.js';
import type { Kubectl } from './kubectl.js';
import { freePort, logTail, spawnOwned, type ChildProcessHandle } from './process.js';
import type { Teardown } from './teardown.js';

// Resolved here, not by name, so it does not matter which directory a service runs in.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What the services are wired to. */
export interface ServicesOptions {
  readonly kubectl: Kubectl;
  /** Working directory for kubeconfigs, secret files and logs. */
  readonly dir: string;
  /** `X-Gitlab-Token` the gateway accepts. */
  readonly webhookToken: string;
  /** `whsec_…` signing token the gateway verifies. */
  readonly signingToken: string;
  /** The GitLab (stand-in) the notifier posts to, and its API token. */
  readonly gitlabUrl: string;
  readonly gitlabToken: string;
  /** Where the archive build uploads. */
  readonly artifactRegistryUrl: string;
  /** `minReadySeconds` of the rendered color Deployments. */
  readonly minReadySeconds: number;
  /** OTLP/HTTP base URL every service exports traces to; unset: no traces. */
  readonly otlpEndpoint?: string;
  /** OTLP/HTTP base URL every service exports its metrics to (OTLP/JSON, every second); unset: no metrics. */
  readonly metricsEndpoint?: string;
}

/** One running service. */
export interface RunningService {
  readonly name: ServiceName;
  readonly url: string;
  readonly process: ChildProcessHandle;
}

/** The four running services. */
export interface Services {
  readonly byName: Readonly<Record<ServiceName, RunningService>>;
  /** Base URL of the gateway: webhooks at `/webhooks/gitlab`, run pages at `/deliveries/<name>`. */
  readonly gatewayUrl: string;
  /** Where their logs, kubeconfigs and secret files are. */
  readonly dir: string;
  /** Whether the services authenticate as their own ServiceAccounts (TokenRequest) or, as a fallback, as admin. */
  readonly identity: 'service-accounts' | 'admin';
  /** Logs of every service, for a failure report. */
  logTails(lines?: number): Promise<string>;
}

/**
 * Starts webhook-gateway, test-runner, deployer and notifier as local Node
 * processes (`node --import tsx src/main.ts` in `apps/<app>`), each with a
 * kubeconfig holding a bound token of its own ServiceAccount from deploy/,
 * and resolves once every one answers `/readyz` (its caches have synced).
 */
export async function startServices(options: ServicesOptions, teardown: Teardown): Promise<Services> {
  const { dir } = options;
  const files = {
    webhookToken: join(dir, 'webhook-token'),
    signingToken: join(dir, 'webhook-signing-token'),
    gitlabToken: join(dir, 'gitlab-token'),
  };
  await Promise.all([
    writeFile(files.webhookToken, options.webhookToken, { mode: 0o600 }),
    writeFile(files.signingToken, options.signingToken, { mode: 0o600 }),
    writeFile(files.gitlabToken, options.gitlabToken, { mode: 0o600 }),
  ]);
  const admin = JSON.parse(await readFile(options.kubectl.kubeconfig, 'utf8')) as AdminKubeconfig;
  const identity = await tokenRequestWorks(options.kubectl);
  const kubeconfigs = Object.fromEntries(
    await Promise.all(
      SERVICES.map(async (name) => {
        if (identity === 'admin') return [name, options.kubectl.kubeconfig] as const;
        const path = join(dir, `${name}.kubeconfig`);
        await writeFile(path, serviceKubeconfig(admin, name, await serviceAccountToken(options.kubectl, name)), { mode: 0o600 });
        return [name, path] as const;
      }),
    ),
  ) as Record<ServiceName, string>;
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<ServiceName, number>;
  const gatewayUrl = `http://127.0.0.1:${ports['webhook-gateway']}`;

  const specific: Record<ServiceName, Record<string, string>> = {
    'webhook-gateway': {
      SLUICE_WEBHOOK_TOKEN_FILES: files.webhookToken,
      SLUICE_WEBHOOK_SIGNING_KEY_FILES: files.signingToken,
      SLUICE_PUBLIC_URL: gatewayUrl,
    },
    'test-runner': {
      SLUICE_TEST_NAMESPACE: NAMESPACES.test,
      SLUICE_BUILD_MODE: 'archive',
      SLUICE_ARTIFACT_REGISTRY_URL: options.artifactRegistryUrl,
    },
    deployer: {
      // As deploy/ configures it: watches stay inside the deployer's Roles.
      SLUICE_TARGET_NAMESPACES: `sluice-staging,${NAMESPACES.production}`,
      SLUICE_DEPLOYER_IDENTITY: 'sluice-demo-deployer',
      SLUICE_MIN_READY_SECONDS: String(options.minReadySeconds),
    },
    notifier: {
      SLUICE_GITLAB_URL: options.gitlabUrl,
      SLUICE_GITLAB_TOKEN_FILE: files.gitlabToken,
      SLUICE_PUBLIC_URL: gatewayUrl,
    },
  };
  const telemetry = telemetryEnv(options);

  const running = SERVICES.map((name): RunningService => {
    const child = spawnOwned({
      name,
      command: process.execPath,
      // From the app's own directory, as its `dev` script runs: tsx then compiles with the app's tsconfig (JSX of the run pages).
      args: ['--import', TSX, join('src', 'main.ts')],
      cwd: join(REPO_ROOT, 'apps', name),
      logFile: join(dir, `${name}.log`),
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        KUBECONFIG: kubeconfigs[name],
        SLUICE_HOST: '127.0.0.1',
        SLUICE_PORT: String(ports[name]),
        SLUICE_NAMESPACE: NAMESPACES.system,
        SLUICE_LOG_LEVEL: 'info',
        SLUICE_SHUTDOWN_TIMEOUT: '3s',
        ...telemetry,
        ...specific[name],
      },
    });
    return { name, url: `http://127.0.0.1:${ports[name]}`, process: child };
  });
  // All at once: each drains on SIGTERM (bounded by SLUICE_SHUTDOWN_TIMEOUT) independently of the others.
  teardown.add('services', async () => void (await Promise.all(running.map((s) => s.process.stop()))));
  const byName = Object.fromEntries(running.map((s) => [s.name, s])) as Record<ServiceName, RunningService>;
  const logTails = async (lines = 15) =>
    (await Promise.all(running.map(async (s) => `--- ${s.name} (${s.process.logFile})\n${await logTail(s.process.logFile, lines)}`))).join('\n');
  try {
    await Promise.all(running.map((s) => waitReady(s)));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${await logTails()}`);
  }
  return { byName, gatewayUrl, dir, identity, logTails };
}

/**
 * The services' `OTEL_*` environment: traces to the receiver (protobuf,
 * flushed every 200 ms), metrics — when asked for — as OTLP/JSON every
 * second; nothing configured: the SDK off.
 */
export function telemetryEnv(options: Pick<ServicesOptions, 'otlpEndpoint' | 'metricsEndpoint'>): Record<string, string> {
  if (!options.otlpEndpoint && !options.metricsEndpoint) return { OTEL_SDK_DISABLED: 'true' };
  const traces: Record<string, string> = options.otlpEndpoint
    ? {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        // Spans reach the receiver within a fraction of a second, so the summary's waterfall is complete.
        OTEL_BSP_SCHEDULE_DELAY: '200',
      }
    : { OTEL_TRACES_EXPORTER: 'none' };
  const metrics: Record<string, string> = options.metricsEndpoint
    ? {
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${options.metricsEndpoint.replace(/\/+$/, '')}/v1/metrics`,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        // Cumulative points every second: what a delivery recorded is exported a second later, not only at shutdown.
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      }
    : { OTEL_METRICS_EXPORTER: 'none' };
  return { ...traces, ...metrics };
}

/** Polls `/readyz` (the services answer 503 until their informers synced), failing fast if the process exits. */
async function waitReady(service: RunningService, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = service.process.exited();
    if (exit) throw new Error(`${service.name} exited (${exit}) before it was ready`);
    const status = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${service.name} was not ready after ${timeoutMs / 1000} s (last /readyz: ${status || 'no answer'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface AdminKubeconfig {
  readonly clusters: readonly { readonly name: string; readonly cluster: { readonly server: string; readonly 'certificate-authority-data': string } }[];
}

/** A kubeconfig for `service`: the cluster from the admin kubeconfig, the user a ServiceAccount token. */
export function serviceKubeconfig(admin: AdminKubeconfig, service: string, token: string): string {
  const cluster = admin.clusters[0];
  if (!cluster) throw new Error('the admin kubeconfig names no cluster');
  const user = `system:serviceaccount:${NAMESPACES.system}:${service}`;
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: cluster.name, cluster: cluster.cluster }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: service, context: { cluster: cluster.name, user, namespace: NAMESPACES.system } }],
      'current-context': service,
    },
    null,
    2,
  )}\n`;
}

/** TokenRequest is served by every apiserver with a service-account signing key (ours has one); admin is the fallback. */
async function tokenRequestWorks(kubectl: Kubectl): Promise<'service-accounts' | 'admin'> {
  const probe = await kubectl.run(['create', 'token', 'webhook-gateway', '-n', NAMESPACES.system, '--duration=10m']);
  return probe.status === 0 ? 'service-accounts' : 'admin';
}
