import { electorFromSettings, KubeClient, kubeConfigFromEnv, leaderSettingsFromConfig, loadKubeConfig } from '@sluice/kube';
import { createLogger, healthRoutes, launch, Readiness, runService, type RunningService } from '@sluice/service';
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

  const kubeConfig = loadKubeConfig(kubeConfigFromEnv(process.env));
  const client = new KubeClient({ kubeConfig, fieldManager: 'sluice-test-runner' });
  const electionClient = new KubeClient({ kubeConfig, fieldManager: 'sluice-test-runner', requestTimeoutMs: leader.timing.renewDeadlineMs / 2 });
  const elector = electorFromSettings(leader, { client: electionClient, service: SERVICE, namespace: settings.namespace, logger });
  const running: { service?: RunningService } = {};
  let lostLeadership = false;
  const controller = new TestRunnerController({
    client,
    kubeConfig,
    settings,
    logger,
    telemetry,
    ...(elector && { elector }),
    // Exit non-zero so Kubernetes restarts this replica as a fresh standby.
    onLostLeadership: (reason) => {
      lostLeadership = true;
      void running.service?.stop(`lost leadership (${reason})`);
    },
  });

  // Ready once the caches hold the cluster's state (before that, slots and Jobs would be miscounted), or while standby.
  const readiness = new Readiness({ caches: () => controller.isSynced() });
  const app = healthRoutes({ readiness });
  app.get('/leaderz', (c) => c.json(controller.status()));

  running.service = await runService({
    logger,
    host: config.SLUICE_HOST,
    port: config.SLUICE_PORT,
    app,
    readiness,
    shutdownTimeoutMs: config.SLUICE_SHUTDOWN_TIMEOUT,
    exit: (code) => process.exit(lostLeadership ? 1 : code),
    onShutdown: [
      { name: 'controller', run: () => controller.stop() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
  await controller.start();
});
