import { electorFromSettings, KubeClient, kubeConfigFromEnv, leaderSettingsFromConfig, loadKubeConfig } from '@sluice/kube';
import { createLogger, healthRoutes, launch, Readiness, runService, type RunningService } from '@sluice/service';
import { startTelemetry } from '@sluice/telemetry';
import { hostname } from 'node:os';
import pkg from '../package.json' with { type: 'json' };
import { parseDeployerConfig, settingsFromConfig } from './config.js';
import { createDeployer } from './controller/controller.js';

const SERVICE = 'deployer';

void launch(SERVICE, async () => {
  const config = parseDeployerConfig(process.env);
  const settings = settingsFromConfig(config);
  const leader = leaderSettingsFromConfig(config, { hostname: hostname(), pid: process.pid });
  const logger = createLogger({ service: SERVICE, level: config.SLUICE_LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: SERVICE, serviceVersion: pkg.version, env: process.env, logger });
  logger.info({ version: pkg.version, exporting: telemetry.exporting }, 'telemetry configured');

  const kubeConfig = loadKubeConfig(kubeConfigFromEnv(process.env));
  const client = new KubeClient({ kubeConfig, fieldManager: 'sluice-deployer' });
  const electionClient = new KubeClient({ kubeConfig, fieldManager: 'sluice-deployer', requestTimeoutMs: leader.timing.renewDeadlineMs / 2 });
  const elector = electorFromSettings(leader, { client: electionClient, service: SERVICE, namespace: settings.namespace, logger });
  const running: { service?: RunningService } = {};
  let lostLeadership = false;
  const deployer = createDeployer({
    client,
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

  // Ready once the caches hold the cluster's state (deciding from a partial view could re-deploy or skip a step), or while standby.
  const readiness = new Readiness({ caches: () => deployer.ready() });
  const app = healthRoutes({ readiness });
  app.get('/leaderz', (c) => c.json(deployer.status()));

  running.service = await runService({
    logger,
    host: config.SLUICE_HOST,
    port: config.SLUICE_PORT,
    app,
    readiness,
    shutdownTimeoutMs: config.SLUICE_SHUTDOWN_TIMEOUT,
    exit: (code) => process.exit(lostLeadership ? 1 : code),
    onShutdown: [
      { name: 'controller', run: () => deployer.stop() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
  await deployer.start();
});
