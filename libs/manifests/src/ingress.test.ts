import { describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import { tlsIngress, type IngressPath, type TlsIngressProps } from './ingress.js';

const props = (paths: readonly IngressPath[], more: Partial<TlsIngressProps> = {}): TlsIngressProps => ({
  name: 'webhook-gateway',
  namespace: 'sluice-system',
  host: 'sluice.example.com',
  tlsSecretName: 'gateway-tls',
  serviceName: 'webhook-gateway',
  paths,
  ...more,
});

const routes = (paths: readonly IngressPath[], more?: Partial<TlsIngressProps>) =>
  tlsIngress(props(paths, more)).spec?.rules?.flatMap((r) => (r.http?.paths ?? []).map((p) => ({ host: r.host, path: p.path, pathType: p.pathType, service: p.backend.service })));

describe('tlsIngress', () => {
  it('serves the host over TLS only, with the given certificate Secret', () => {
    const ingress = tlsIngress(props([{ path: '/webhooks/gitlab', pathType: 'Exact' }]));
    expect(ingress.spec?.tls).toEqual([{ hosts: ['sluice.example.com'], secretName: 'gateway-tls' }]);
    expect(ingress.spec?.ingressClassName).toBe('nginx');
  });

  it('routes exactly the listed paths, each with its own path type, and nothing else', () => {
    const service = { name: 'webhook-gateway', port: { number: 80 } };
    expect(routes([{ path: '/webhooks/gitlab', pathType: 'Exact' }])).toEqual([{ host: 'sluice.example.com', path: '/webhooks/gitlab', pathType: 'Exact', service }]);
    expect(routes([{ path: '/deliveries', pathType: 'Prefix' }, { path: '/', pathType: 'Exact' }], { servicePort: 8080 })).toEqual([
      { host: 'sluice.example.com', path: '/deliveries', pathType: 'Prefix', service: { ...service, port: { number: 8080 } } },
      { host: 'sluice.example.com', path: '/', pathType: 'Exact', service: { ...service, port: { number: 8080 } } },
    ]);
  });

  it('carries the controller annotations (e.g. external auth) sorted, and none when there are none', () => {
    const annotations = { 'nginx.ingress.kubernetes.io/auth-url': 'https://auth.example.com/oauth2/auth', 'cert-manager.io/cluster-issuer': 'letsencrypt' };
    const ingress = tlsIngress(props([{ path: '/deliveries', pathType: 'Prefix' }], { annotations }));
    expect(Object.entries(ingress.metadata?.annotations ?? {})).toEqual([
      ['cert-manager.io/cluster-issuer', 'letsencrypt'],
      ['nginx.ingress.kubernetes.io/auth-url', 'https://auth.example.com/oauth2/auth'],
    ]);
    expect(tlsIngress(props([{ path: '/', pathType: 'Exact' }])).metadata?.annotations).toBeUndefined();
  });

  it('refuses an Ingress that routes nothing', () => {
    expect(() => tlsIngress(props([]))).toThrow(/paths is empty; list the paths to publish/);
  });

  it('refuses a path that does not start with "/", or that ingress-nginx would refuse for Exact and Prefix (regexes)', () => {
    expect(() => tlsIngress(props([{ path: 'webhooks', pathType: 'Exact' }]))).toThrow(/must start with "\/"/);
    expect(() => tlsIngress(props([{ path: '/deliveries(/|$)(.*)', pathType: 'Prefix' }]))).toThrow(/may hold only letters, digits/);
    expect(() => tlsIngress(props([{ path: '/a/b.c', pathType: 'Exact' }]))).toThrow(ManifestError);
  });

  it('refuses an unknown path type and a path listed twice', () => {
    expect(() => tlsIngress(props([{ path: '/', pathType: 'ImplementationSpecific' as 'Exact' }]))).toThrow(/is not one of "Exact", "Prefix"/);
    expect(() => tlsIngress(props([{ path: '/deliveries', pathType: 'Prefix' }, { path: '/deliveries', pathType: 'Exact' }]))).toThrow(/listed twice/);
  });
});
