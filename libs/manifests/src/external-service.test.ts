import { describe, expect, it } from 'vitest';
import { externalService } from './external-service.js';
import { roundTrip } from './testing/wire.js';

describe('externalService', () => {
  const service = externalService({ name: 'otel-receiver', namespace: 'sluice-observability', ports: [{ name: 'otlp-grpc', port: 4317 }, { name: 'otlp-http', port: 4328 }] });

  it('is a ClusterIP Service without a selector, each port forwarding to the same number', () => {
    expect(service.spec).toEqual({
      ports: [
        { name: 'otlp-grpc', port: 4317, protocol: 'TCP', targetPort: 4317 },
        { name: 'otlp-http', port: 4328, protocol: 'TCP', targetPort: 4328 },
      ],
      type: 'ClusterIP',
    });
    expect(service.metadata).toEqual({ labels: { 'app.kubernetes.io/managed-by': 'sluice', 'app.kubernetes.io/part-of': 'sluice' }, name: 'otel-receiver', namespace: 'sluice-observability' });
  });

  it('survives client-node serialization', () => {
    expect(roundTrip(service)).toEqual(service);
  });

  it('refuses no ports, bad port names and repeated ports, saying how to fix it', () => {
    expect(() => externalService({ name: 'gitlab', namespace: 's', ports: [] })).toThrow(/list at least one/);
    expect(() => externalService({ name: 'gitlab', namespace: 's', ports: [{ name: 'HTTP', port: 80 }] })).toThrow(/not a port name/);
    expect(() => externalService({ name: 'gitlab', namespace: 's', ports: [{ name: 'a-very-long-port-name', port: 80 }] })).toThrow(/at most 15/);
    expect(() => externalService({ name: 'gitlab', namespace: 's', ports: [{ name: '8080', port: 80 }] })).toThrow(/at least one letter/);
    expect(() => externalService({ name: 'gitlab', namespace: 's', ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] })).toThrow(/repeat/);
    expect(() => externalService({ name: 'gitlab', namespace: 's', ports: [{ name: 'http', port: 0 }] })).toThrow();
  });
});
