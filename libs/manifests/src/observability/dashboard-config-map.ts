import type { V1ConfigMap } from '@kubernetes/client-node';
import { ManifestError } from '../errors.js';
import { MANAGED_BY, assertDnsLabel, assertDnsSubdomain, mergeLabels, withDefaults } from '../validate.js';
import { OBSERVABILITY_COMPONENT } from './collector.js';
import type { JsonObject } from './grafana.js';

export interface GrafanaDashboardConfigMapProps {
  /** @default 'sluice-grafana-dashboard' */
  readonly name?: string;
  readonly namespace: string;
  /** The dashboard JSON model, e.g. `sluiceDashboard()`. */
  readonly dashboard: JsonObject;
  /** File name the Grafana sidecar writes the dashboard to. @default 'sluice-delivery.json' */
  readonly fileName?: string;
  /** Grafana folder (read by the sidecar when its `folderAnnotation` is `grafana_folder`). @default 'Sluice' */
  readonly folder?: string;
}

/** The label Grafana's dashboard sidecar (kube-prometheus-stack, grafana chart) looks for by default. */
export const GRAFANA_DASHBOARD_LABEL: Readonly<Record<string, string>> = Object.freeze({ grafana_dashboard: '1' });

/** The dashboard JSON as written to files and ConfigMaps: two-space indentation, trailing newline. */
export function dashboardJson(dashboard: JsonObject): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/**
 * A ConfigMap holding a Grafana dashboard, labelled `grafana_dashboard: "1"`
 * so Grafana's dashboard sidecar picks it up and provisions it (point the
 * sidecar at this namespace, or at all namespaces).
 */
export function grafanaDashboardConfigMap(props: GrafanaDashboardConfigMapProps): V1ConfigMap {
  const builder = 'grafanaDashboardConfigMap';
  const p = withDefaults(props, { name: 'sluice-grafana-dashboard', fileName: 'sluice-delivery.json', folder: 'Sluice' });
  assertDnsSubdomain(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  if (!/^[\w.-]+\.json$/.test(p.fileName)) throw new ManifestError('InvalidName', builder, `fileName "${p.fileName}" must be a plain file name ending in .json, e.g. "sluice-delivery.json"`);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      annotations: { grafana_folder: p.folder },
      labels: mergeLabels(builder, {}, { ...MANAGED_BY, ...OBSERVABILITY_COMPONENT, ...GRAFANA_DASHBOARD_LABEL, 'app.kubernetes.io/name': p.name }),
      name: p.name,
      namespace: p.namespace,
    },
    data: { [p.fileName]: dashboardJson(p.dashboard) },
  };
}
