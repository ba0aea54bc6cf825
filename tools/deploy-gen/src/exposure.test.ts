import { describe, expect, it } from 'vitest';
import { PORT_FORWARD_PORT, portForwardCommand } from './exposure.js';
import { installManifests, type Manifest } from './install.js';
import { BASE, OVERLAYS, PRODUCTION_EXAMPLE, type InstallProfile } from './profile.js';

interface Path {
  path: string;
  pathType: string;
  backend: { service: { name: string; port: { number: number } } };
}
type Ingress = Manifest & {
  metadata: { annotations?: Record<string, string> };
  spec: { rules: { host: string; http: { paths: Path[] } }[]; tls: { hosts: string[]; secretName: string }[] };
};
type Deployment = Manifest & { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } };
type Service = Manifest & { spec: { ports: { port: number; targetPort: string }[] } };

const AUTH_URL = 'nginx.ingress.kubernetes.io/auth-url';
const AUTH_SIGNIN = 'nginx.ingress.kubernetes.io/auth-signin';
const installs: [string, InstallProfile][] = [['base', BASE], ...Object.entries(OVERLAYS)];

const built = new Map<InstallProfile, Manifest[]>();
function manifests(p: InstallProfile): Manifest[] {
  const cached = built.get(p) ?? installManifests(p);
  built.set(p, cached);
  return cached;
}
const ingresses = (p: InstallProfile) => manifests(p).filter((m): m is Ingress => m.kind === 'Ingress');

/** Kubernetes path matching: Exact is equality; Prefix matches whole path elements. */
function matches(p: Path, request: string): boolean {
  if (p.pathType === 'Exact') return request === p.path;
  if (p.path === '/') return true;
  return request === p.path || request.startsWith(`${p.path}/`);
}

/** The Ingresses (with whether they demand sign-in) through which `https://host<request>` reaches the gateway. */
function routes(profile: InstallProfile, host: string, request: string): { ingress: string; signIn: boolean }[] {
  return ingresses(profile).flatMap((ing) =>
    ing.spec.rules
      .filter((r) => r.host === host)
      .flatMap((r) => r.http.paths.filter((p) => p.backend.service.name === 'webhook-gateway' && matches(p, request)))
      .map(() => ({ ingress: ing.metadata.name, signIn: AUTH_URL in (ing.metadata.annotations ?? {}) && AUTH_SIGNIN in (ing.metadata.annotations ?? {}) })),
  );
}

function publicUrl(profile: InstallProfile, service: string): string | undefined {
  const d = manifests(profile).find((m): m is Deployment => m.kind === 'Deployment' && m.metadata.name === service);
  return d?.spec.template.spec.containers[0]?.env?.find((e) => e.name === 'SLUICE_PUBLIC_URL')?.value;
}

const runPages = ['/deliveries', '/deliveries/sluice-shop-main-1a2b3c4', '/'];

for (const [label, profile] of installs) {
  describe(`what the ${label} install exposes`, () => {
    it('lets anyone reach the webhook, and nothing else, without signing in', () => {
      expect(routes(profile, profile.host, '/webhooks/gitlab')).toEqual([{ ingress: 'webhook-gateway', signIn: false }]);
      for (const request of [...runPages, '/healthz', '/readyz', '/webhooks/gitlab/x', '/webhooks', '/deliveriesx']) {
        expect(routes(profile, profile.host, request).filter((r) => !r.signIn), request).toEqual([]);
      }
    });

    it('points the commit statuses (gateway and notifier SLUICE_PUBLIC_URL) at where the run pages open', () => {
      const url = publicUrl(profile, 'webhook-gateway') ?? '';
      expect(publicUrl(profile, 'notifier')).toBe(url);
      const { protocol, host } = new URL(url);
      if (profile.runPages.sso) {
        expect(protocol).toBe('https:');
        for (const request of runPages) expect(routes(profile, host, request), request).toEqual([{ ingress: 'run-pages', signIn: true }]);
      } else {
        // Not published: the reader's own port-forward to the gateway's Service.
        expect(url).toBe(`http://localhost:${PORT_FORWARD_PORT}`);
        expect(portForwardCommand(profile)).toBe(`kubectl port-forward -n ${profile.namespaces.system} svc/webhook-gateway ${PORT_FORWARD_PORT}:80`);
        for (const request of runPages) expect(routes(profile, host, request), request).toEqual([]);
      }
    });
  });
}

describe('the production example', () => {
  const [webhook, pages] = ['webhook-gateway', 'run-pages'].map((name) => ingresses(PRODUCTION_EXAMPLE).find((i) => i.metadata.name === name));

  it('publishes the run pages behind oauth2-proxy: sign-in checked on every request, a 401 sent to sign in and back', () => {
    expect(pages?.metadata.annotations).toEqual({
      [AUTH_URL]: 'https://auth.example.com/oauth2/auth',
      [AUTH_SIGNIN]: 'https://auth.example.com/oauth2/start?rd=https://$host$escaped_request_uri',
    });
    expect(pages?.spec.rules[0]?.http.paths.map((p) => [p.path, p.pathType])).toEqual([
      ['/deliveries', 'Prefix'],
      ['/', 'Exact'],
    ]);
  });

  it('serves them on the webhook’s host and certificate, issued once (cert-manager only on the webhook’s Ingress)', () => {
    expect(pages?.spec.tls).toEqual(webhook?.spec.tls);
    expect(webhook?.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(Object.keys(pages?.metadata.annotations ?? {}).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
  });

  it('routes the pages to the gateway Service’s port, the same one the port-forward uses', () => {
    const service = manifests(PRODUCTION_EXAMPLE).find((m): m is Service => m.kind === 'Service' && m.metadata.name === 'webhook-gateway');
    expect(service?.spec.ports.map((p) => p.port)).toEqual([80]);
    for (const p of pages?.spec.rules[0]?.http.paths ?? []) expect(p.backend.service).toEqual({ name: 'webhook-gateway', port: { number: 80 } });
  });
});
