import { tlsIngress, type IngressPath } from '@sluice/manifests';
import type { InstallProfile } from './profile.js';

/** The gateway's Service and Deployment name. */
const GATEWAY = 'webhook-gateway';

/** The one route GitLab needs from outside the cluster; the gateway authenticates every request to it. */
export const WEBHOOK_PATHS: readonly IngressPath[] = [{ path: '/webhooks/gitlab', pathType: 'Exact' }];

/** The run pages (`/deliveries`, `/deliveries/<name>`) and `/`, which redirects to them. */
export const RUN_PAGE_PATHS: readonly IngressPath[] = [
  { path: '/deliveries', pathType: 'Prefix' },
  { path: '/', pathType: 'Exact' },
];

/** Name of the Ingress publishing the run pages behind SSO. */
export const RUN_PAGES_INGRESS = 'run-pages';

/** Local port in `kubectl port-forward -n <system> svc/webhook-gateway 8080:80`: where unpublished run pages open. */
export const PORT_FORWARD_PORT = 8080;

/** The command that opens unpublished run pages on `runPagesUrl`. */
export function portForwardCommand(p: InstallProfile): string {
  return `kubectl port-forward -n ${p.namespaces.system} svc/${GATEWAY} ${PORT_FORWARD_PORT}:80`;
}

/**
 * Where people open the run pages: `SLUICE_PUBLIC_URL` of the gateway and
 * the notifier, so the commit statuses' `target_url` and the gateway's 202
 * answer link there. Published behind SSO: the public host; otherwise the
 * port-forward on the reader's machine (never the public host, where the
 * Ingress would answer 404).
 */
export function runPagesUrl(p: InstallProfile): string {
  return p.runPages.sso ? `https://${p.host}` : `http://localhost:${PORT_FORWARD_PORT}`;
}

/** ingress-nginx external authentication: every request is first checked against `authUrl`; a 401 redirects to `signinUrl`. */
function externalAuth(sso: NonNullable<InstallProfile['runPages']['sso']>): Record<string, string> {
  return { 'nginx.ingress.kubernetes.io/auth-signin': sso.signinUrl, 'nginx.ingress.kubernetes.io/auth-url': sso.authUrl };
}

/**
 * The gateway's Ingresses: the webhook alone, to anyone (GitLab must reach
 * it); with `runPages.sso`, a second one for the run pages on the same host
 * and certificate, behind external auth. The second carries no
 * `ingressAnnotations`: cert-manager issues the host's certificate from the
 * first, and two Ingresses claiming one Secret would fight over it.
 */
export function gatewayIngresses(p: InstallProfile): ReturnType<typeof tlsIngress>[] {
  const common = { namespace: p.namespaces.system, host: p.host, tlsSecretName: p.tlsSecretName, serviceName: GATEWAY };
  const webhook = tlsIngress({ ...common, name: GATEWAY, paths: WEBHOOK_PATHS, annotations: p.ingressAnnotations });
  const sso = p.runPages.sso;
  if (!sso) return [webhook];
  return [webhook, tlsIngress({ ...common, name: RUN_PAGES_INGRESS, paths: RUN_PAGE_PATHS, annotations: externalAuth(sso) })];
}
