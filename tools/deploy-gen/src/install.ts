import {
  SLUICE_SERVICES,
  applicationAdmission,
  applicationCrd,
  buildNamespacePolicies,
  clusterService,
  deliveryCrd,
  externalService,
  grafanaDashboardConfigMap,
  limitRange,
  namespace,
  observabilityNamespacePolicies,
  otelCollector,
  podDisruptionBudget,
  productionNamespacePolicies,
  resourceQuota,
  roleBindingFor,
  roleFor,
  serviceAccountFor,
  serviceAccountName,
  serviceDeployment,
  sluiceDashboard,
  systemNamespacePolicies,
  testNamespacePolicies,
  toWire,
  DEFAULT_COLLECTOR_PORTS,
  DEPLOYER_POD_LABELS,
  type PeerSelector,
  type SecretMount,
  type SluiceService,
  type TelemetryEgress,
} from '@sluice/manifests';
import { gatewayIngresses, runPagesUrl } from './exposure.js';
import type { InstallProfile, TelemetryDestination } from './profile.js';

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

/** The collector's name: its Deployment, Service and pod label. */
export const COLLECTOR = 'otel-collector';

/** Where the services send OTLP/HTTP (traces and metrics): the collector's Service. */
export function collectorUrl(p: InstallProfile): string {
  return `http://${COLLECTOR}.${p.observability.namespace}:${DEFAULT_COLLECTOR_PORTS.otlpHttp}`;
}

/** Pod fields every service reads (Downward API), defined before the settings that refer to them. */
export const FIELD_ENV: Readonly<Record<string, string>> = { POD_NAME: 'metadata.name' };

/**
 * OpenTelemetry settings every service gets. `service.instance.id` is the pod
 * name: the collector's `prometheus` exporter tells replicas apart by it
 * (the `instance` label); without it two gateway replicas would overwrite
 * each other's counters.
 */
function telemetryEnv(p: InstallProfile): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl(p),
    OTEL_RESOURCE_ATTRIBUTES: `k8s.namespace.name=${p.namespaces.system},k8s.pod.name=$(POD_NAME),service.instance.id=$(POD_NAME)`,
  };
}

const inNamespace = (name: string): PeerSelector => ({ namespaceLabels: { 'kubernetes.io/metadata.name': name } });

/** The port of a telemetry endpoint: `host:port`, or a URL (its port, else the scheme's default). */
export function endpointPort(endpoint: string): number {
  if (endpoint.includes('://')) {
    const url = new URL(endpoint);
    return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  }
  return Number(endpoint.split(':').at(-1));
}

/** What the collector's egress policy opens for a telemetry destination: its pods or its address range, on the endpoint's port. */
export function telemetryEgress(d: TelemetryDestination): TelemetryEgress {
  const ports = [endpointPort(d.endpoint)];
  return 'cidr' in d.peer ? { cidr: d.peer.cidr, ports } : { peer: { ...inNamespace(d.peer.namespace), podLabels: d.peer.podLabels }, ports };
}

function envOf(service: SluiceService, p: InstallProfile): Record<string, string> {
  const common = { SLUICE_NAMESPACE: p.namespaces.system, SLUICE_PORT: String(PORTS[service]), ...telemetryEnv(p) };
  switch (service) {
    case 'webhook-gateway':
      return {
        ...common,
        SLUICE_PUBLIC_URL: runPagesUrl(p),
        SLUICE_WEBHOOK_TOKEN_FILES: `${SECRETS_DIR}/webhook-token/token`,
        SLUICE_WEBHOOK_SECRETS_NAMESPACE: p.namespaces.webhookSecrets,
      };
    case 'test-runner':
      // The clone credential goes to GitLab's host only (a repository elsewhere is cloned without it).
      return { ...common, SLUICE_TEST_NAMESPACE: p.namespaces.test, SLUICE_BUILD_NAMESPACE: p.namespaces.build, SLUICE_GIT_URL: new URL(p.gitlabUrl).origin };
    case 'deployer':
      // Named namespaces keep the deployer's watches inside its Roles (unset would mean cluster-wide).
      return { ...common, SLUICE_TARGET_NAMESPACES: [...p.namespaces.staging, ...p.namespaces.production].join(',') };
    case 'notifier':
      return { ...common, SLUICE_GITLAB_TOKEN_FILE: `${SECRETS_DIR}/gitlab-token/token`, SLUICE_GITLAB_URL: p.gitlabUrl, SLUICE_PUBLIC_URL: runPagesUrl(p) };
  }
}

/** Everything one install holds, built from @sluice/manifests, in a fixed order. */
export function installManifests(p: InstallProfile): Manifest[] {
  const ns = p.namespaces;
  const system = ns.system;
  const targets = [...ns.staging, ...ns.production];
  const obs = p.observability;
  const collector = otelCollector({
    name: COLLECTOR,
    namespace: obs.namespace,
    image: obs.collectorImage,
    config: { tempoEndpoint: obs.tempo.endpoint, ...(obs.metricsOtlpHttp && { metricsOtlpHttp: { endpoint: obs.metricsOtlpHttp.endpoint, encoding: 'json' } }) },
  });
  const collectorPeer = { peer: { ...inNamespace(obs.namespace), podLabels: { 'app.kubernetes.io/name': COLLECTOR } }, ports: [DEFAULT_COLLECTOR_PORTS.otlpHttp] };
  const objects: object[] = [
    applicationCrd(),
    deliveryCrd(),
    ...applicationAdmission({ namespace: system }),
    // The webhook-secrets namespace holds only each Application's webhook Secret: no workloads, only the gateway reads it.
    ...[system, ns.test, ns.webhookSecrets].map((name) => namespace({ name })),
    // Rootless BuildKit cannot run under `restricted` (deploy/README.md, "Builds"); warn and audit stay there.
    namespace({ name: ns.build, podSecurity: 'baseline' }),
    ...[...targets, obs.namespace].map((name) => namespace({ name })),
    ...SLUICE_SERVICES.flatMap((s) => [serviceAccountFor(s, ns), ...roleFor(s, ns), ...roleBindingFor(s, ns)]),
    // The deployer's pre-promotion check reaches the applications' pods in every environment, on their own ports.
    ...systemNamespacePolicies({ namespace: system, gatewayPort: PORTS['webhook-gateway'], endpoints: p.systemEgress, peers: [collectorPeer], environments: targets }),
    ...testNamespacePolicies({ namespace: ns.test, endpoints: p.testEgress, clusterCidrs: p.clusterCidrs }),
    ...buildNamespacePolicies({ namespace: ns.build, endpoints: p.buildEgress, clusterCidrs: p.clusterCidrs }),
    ...targets.flatMap((target) => productionNamespacePolicies({ namespace: target, deployer: { ...inNamespace(system), podLabels: DEPLOYER_POD_LABELS } })),
    ...observabilityNamespacePolicies({
      namespace: obs.namespace,
      otlpFrom: inNamespace(system),
      scrapeFrom: inNamespace(obs.prometheusNamespace),
      tempo: telemetryEgress(obs.tempo),
      ...(obs.metricsOtlpHttp && { metricsReceiver: telemetryEgress(obs.metricsOtlpHttp) }),
      clusterCidrs: p.clusterCidrs,
    }),
    resourceQuota({ namespace: ns.test }),
    limitRange({ namespace: ns.test }),
    resourceQuota({ namespace: ns.build, name: 'sluice-build-quota' }),
    limitRange({ namespace: ns.build, name: 'sluice-build-limits' }),
  ];
  // The services' Deployments come in wire form from their builder; the other builders' models go through toWire.
  const services: Manifest[] = [
    ...SLUICE_SERVICES.flatMap((s) => [
      serviceDeployment({
        name: s,
        namespace: system,
        image: p.images[s],
        serviceAccountName: serviceAccountName(s),
        port: PORTS[s],
        replicas: p.replicas[s],
        env: envOf(s, p),
        fieldEnv: FIELD_ENV,
        secrets: SERVICE_SECRETS[s],
      }),
      wire(podDisruptionBudget({ name: s, namespace: system })),
    ]),
  ];
  const after: object[] = [
    clusterService({ name: 'webhook-gateway', namespace: system, targetPort: PORTS['webhook-gateway'] }),
    ...p.externalServices.map((s) => externalService(s)),
    ...gatewayIngresses(p),
    collector.configMap,
    collector.deployment,
    collector.service,
    grafanaDashboardConfigMap({ namespace: obs.namespace, dashboard: sluiceDashboard() }),
  ];
  return [...objects.map(wire), ...services, ...after.map(wire)];
}

/** A client-node model in wire form, as written to disk. */
function wire(model: object): Manifest {
  return toWire(model as { apiVersion: string; kind: string }) as Manifest;
}

/** `kind/namespace/name`: the identity kustomize and the apiserver use. */
export function manifestKey(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}
