import { kubeClientFromEnv, leaderSettingsFromConfig, leadershipOf } from '@sluice/kube';
import { createLogger, healthRoutes, launch, Readiness, runService } from '@sluice/service';
import { startTelemetry } from '@sluice/telemetry';
import { hostname } from 'node:os';
import pkg from '../package.json' with { type: 'json' };
import { parseTestRunnerConfig, runnerSettingsFromConfig } from './config.js';
import { TestRunnerController } from './controller/controller.js';

const SERVICE = 'test-runner';

void launch(SERVICE, async () => {
  const config = parseTestRunnerConfig(process.env);
  const settings = runnerSettingsFromConfig(config);
  const leader = leaderSettingsFromConfig(config, { hostname: hostname(), pid: process.pid });
  const logger = createLogger({ service: SERVICE, level: config.SLUICE_LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: SERVICE, serviceVersion: pkg.version, env: process.env, logger });
  logger.info({ version: pkg.version, exporting: telemetry.exporting }, 'telemetry configured');
  if (settings.gitUrl === undefined) logger.warn('SLUICE_GIT_URL is unset: clones send no Git credentials (public repositories only); set it to the GitLab base URL');

  const client = kubeClientFromEnv(process.env, { fieldManager: 'sluice-test-runner' });
  const leadership = leadershipOf({ env: process.env, fieldManager: 'sluice-test-runner', settings: leader, service: SERVICE, namespace: settings.namespace, logger });
  const controller = new TestRunnerController({ client, settings, logger, telemetry, ...leadership.controllerOptions });

  // Ready once the caches hold the cluster's state (before that, slots and Jobs would be miscounted), or while standby.
  const readiness = new Readiness({ caches: () => controller.isSynced() });
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
  await controller.start();
});
