import {
  SLUICE_SERVICES,
  applicationCrd,
  clusterService,
  deliveryCrd,
  limitRange,
  namespace,
  podDisruptionBudget,
  productionNamespacePolicies,
  resourceQuota,
  roleBindingFor,
  roleFor,
  serviceAccountFor,
  serviceAccountName,
  serviceDeployment,
  systemNamespacePolicies,
  testNamespacePolicies,
  tlsIngress,
  toWire,
  type SecretMount,
  type SluiceService,
} from '@sluice/manifests';
import type { InstallProfile } from './profile.js';

/** A manifest as written to disk: wire field names, plain JSON. */
export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** Each service's HTTP port (the apps' defaults, see README). */
export const PORTS: Readonly<Record<SluiceService, number>> = { 'webhook-gateway': 8080, 'test-runner': 8081, deployer: 8082, notifier: 8083 };

const SECRETS_DIR = '/var/run/secrets/sluice';

/** Secrets each service mounts as files; no service reads a Secret through the API. */
export const SERVICE_SECRETS: Readonly<Record<SluiceService, readonly SecretMount[]>> = {
  'webhook-gateway': [{ secretName: 'sluice-webhook-token', mountPath: `${SECRETS_DIR}/webhook-token` }],
  'test-runner': [],
  deployer: [],
  notifier: [{ secretName: 'sluice-gitlab-token', mountPath: `${SECRETS_DIR}/gitlab-token` }],
};

function envOf(service: SluiceService, p: InstallProfile): Record<string, string> {
  const common = { SLUICE_NAMESPACE: p.namespaces.system, SLUICE_PORT: String(PORTS[service]) };
  switch (service) {
    case 'webhook-gateway':
      return { ...common, SLUICE_PUBLIC_URL: `https://${p.host}`, SLUICE_WEBHOOK_TOKEN_FILES: `${SECRETS_DIR}/webhook-token/token` };
    case 'test-runner':
      return { ...common, SLUICE_TEST_NAMESPACE: p.namespaces.test };
    case 'deployer':
      // Named namespaces keep the deployer's watches inside its Roles (unset would mean cluster-wide).
      return { ...common, SLUICE_TARGET_NAMESPACES: [...p.namespaces.staging, ...p.namespaces.production].join(',') };
    case 'notifier':
      return { ...common, SLUICE_GITLAB_TOKEN_FILE: `${SECRETS_DIR}/gitlab-token/token`, SLUICE_GITLAB_URL: p.gitlabUrl, SLUICE_PUBLIC_URL: `https://${p.host}` };
  }
}

/** Everything one install holds, built from @sluice/manifests, in a fixed order. */
export function installManifests(p: InstallProfile): Manifest[] {
  const ns = p.namespaces;
  const system = ns.system;
  const targets = [...ns.staging, ...ns.production];
  const objects: object[] = [
    applicationCrd(),
    deliveryCrd(),
    ...[system, ns.test, ...targets].map((name) => namespace({ name })),
    ...SLUICE_SERVICES.flatMap((s) => [serviceAccountFor(s, ns), ...roleFor(s, ns), ...roleBindingFor(s, ns)]),
    ...systemNamespacePolicies({ namespace: system, gatewayPort: PORTS['webhook-gateway'], endpoints: p.systemEgress }),
    ...testNamespacePolicies({ namespace: ns.test, endpoints: p.testEgress, clusterCidrs: p.clusterCidrs }),
    ...targets.flatMap((target) => productionNamespacePolicies({ namespace: target })),
    resourceQuota({ namespace: ns.test }),
    limitRange({ namespace: ns.test }),
    ...SLUICE_SERVICES.flatMap((s) => [
      serviceDeployment({
        name: s,
        namespace: system,
        image: p.images[s],
        serviceAccountName: serviceAccountName(s),
        port: PORTS[s],
        replicas: p.replicas[s],
        env: envOf(s, p),
        secrets: SERVICE_SECRETS[s],
      }),
      podDisruptionBudget({ name: s, namespace: system }),
    ]),
    clusterService({ name: 'webhook-gateway', namespace: system, targetPort: PORTS['webhook-gateway'] }),
    tlsIngress({
      name: 'webhook-gateway',
      namespace: system,
      host: p.host,
      tlsSecretName: p.tlsSecretName,
      serviceName: 'webhook-gateway',
      annotations: p.ingressAnnotations,
    }),
  ];
  return objects.map((o) => toWire(o as { apiVersion: string; kind: string }) as Manifest);
}

/** `kind/namespace/name`: the identity kustomize and the apiserver use. */
export function manifestKey(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}
