import { describe, expect, it } from 'vitest';
import { FIELD_ENV, endpointPort, installManifests, type Manifest } from './install.js';
import { BASE, LOCAL, LOCAL_EXTERNAL_SERVICES, LOCAL_HOST_PORTS, OVERLAYS, type InstallProfile } from './profile.js';

type Env = { name: string; value?: string; valueFrom?: unknown };
type Deployment = Manifest & { spec: { template: { spec: { containers: { name: string; env?: Env[]; command?: string[]; args?: string[] }[] } } } };
type Service = Manifest & { spec: { selector?: Record<string, string>; type: string; ports: { name: string; port: number; targetPort: number | string }[] } };
type Policy = Manifest & { spec: { podSelector: object; egress?: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port: number }[] }[] } };

const SERVICES = ['webhook-gateway', 'test-runner', 'deployer', 'notifier'];
const profiles: [string, InstallProfile][] = [['base', BASE], ...Object.entries(OVERLAYS)];

const deployment = (p: InstallProfile, name: string) => installManifests(p).find((m): m is Deployment => m.kind === 'Deployment' && m.metadata.name === name)!;
const policy = (p: InstallProfile, namespace: string, name: string) => installManifests(p).find((m): m is Policy => m.kind === 'NetworkPolicy' && m.metadata.namespace === namespace && m.metadata.name === name);

/** `ipBlock` CIDR → ports an egress policy opens. */
function openedPorts(policy: Policy | undefined): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const rule of policy?.spec.egress ?? []) {
    for (const peer of rule.to ?? []) if (peer.ipBlock) out.set(peer.ipBlock.cidr, [...(out.get(peer.ipBlock.cidr) ?? []), ...(rule.ports ?? []).map((p) => p.port)]);
  }
  return out;
}

describe.each(profiles)('services of the %s install', (_, profile) => {
  it('set every setting as a plain value (a strategic-merge patch may override or add one by name), the pod name from the Downward API', () => {
    for (const s of SERVICES) {
      for (const e of deployment(profile, s).spec.template.spec.containers[0]!.env!) {
        if (e.name in FIELD_ENV) expect(e.valueFrom, e.name).toBeDefined();
        else expect(e, `${s} ${e.name}`).toEqual({ name: e.name, value: expect.any(String) });
      }
    }
  });

  it('leave the build mode to the test-runner’s default (BuildKit)', () => {
    expect(deployment(profile, 'test-runner').spec.template.spec.containers[0]!.env!.map((e) => e.name)).not.toContain('SLUICE_BUILD_MODE');
  });

  it('start the collector with the image’s own entrypoint', () => {
    const container = deployment(profile, 'otel-collector').spec.template.spec.containers[0]!;
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(['--config=/conf/config.yaml']);
  });
});

describe('the local install', () => {
  const manifests = installManifests(LOCAL);
  const external = manifests.filter((m): m is Service => m.kind === 'Service' && !(m as Service).spec.selector);

  it('holds the selector-less Services the installer points at the host: gitlab and otel-receiver', () => {
    expect(external.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['sluice-system/gitlab', 'sluice-observability/otel-receiver']);
    for (const s of external) {
      expect(s.spec.type).toBe('ClusterIP');
      for (const port of s.spec.ports) expect(port.targetPort).toBe(port.port);
    }
    expect(external[0]!.spec.ports).toEqual([{ name: 'http', port: 8931, protocol: 'TCP', targetPort: 8931 }]);
    expect(external[1]!.spec.ports.map((p) => [p.name, p.port])).toEqual([['otlp-grpc', 4317], ['otlp-http', 4328]]);
    expect(installManifests(BASE).filter((m) => m.kind === 'Service' && !(m as Service).spec.selector)).toEqual([]);
  });

  it('calls GitLab, Tempo and the metrics receiver through those Services, on their ports', () => {
    const byHost = new Map(external.map((s) => [`${s.metadata.name}.${s.metadata.namespace}.svc`, s.spec.ports.map((p) => p.port)]));
    const notifierUrl = deployment(LOCAL, 'notifier').spec.template.spec.containers[0]!.env!.find((e) => e.name === 'SLUICE_GITLAB_URL')!.value!;
    expect(notifierUrl).toBe('http://gitlab.sluice-system.svc:8931');
    for (const endpoint of [notifierUrl, LOCAL.observability.tempo.endpoint, LOCAL.observability.metricsOtlpHttp!.endpoint]) {
      const host = endpoint.includes('://') ? new URL(endpoint).hostname : endpoint.split(':')[0]!;
      expect(byHost.get(host), endpoint).toContain(endpointPort(endpoint));
    }
  });

  it('lets the services reach the node’s API server and the GitLab API on the node link, and nothing else outside', () => {
    expect(openedPorts(policy(LOCAL, 'sluice-system', 'allow-sluice-egress'))).toEqual(new Map([['10.240.0.0/16', [LOCAL_HOST_PORTS.apiServer, LOCAL_HOST_PORTS.gitlabApi]]]));
    expect(LOCAL_HOST_PORTS).toMatchObject({ apiServer: 6443, gitlabApi: 8931 });
  });

  it('lets the collector reach the trace receiver (4317) and the metrics receiver (4328) on the node link, each by its own policy', () => {
    expect(openedPorts(policy(LOCAL, 'sluice-observability', 'allow-collector-to-tempo'))).toEqual(new Map([['10.240.0.0/16', [4317]]]));
    expect(openedPorts(policy(LOCAL, 'sluice-observability', 'allow-collector-to-metrics-receiver'))).toEqual(new Map([['10.240.0.0/16', [4328]]]));
    expect(policy(BASE, 'sluice-observability', 'allow-collector-to-metrics-receiver')).toBeUndefined();
  });

  it('pushes metrics as OTLP/HTTP JSON next to the Prometheus exporter, and keeps the base’s collector configuration otherwise', () => {
    const config = (p: InstallProfile) => (installManifests(p).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'otel-collector-config') as Manifest & { data: Record<string, string> }).data['config.yaml']!;
    expect(config(LOCAL)).toContain('otlphttp/metrics:\n    endpoint: http://otel-receiver.sluice-observability.svc:4328\n    encoding: json');
    expect(config(LOCAL)).toContain('exporters:\n        - prometheus\n        - otlphttp/metrics');
    expect(config(BASE)).not.toContain('otlphttp');
    expect(config(OVERLAYS['production-example']!)).toBe(config(BASE));
  });

  it('names the external Services it documents', () => {
    expect(LOCAL.externalServices).toEqual(Object.values(LOCAL_EXTERNAL_SERVICES));
  });
});
