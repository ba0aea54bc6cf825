import { kubeClientFromEnv } from '@sluice/kube';
import { createLogger, launch, runService } from '@sluice/service';
import { startTelemetry } from '@sluice/telemetry';
import pkg from '../package.json' with { type: 'json' };
import { grafanaOptions, parseGatewayConfig, publicBaseUrl, readWebhookSecrets } from './config.js';
import { createGateway } from './gateway.js';

const SERVICE = 'webhook-gateway';

void launch(SERVICE, async () => {
  const config = parseGatewayConfig(process.env);
  const secrets = await readWebhookSecrets(config);
  const logger = createLogger({ service: SERVICE, level: config.SLUICE_LOG_LEVEL });
  const telemetry = startTelemetry({ serviceName: SERVICE, serviceVersion: pkg.version, env: process.env, logger });
  logger.info({ version: pkg.version, exporting: telemetry.exporting }, 'telemetry configured');

  const client = kubeClientFromEnv(process.env, { fieldManager: `sluice-${SERVICE}` });
  const gateway = createGateway({
    grafana: grafanaOptions(config),
    client,
    namespace: config.SLUICE_NAMESPACE,
    secrets,
    webhookSecretsNamespace: config.SLUICE_WEBHOOK_SECRETS_NAMESPACE,
    telemetry,
    logger,
    publicUrl: publicBaseUrl(config),
    maxBodyBytes: config.SLUICE_WEBHOOK_MAX_BODY_BYTES,
    toleranceSeconds: config.SLUICE_WEBHOOK_TOLERANCE,
  });
  logger.info(
    { namespace: config.SLUICE_NAMESPACE, webhookSecretsNamespace: config.SLUICE_WEBHOOK_SECRETS_NAMESPACE, tokens: secrets.secretTokens.length, signingKeys: secrets.signingTokens.length },
    'webhook gateway configured',
  );

  await runService({
    logger,
    host: config.SLUICE_HOST,
    port: config.SLUICE_PORT,
    app: gateway.app,
    preflight: gateway.preflight,
    readiness: gateway.readiness,
    shutdownTimeoutMs: config.SLUICE_SHUTDOWN_TIMEOUT,
    onShutdown: [gateway.shutdownHook, { name: 'telemetry', run: () => telemetry.shutdown() }],
  });
});
