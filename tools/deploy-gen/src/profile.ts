import { DEFAULT_COLLECTOR_IMAGE, type EgressEndpoint, type ExternalServicePort, type SluiceService } from '@sluice/manifests';

/** Pods in the cluster, by namespace and pod labels. */
export interface InClusterPeer {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** An address range outside the cluster (e.g. behind one of the profile's `externalServices`). */
export interface ExternalPeer {
  readonly cidr: string;
}

/**
 * Where the collector sends one kind of telemetry. `peer` is what its egress NetworkPolicy opens,
 * on the endpoint's port: NetworkPolicy sees the address a Service forwards to, so a Service in the
 * endpoint must forward to the same port (as `externalServices` do).
 */
export interface TelemetryDestination {
  readonly endpoint: string;
  readonly peer: InClusterPeer | ExternalPeer;
}

/** Where Sluice's telemetry goes: its own collector, Tempo for traces, Prometheus for metrics, Grafana for the dashboard. */
export interface ObservabilityProfile {
  /** Namespace of the OpenTelemetry Collector and the dashboard ConfigMap (kept apart from Sluice's credentials). */
  readonly namespace: string;
  readonly collectorImage: string;
  /** Tempo (or another OTLP/gRPC trace receiver): its endpoint `host:port`, and where it runs (the collector may reach only that). */
  readonly tempo: TelemetryDestination;
  /**
   * Also push metrics over OTLP/HTTP (JSON encoding) to this base URL (`http://host:port`), besides the
   * Prometheus scrape endpoint, which stays. Unset: scrape endpoint only.
   */
  readonly metricsOtlpHttp?: TelemetryDestination;
  /** Namespace Prometheus scrapes from (the only one that may reach the collector's metrics port). */
  readonly prometheusNamespace: string;
}

/**
 * A selector-less ClusterIP Service an installer points at an address outside the cluster with an
 * EndpointSlice (label `kubernetes.io/service-name: <name>`, the same port names; each port forwards
 * to the same port number).
 */
export interface ExternalServiceProfile {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly ExternalServicePort[];
}

/**
 * Who can open the run pages (`/deliveries`, `/deliveries/<name>`). They show commit titles, authors,
 * branches, failure messages and test log tails — test output often holds secrets — so no install
 * publishes them without authentication.
 */
export interface RunPagesProfile {
  /**
   * Publish them on `host` behind ingress-nginx's external authentication (e.g. oauth2-proxy): a
   * second Ingress for `/deliveries` and `/` (which redirects there). Unset: not published; opened
   * with `kubectl port-forward` to the gateway's Service.
   */
  readonly sso?: {
    /** `nginx.ingress.kubernetes.io/auth-url`: 2xx for a signed-in user, 401 otherwise (oauth2-proxy's `/oauth2/auth`). */
    readonly authUrl: string;
    /** `nginx.ingress.kubernetes.io/auth-signin`: where a 401 sends the browser to sign in (oauth2-proxy's `/oauth2/start`, `rd` bringing it back). */
    readonly signinUrl: string;
  };
}

/** Everything that differs between installs; the base and each overlay are one profile each. */
export interface InstallProfile {
  readonly namespaces: {
    readonly system: string;
    readonly test: string;
    /** Where build Jobs run: Pod Security `baseline`, holding only the build's credentials (deploy/README.md, "Builds"). */
    readonly build: string;
    readonly staging: readonly string[];
    readonly production: readonly string[];
    /** Where each Application's own webhook Secret lives (`spec.webhook.secretName`): Pod Security `restricted`, no workloads; only the gateway reads it. */
    readonly webhookSecrets: string;
  };
  /** Image per service (`repository:tag` or `@sha256:` digest). */
  readonly images: Readonly<Record<SluiceService, string>>;
  readonly replicas: Readonly<Record<SluiceService, number>>;
  /** Public host of the gateway's Ingress (the webhook, and the run pages when published), and the TLS Secret for it. */
  readonly host: string;
  readonly tlsSecretName: string;
  /** Annotations of the webhook's Ingress (e.g. cert-manager's issuer, which then issues the host's certificate). */
  readonly ingressAnnotations: Readonly<Record<string, string>>;
  readonly runPages: RunPagesProfile;
  readonly gitlabUrl: string;
  /** What the test pods' clone/install/build steps may reach. */
  readonly testEgress: readonly EgressEndpoint[];
  /** What the build pods may reach: the Git server (clone) and the image registry (push). */
  readonly buildEgress: readonly EgressEndpoint[];
  /** What the services may reach outside the cluster: the API server, GitLab. */
  readonly systemEgress: readonly EgressEndpoint[];
  /** Pod and service CIDRs; egress endpoints may not overlap them. */
  readonly clusterCidrs: readonly string[];
  /** Selector-less Services an installer points at addresses outside the cluster (EndpointSlices). */
  readonly externalServices: readonly ExternalServiceProfile[];
  readonly observability: ObservabilityProfile;
}

const SERVICES = ['webhook-gateway', 'test-runner', 'deployer', 'notifier'] as const;
const each = <T>(f: (s: SluiceService) => T): Record<SluiceService, T> =>
  Object.fromEntries(SERVICES.map((s) => [s, f(s)])) as Record<SluiceService, T>;

/**
 * The base. Every service runs two replicas: the gateway is stateless; each
 * controller (test-runner, deployer, notifier) elects a leader on its Lease
 * `sluice-<service>-leader`, so one replica acts and the other is a hot standby.
 */
export const BASE: InstallProfile = {
  namespaces: { system: 'sluice-system', test: 'sluice-test', build: 'sluice-build', staging: ['sluice-staging'], production: ['sluice-production'], webhookSecrets: 'sluice-webhooks' },
  images: each((s) => `registry.example.com/sluice/${s}:0.0.0`),
  replicas: { 'webhook-gateway': 2, 'test-runner': 2, deployer: 2, notifier: 2 },
  host: 'sluice.example.com',
  tlsSecretName: 'sluice-gateway-tls',
  ingressAnnotations: {},
  runPages: {},
  gitlabUrl: 'https://gitlab.example.com',
  testEgress: [],
  buildEgress: [],
  systemEgress: [],
  clusterCidrs: [],
  externalServices: [],
  // Tempo and Prometheus as their Helm charts install them into `monitoring`.
  observability: {
    namespace: 'sluice-observability',
    collectorImage: DEFAULT_COLLECTOR_IMAGE,
    tempo: { endpoint: 'tempo.monitoring:4317', peer: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'tempo' } } },
    prometheusNamespace: 'monitoring',
  },
};

/**
 * Fixed ports of the Git server, the artifact registry and the GitLab API (the GitLab stand-in's, as the
 * demo runs them: tools/demo/src/stack/stack.ts, which checks the installed policy opens them) and of the
 * telemetry receivers, on the host's side of a local node's link, `10.240.<slot>.1`: the address differs
 * per cluster, so fixed ports cannot collide, and the egress policies can name them.
 */
export const LOCAL_HOST_PORTS = {
  git: 8929,
  artifacts: 8930,
  /** The GitLab stand-in's REST API, which the notifier calls through the Service `gitlab` (LOCAL_EXTERNAL_SERVICES). */
  gitlabApi: 8931,
  /** The trace receiver's OTLP/gRPC (Jaeger v2), which the collector sends traces to through the Service `otel-receiver`. */
  traces: 4317,
  /** A test receiver of OTLP/HTTP metrics (JSON), which the collector pushes metrics to through the Service `otel-receiver`. */
  metrics: 4328,
  /** Not a host port: the real node's own OCI registry, on the node's address `10.240.<slot>.2`, where builds push. */
  registry: 5000,
  /** Not a host port: the node's API server, `10.240.<slot>.2:6443` (the endpoint of the `kubernetes` Service). */
  apiServer: 6443,
} as const;

/** A local node's link: the host is `10.240.<slot>.1`, the node `10.240.<slot>.2`. */
const LOCAL_NODE_LINK = '10.240.0.0/16';

/**
 * Selector-less Services of the local install whose EndpointSlices the installer of a local cluster
 * (the demo) points at the host's side of the node link, `10.240.<slot>.1`, on the same ports.
 */
export const LOCAL_EXTERNAL_SERVICES = {
  gitlab: { namespace: BASE.namespaces.system, name: 'gitlab', ports: [{ name: 'http', port: LOCAL_HOST_PORTS.gitlabApi }] },
  otelReceiver: {
    namespace: BASE.observability.namespace,
    name: 'otel-receiver',
    ports: [
      { name: 'otlp-grpc', port: LOCAL_HOST_PORTS.traces },
      { name: 'otlp-http', port: LOCAL_HOST_PORTS.metrics },
    ],
  },
} as const satisfies Record<string, ExternalServiceProfile>;

/** `<name>.<namespace>.svc`: an external Service's name inside the cluster. */
const svc = (s: ExternalServiceProfile) => `${s.name}.${s.namespace}.svc`;

/**
 * The local cluster (`npm run cluster -- up`, tools/local-cluster's real node): images built on
 * this machine, two replicas of each controller and one gateway. Test pods may reach the node link (10.240.0.0/16) on the Git and
 * artifact ports only, build pods on the Git and the node registry's ports only, the services the node's
 * API server and the GitLab API; the collector sends traces and metrics to receivers on the host. Pods
 * are 10.241.<slot>.0/24, Services 10.242.<slot>.0/24.
 */
export const LOCAL: InstallProfile = {
  ...BASE,
  images: each((s) => `sluice/${s}:dev`),
  // The controllers as in production, one active and one standby (leader election on a Lease); one gateway.
  replicas: { 'webhook-gateway': 1, 'test-runner': 2, deployer: 2, notifier: 2 },
  host: 'sluice.localtest.me',
  gitlabUrl: `http://${svc(LOCAL_EXTERNAL_SERVICES.gitlab)}:${LOCAL_HOST_PORTS.gitlabApi}`,
  testEgress: [{ cidr: LOCAL_NODE_LINK, ports: [LOCAL_HOST_PORTS.git, LOCAL_HOST_PORTS.artifacts] }],
  buildEgress: [{ cidr: LOCAL_NODE_LINK, ports: [LOCAL_HOST_PORTS.git, LOCAL_HOST_PORTS.registry] }],
  systemEgress: [
    { cidr: LOCAL_NODE_LINK, ports: [LOCAL_HOST_PORTS.apiServer] }, // the node's API server; the node link's addresses
    { cidr: LOCAL_NODE_LINK, ports: [LOCAL_HOST_PORTS.gitlabApi] }, // the GitLab API stand-in on the host side of the node link
  ],
  clusterCidrs: ['10.241.0.0/16', '10.242.0.0/16'],
  externalServices: Object.values(LOCAL_EXTERNAL_SERVICES),
  observability: {
    ...BASE.observability,
    tempo: { endpoint: `${svc(LOCAL_EXTERNAL_SERVICES.otelReceiver)}:${LOCAL_HOST_PORTS.traces}`, peer: { cidr: LOCAL_NODE_LINK } },
    metricsOtlpHttp: { endpoint: `http://${svc(LOCAL_EXTERNAL_SERVICES.otelReceiver)}:${LOCAL_HOST_PORTS.metrics}`, peer: { cidr: LOCAL_NODE_LINK } },
  },
};

/**
 * An example production install: pinned images, a second production
 * namespace, cert-manager for TLS, the run pages behind the platform's SSO
 * (an oauth2-proxy serving `auth.example.com`), and the egress the services
 * and the test and build pods need (documentation address ranges — replace them with yours).
 */
export const PRODUCTION_EXAMPLE: InstallProfile = {
  ...BASE,
  namespaces: { ...BASE.namespaces, production: ['sluice-production', 'shop-production'] },
  images: each((s) => `registry.example.com/sluice/${s}:1.0.0`),
  replicas: { 'webhook-gateway': 3, 'test-runner': 2, deployer: 2, notifier: 2 },
  host: 'sluice.example.com',
  ingressAnnotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
  runPages: {
    sso: {
      authUrl: 'https://auth.example.com/oauth2/auth',
      // `rd` brings the browser back to the page it asked for once signed in.
      signinUrl: 'https://auth.example.com/oauth2/start?rd=https://$host$escaped_request_uri',
    },
  },
  testEgress: [
    { cidr: '198.51.100.10/32', ports: [443, 22] }, // GitLab: clone over HTTPS or SSH
    { cidr: '198.51.100.20/32', ports: [443] }, // registry and package mirror
  ],
  buildEgress: [
    { cidr: '198.51.100.10/32', ports: [443, 22] }, // GitLab: clone over HTTPS or SSH
    { cidr: '198.51.100.20/32', ports: [443] }, // the image registry: push
  ],
  systemEgress: [
    { cidr: '10.0.0.1/32', ports: [443, 6443] }, // the API server
    { cidr: '198.51.100.10/32', ports: [443] }, // GitLab API
  ],
  clusterCidrs: ['10.244.0.0/16', '10.96.0.0/12'],
};

/** Every overlay written under deploy/overlays/. */
export const OVERLAYS: Readonly<Record<string, InstallProfile>> = { local: LOCAL, 'production-example': PRODUCTION_EXAMPLE };
