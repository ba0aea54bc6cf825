import { kubeClientFromEnv, leaderSettingsFromConfig, leadershipOf } from '@sluice/kube';
import { createLogger, healthRoutes, launch, Readiness, runService } from '@sluice/service';
import { startTelemetry } from '@sluice/telemetry';
import { hostname } from 'node:os';
import pkg from '../package.json' with { type: 'json' };
import { parseNotifierConfig, publicBaseUrl, readGitlabToken } from './config.js';
import { NotifierController } from './controller/controller.js';
import { createGitlabClient } from './gitlab-client.js';
import { NotifierTelemetry } from './telemetry/gitlab.js';

const SERVICE = 'notifier';

void launch(SERVICE, async () => {
  const config = parseNotifierConfig(process.env);
  const leader = leaderSettingsFromConfig(config, { hostname: hostname(), pid: process.pid });
  const token = await readGitlabToken(config);
  const logger = createLogger({ service: SERVICE, level: config.SLUICE_LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: SERVICE, serviceVersion: pkg.version, env: process.env, logger });
  logger.info({ version: pkg.version, exporting: telemetry.exporting }, 'telemetry configured');

  const notifierTelemetry = new NotifierTelemetry(telemetry);
  const kube = kubeClientFromEnv(process.env, { fieldManager: `sluice-${SERVICE}` });
  const leadership = leadershipOf({ env: process.env, fieldManager: `sluice-${SERVICE}`, settings: leader, service: SERVICE, namespace: config.SLUICE_NAMESPACE, logger });
  const gitlab = await createGitlabClient({
    url: config.SLUICE_GITLAB_URL,
    token,
    timeoutMs: config.SLUICE_GITLAB_TIMEOUT,
    wrapDispatcher: (inner) => notifierTelemetry.dispatcher(inner),
    ...(config.SLUICE_GITLAB_CA_FILE !== undefined ? { caFile: config.SLUICE_GITLAB_CA_FILE } : {}),
  });
  const publicUrl = publicBaseUrl(config);
  const controller = new NotifierController({
    kube,
    gitlab,
    namespace: config.SLUICE_NAMESPACE,
    decide: { prefix: config.SLUICE_STATUS_PREFIX, ...(publicUrl !== undefined ? { publicUrl } : {}) },
    concurrency: config.SLUICE_GITLAB_CONCURRENCY,
    backoff: { maxMs: config.SLUICE_GITLAB_MAX_BACKOFF },
    logger,
    telemetry: notifierTelemetry,
    ...leadership.controllerOptions,
  });
  logger.info(
    { namespace: config.SLUICE_NAMESPACE, gitlab: config.SLUICE_GITLAB_URL, prefix: config.SLUICE_STATUS_PREFIX, privateCa: config.SLUICE_GITLAB_CA_FILE !== undefined },
    'notifier configured',
  );

  // Ready once the Delivery informer has its first listing, or while standby.
  const readiness = new Readiness({ deliveries: () => controller.hasSynced() });
  const app = healthRoutes({ readiness });
  app.get('/leaderz', (c) => c.json(controller.status()));

  const service = await runService({
    logger,
    host: config.SLUICE_HOST,
    port: config.SLUICE_PORT,
    app,
    readiness,
    shutdownTimeoutMs: config.SLUICE_SHUTDOWN_TIMEOUT,
    exit: (code) => process.exit(leadership.exitCode(code)),
    onShutdown: [
      { name: 'controller', run: () => controller.stop() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
  leadership.attach(service);
  await controller.start().catch((error: unknown) => logger.error({ err: error }, 'Delivery informer stopped before it synced'));
});
