import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePorts, serviceAccountKubeconfig, type ServiceAccountKubeconfigOptions } from '@sluice/local-cluster';
import { NAMESPACES, REPO_ROOT, SERVICES, type ServiceName } from './cluster.js';
import { logTail, spawnOwned, type ChildProcessHandle } from './process.js';
import type { Teardown } from './teardown.js';

// Resolved here, not by name, so it does not matter which directory a service runs in.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What the services are wired to. */
export interface ServicesOptions {
  /** The cluster's admin kubeconfig: it requests the services' tokens (and is their fallback identity). */
  readonly adminKubeconfig: string;
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
  /** The image of the Jobs' clone step (git). */
  readonly cloneImage: string;
  /** The archive build's image (sh, tar, sha256sum, curl). */
  readonly builderImage: string;
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
  /** Why they run as admin, when they do. */
  readonly identityFallback?: string;
  /** Logs of every service, for a failure report. */
  logTails(lines?: number): Promise<string>;
}

/**
 * Starts webhook-gateway, test-runner, deployer and notifier as local Node
 * processes (`node --import tsx src/main.ts` in `apps/<app>`), each with a
 * kubeconfig holding a bound token of its own ServiceAccount from deploy/
 * (the admin one if TokenRequest fails: see {@link serviceKubeconfigs}),
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
  const { identity, fallback, kubeconfigs } = await serviceKubeconfigs(options.adminKubeconfig, dir);
  const free = await freePorts(SERVICES.length);
  const ports = Object.fromEntries(SERVICES.map((name, i) => [name, free[i] as number])) as Record<ServiceName, number>;
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
      SLUICE_CLONE_IMAGE: options.cloneImage,
      SLUICE_BUILDER_IMAGE: options.builderImage,
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
  return { byName, gatewayUrl, dir, identity, ...(fallback !== undefined && { identityFallback: fallback }), logTails };
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

/** How the services authenticate: the kubeconfig of each, and whose identity they hold. */
export interface ServiceKubeconfigs {
  readonly identity: 'service-accounts' | 'admin';
  /** Why not as their ServiceAccounts (TokenRequest failed), when `identity` is `admin`. */
  readonly fallback?: string;
  readonly kubeconfigs: Readonly<Record<ServiceName, string>>;
}

/**
 * Writes into `dir` a kubeconfig per service holding a bound token of its own
 * ServiceAccount from deploy/ (TokenRequest, what `kubectl create token`
 * does), so each runs with exactly the permissions the install grants. Should
 * TokenRequest fail, every service gets the admin kubeconfig instead and the
 * reason is returned, so the demo can say so rather than stop.
 */
export async function serviceKubeconfigs(
  adminKubeconfigPath: string,
  dir: string,
  write: (options: ServiceAccountKubeconfigOptions) => Promise<string> = serviceAccountKubeconfig,
): Promise<ServiceKubeconfigs> {
  try {
    const paths = await Promise.all(
      SERVICES.map((name) => write({ adminKubeconfigPath, namespace: NAMESPACES.system, serviceAccount: name, path: join(dir, `${name}.kubeconfig`) })),
    );
    return { identity: 'service-accounts', kubeconfigs: Object.fromEntries(SERVICES.map((name, i) => [name, paths[i]])) as Record<ServiceName, string> };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] || 'unknown error';
    return { identity: 'admin', fallback: `TokenRequest failed: ${reason}`, kubeconfigs: Object.fromEntries(SERVICES.map((name) => [name, adminKubeconfigPath])) as Record<ServiceName, string> };
  }
}
