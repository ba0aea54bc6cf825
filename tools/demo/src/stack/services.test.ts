import type { ServiceAccountKubeconfigOptions } from '@sluice/local-cluster';
import { describe, expect, it } from 'vitest';
import { serviceKubeconfigs, telemetryEnv } from './services.js';

describe('the services’ kubeconfigs', () => {
  it('give each service a token of its own ServiceAccount in sluice-system', async () => {
    const asked: ServiceAccountKubeconfigOptions[] = [];
    const result = await serviceKubeconfigs('/run/admin.kubeconfig', '/run/services', async (o) => (asked.push(o), o.path));

    expect(result).toEqual({
      identity: 'service-accounts',
      kubeconfigs: {
        'webhook-gateway': '/run/services/webhook-gateway.kubeconfig',
        'test-runner': '/run/services/test-runner.kubeconfig',
        deployer: '/run/services/deployer.kubeconfig',
        notifier: '/run/services/notifier.kubeconfig',
      },
    });
    expect(asked.map((o) => [o.adminKubeconfigPath, o.namespace, o.serviceAccount])).toEqual(
      ['webhook-gateway', 'test-runner', 'deployer', 'notifier'].map((sa) => ['/run/admin.kubeconfig', 'sluice-system', sa]),
    );
  });

  it('fall back to the admin kubeconfig for every service, saying why, when TokenRequest fails', async () => {
    const result = await serviceKubeconfigs('/run/admin.kubeconfig', '/run/services', async (o) => {
      if (o.serviceAccount === 'deployer') throw new Error('HTTP-Code: 404\nMessage: the server could not find the requested resource');
      return o.path;
    });

    expect(result.identity).toBe('admin');
    expect(result.fallback).toBe('TokenRequest failed: HTTP-Code: 404');
    expect(new Set(Object.values(result.kubeconfigs))).toEqual(new Set(['/run/admin.kubeconfig']));
  });
});

describe('the services’ telemetry environment', () => {
  it('sends traces to the receiver and no metrics by default', () => {
    expect(telemetryEnv({ otlpEndpoint: 'http://127.0.0.1:4318' })).toMatchObject({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_METRICS_EXPORTER: 'none',
    });
  });

  it('exports metrics as OTLP/JSON every second to the given collector when asked', () => {
    expect(telemetryEnv({ otlpEndpoint: 'http://127.0.0.1:4318', metricsEndpoint: 'http://127.0.0.1:9000/' })).toMatchObject({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:9000/v1/metrics',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    });
  });

  it('turns the SDK off when there is nowhere to export to', () => {
    expect(telemetryEnv({})).toEqual({ OTEL_SDK_DISABLED: 'true' });
  });
});
