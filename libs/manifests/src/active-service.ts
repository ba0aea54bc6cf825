import type { V1Service } from '@kubernetes/client-node';
import { ANNOTATIONS } from '@sluice/delivery';
import type { Color } from './color-deployment.js';
import { APP_LABEL, COLOR_LABEL, COLORS, assertOwner } from './color-deployment.js';
import { ManifestError } from './errors.js';
import { MANAGED_BY, assertDnsLabel, assertOneOf, assertPort, mergeLabels, withDefaults } from './validate.js';

export interface ActiveServiceProps {
  readonly app: string;
  readonly namespace: string;
  /** The color receiving traffic; switching it is the blue/green cut-over. */
  readonly color: Color;
  /** `<application namespace>/<application name>`, as the annotation `sluice.dev/owner` (see `colorDeployment`). */
  readonly owner: string;
  /** @default app */
  readonly name?: string;
  /** @default 80 */
  readonly port?: number;
  /** Container port number or name. @default 'http' (the port name colorDeployment uses) */
  readonly targetPort?: number | string;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The Service clients use. It selects `app` + `color`, so patching only the
 * color moves all traffic at once and moving it back is the rollback. Like
 * the color Deployments it is labelled `app.kubernetes.io/managed-by: sluice`
 * and annotated `sluice.dev/owner`.
 */
export function activeService(props: ActiveServiceProps): V1Service {
  const builder = 'activeService';
  const p = withDefaults(props, { port: 80, targetPort: 'http', labels: {} } as const);
  assertDnsLabel(builder, 'app', p.app);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertOneOf(builder, 'color', p.color, COLORS);
  assertOwner(builder, p.owner);
  const name = p.name ?? p.app;
  assertDnsLabel(builder, 'name', name);
  assertPort(builder, 'port', p.port);
  if (typeof p.targetPort === 'number') assertPort(builder, 'targetPort', p.targetPort);
  else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.targetPort) || p.targetPort.length > 15) {
    throw new ManifestError('InvalidName', builder, `targetPort "${p.targetPort}" is not a port name; use a number or the container port's name (e.g. "http")`);
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    // The Service itself carries no color label: it is the stable front for both colors.
    metadata: { annotations: { [ANNOTATIONS.owner]: p.owner }, labels: mergeLabels(builder, p.labels, { ...MANAGED_BY, [APP_LABEL]: p.app }), name, namespace: p.namespace },
    spec: {
      ports: [{ name: 'http', port: p.port, protocol: 'TCP', targetPort: p.targetPort }],
      selector: { [APP_LABEL]: p.app, [COLOR_LABEL]: p.color },
      type: 'ClusterIP',
    },
  };
}
