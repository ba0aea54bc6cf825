import { describe, expect, it } from 'vitest';
import { sluiceDashboard } from './dashboard.js';
import { grafanaDashboardConfigMap } from './dashboard-config-map.js';

describe('grafanaDashboardConfigMap', () => {
  const cm = grafanaDashboardConfigMap({ namespace: 'sluice-observability', dashboard: sluiceDashboard() });

  it("is picked up by Grafana's dashboard sidecar: labelled grafana_dashboard=1, one .json file holding the dashboard", () => {
    expect(cm.metadata!.labels!['grafana_dashboard']).toBe('1');
    expect(Object.keys(cm.data!)).toEqual(['sluice-delivery.json']);
    expect(JSON.parse(cm.data!['sluice-delivery.json']!)).toEqual(sluiceDashboard());
    expect(cm.metadata!.annotations).toEqual({ grafana_folder: 'Sluice' });
  });

  it('refuses a file name the sidecar would not load', () => {
    expect(() => grafanaDashboardConfigMap({ namespace: 'x', dashboard: {}, fileName: '../evil.yaml' })).toThrow(/must be a plain file name ending in \.json/);
  });
});
