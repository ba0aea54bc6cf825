import { createLogger, healthRoutes, launch, Readiness, runService } from '@sluice/service';
import { startTelemetry } from '@sluice/telemetry';
import pkg from '../package.json' with { type: 'json' };
import { parseTestRunnerConfig } from './config.js';

const SERVICE = 'test-runner';

void launch(SERVICE, async () => {
  const config = parseTestRunnerConfig(process.env);
  const logger = createLogger({ service: SERVICE, level: config.SLUICE_LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: SERVICE, serviceVersion: pkg.version, env: process.env, logger });
  logger.info({ version: pkg.version, exporting: telemetry.exporting }, 'telemetry configured');

  const readiness = new Readiness();
  const app = healthRoutes({ readiness });

  await runService({
    logger,
    host: config.SLUICE_HOST,
    port: config.SLUICE_PORT,
    app,
    readiness,
    shutdownTimeoutMs: config.SLUICE_SHUTDOWN_TIMEOUT,
    onShutdown: [{ name: 'telemetry', run: () => telemetry.shutdown() }],
  });
});
