import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { serviceKubeconfig, telemetryEnv } from './services.js';

describe('a service’s kubeconfig', () => {
  it('reaches the admin kubeconfig’s cluster but authenticates with the ServiceAccount token only', () => {
    const admin = { clusters: [{ name: 'sluice-local', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } }] };
    const kc = new KubeConfig();
    kc.loadFromString(serviceKubeconfig(admin, 'deployer', 'the-token'));
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://127.0.0.1:6443', caData: 'Q0E=' });
    expect(kc.getCurrentUser()).toEqual(expect.objectContaining({ name: 'system:serviceaccount:sluice-system:deployer', token: 'the-token' }));
    expect(kc.getCurrentUser()?.certData).toBeUndefined();
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
