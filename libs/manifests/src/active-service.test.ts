import { describe, expect, it } from 'vitest';
import { activeService } from './active-service.js';

const OWNER = 'sluice-system/shop';

describe('activeService', () => {
  it('selects app + color and targets the named http port', () => {
    const svc = activeService({ app: 'shop', namespace: 'production', color: 'blue', owner: OWNER });
    expect(svc.metadata).toMatchObject({ name: 'shop', namespace: 'production', labels: { app: 'shop' } });
    expect(svc.spec).toEqual({ ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], selector: { app: 'shop', color: 'blue' }, type: 'ClusterIP' });
  });

  it('says which Application it belongs to: managed-by label and owner annotation', () => {
    const svc = activeService({ app: 'shop', namespace: 'production', color: 'blue', owner: OWNER });
    expect(svc.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'sluice' });
    expect(svc.metadata?.annotations).toEqual({ 'sluice.dev/owner': OWNER });
    expect(() => activeService({ app: 'shop', namespace: 'production', color: 'blue', owner: '' })).toThrow(/owner "" is not "<namespace>\/<application>"/);
  });

  it('switching color changes only the selector', () => {
    const blue = activeService({ app: 'shop', namespace: 'production', color: 'blue', owner: OWNER, port: 8080, targetPort: 8080 });
    const green = activeService({ app: 'shop', namespace: 'production', color: 'green', owner: OWNER, port: 8080, targetPort: 8080 });
    expect({ ...green, spec: { ...green.spec, selector: blue.spec?.selector } }).toEqual(blue);
  });

  it('rejects bad ports', () => {
    expect(() => activeService({ app: 'shop', namespace: 'production', color: 'blue', owner: OWNER, port: 70000 })).toThrow(/port is 70000; set it to an integer from 1 to 65535/);
    expect(() => activeService({ app: 'shop', namespace: 'production', color: 'blue', owner: OWNER, targetPort: 'Not A Port' })).toThrow(/not a port name/);
  });
});
