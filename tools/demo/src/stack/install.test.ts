import { describe, expect, it } from 'vitest';
import { localInstallKustomization } from './install.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const input = {
  overlay: '../../work/deploy/overlays/local',
  images: {
    'webhook-gateway': `10.240.3.2:5000/sluice/webhook-gateway@${digest('a')}`,
    'test-runner': `10.240.3.2:5000/sluice/test-runner@${digest('b')}`,
    deployer: `10.240.3.2:5000/sluice/deployer@${digest('c')}`,
    notifier: `10.240.3.2:5000/sluice/notifier@${digest('d')}`,
    'otel-collector': `10.240.3.2:5000/sluice/otelcol@${digest('e')}`,
  },
  registry: '10.240.3.2:5000',
  cloneImage: `10.240.3.2:5000/sluice/git@${digest('1')}`,
  builderImage: `10.240.3.2:5000/sluice/builder@${digest('2')}`,
  gitUrl: 'http://10.240.3.1:8929',
  gatewayIp: '10.242.3.80',
  minReadySeconds: 1,
};

describe('the demo install on top of deploy/overlays/local', () => {
  const k = JSON.parse(localInstallKustomization(input)) as {
    resources: string[];
    images: { name: string; newName: string; digest: string }[];
    patches: { patch: string }[];
  };
  const patches = k.patches.map((p) => JSON.parse(p.patch) as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });

  it('installs the overlay itself, with every service and the collector pinned by digest', () => {
    expect(k.resources).toEqual([input.overlay]);
    expect(k.images).toContainEqual({ name: 'sluice/deployer', newName: '10.240.3.2:5000/sluice/deployer', digest: digest('c') });
    expect(k.images).toContainEqual({ name: 'otel/opentelemetry-collector-contrib', newName: '10.240.3.2:5000/sluice/otelcol', digest: digest('e') });
    expect(k.images).toHaveLength(5);
  });

  it('patches only Deployments env/volumes and the gateway Service address: no policy, RBAC or namespace', () => {
    expect(new Set(patches.map((p) => p.kind))).toEqual(new Set(['Deployment', 'Service']));
    const runner = patches.find((p) => p.metadata.name === 'test-runner');
    expect(JSON.stringify(runner)).toContain('"SLUICE_BUILD_PLAIN_HTTP_REGISTRIES","value":"10.240.3.2:5000"');
    // The clone credential goes to the demo's Git server and nowhere else.
    expect(JSON.stringify(runner)).toContain('"SLUICE_GIT_URL","value":"http://10.240.3.1:8929"');
    expect(patches.find((p) => p.kind === 'Service')?.spec).toEqual({ clusterIP: '10.242.3.80' });
  });

  it('refuses an image that is not pinned by digest', () => {
    expect(() => localInstallKustomization({ ...input, images: { ...input.images, deployer: '10.240.3.2:5000/sluice/deployer:dev' } })).toThrow(/not an image reference by digest/);
  });
});
