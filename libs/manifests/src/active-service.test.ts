import { describe, expect, it } from 'vitest';
import { activeService } from './active-service.js';

describe('activeService', () => {
  it('selects app + color and targets the named http port', () => {
    const svc = activeService({ app: 'shop', namespace: 'production', color: 'blue' });
    expect(svc.metadata).toMatchObject({ name: 'shop', namespace: 'production', labels: { app: 'shop' } });
    expect(svc.spec).toEqual({ ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], selector: { app: 'shop', color: 'blue' }, type: 'ClusterIP' });
  });

  it('switching color changes only the selector', () => {
    const blue = activeService({ app: 'shop', namespace: 'production', color: 'blue', port: 8080, targetPort: 8080 });
    const green = activeService({ app: 'shop', namespace: 'production', color: 'green', port: 8080, targetPort: 8080 });
    expect({ ...green, spec: { ...green.spec, selector: blue.spec?.selector } }).toEqual(blue);
  });

  it('rejects bad ports', () => {
    expect(() => activeService({ app: 'shop', namespace: 'production', color: 'blue', port: 70000 })).toThrow(/port is 70000; set it to an integer from 1 to 65535/);
    expect(() => activeService({ app: 'shop', namespace: 'production', color: 'blue', targetPort: 'Not A Port' })).toThrow(/not a port name/);
  });
});
