import { isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, User } from '@kubernetes/client-node';

/** Where in-cluster credentials are mounted by the kubelet. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Settings shared by every mode. */
interface CommonOptions {
  /**
   * Act as another identity (`Impersonate-User`), e.g.
   * `system:serviceaccount:sluice-system:deployer`. The real credentials need
   * the `impersonate` verb. Used to check an app's RBAC with admin credentials.
   */
  readonly impersonateUser?: string;
}

/** Inside a pod: the ServiceAccount token and CA the kubelet mounted. */
export interface InClusterOptions extends CommonOptions {
  readonly mode: 'in-cluster';
  /** `KUBERNETES_SERVICE_HOST`. */
  readonly host: string;
  /** `KUBERNETES_SERVICE_PORT`. Default `443`. */
  readonly port?: string;
  /** Directory holding `token` and `ca.crt`. Default {@link SERVICE_ACCOUNT_DIR}. */
  readonly serviceAccountDir?: string;
}

/** One or more kubeconfig files; later files are merged into the first, as kubectl does with `KUBECONFIG`. */
export interface FileOptions extends CommonOptions {
  readonly mode: 'file';
  readonly path: string | readonly string[];
  /** Context to use instead of the file's `current-context`. */
  readonly context?: string;
}

/** Everything given inline, e.g. from a parsed config file or a test. */
export interface ExplicitOptions extends CommonOptions {
  readonly mode: 'explicit';
  /** `https://host:port`; an `http://` server is allowed (TLS settings are then ignored). */
  readonly server: string;
  readonly token?: string;
  /** Base64 PEM, as in a kubeconfig's `certificate-authority-data`. */
  readonly caData?: string;
  readonly caFile?: string;
  /** Base64 PEM client certificate and key. */
  readonly clientCertData?: string;
  readonly clientKeyData?: string;
  /** Skip server certificate verification. Default false. */
  readonly skipTLSVerify?: boolean;
}

/** How to reach the apiserver. Build with {@link kubeConfigFromEnv} or by hand. */
export type KubeConfigOptions = InClusterOptions | FileOptions | ExplicitOptions;

/**
 * Picks how to reach the apiserver from environment variables, without I/O:
 * in-cluster when `KUBERNETES_SERVICE_HOST` is set, else the files in
 * `KUBECONFIG`, else `$HOME/.kube/config`. Apps pass `process.env`; libs never
 * read it themselves.
 */
export function kubeConfigFromEnv(env: Readonly<Record<string, string | undefined>>): KubeConfigOptions {
  const host = env['KUBERNETES_SERVICE_HOST'];
  if (host) {
    return { mode: 'in-cluster', host, port: env['KUBERNETES_SERVICE_PORT'] || '443' };
  }
  const files = (env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f.length > 0);
  if (files.length > 0) {
    return { mode: 'file', path: files.length === 1 ? (files[0] as string) : files };
  }
  const home = env['HOME'] || env['USERPROFILE'];
  if (!home) {
    throw new Error('No Kubernetes credentials: set KUBERNETES_SERVICE_HOST (in a pod), KUBECONFIG, or HOME');
  }
  return { mode: 'file', path: join(home, '.kube', 'config') };
}

/**
 * The one place a `KubeConfig` is built. Reads files (kubeconfigs, CA), never
 * the environment. Throws with a message saying what to fix when the result
 * could not be used.
 */
export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  switch (options.mode) {
    case 'in-cluster':
      loadInCluster(kc, options);
      break;
    case 'file':
      loadFiles(kc, options);
      break;
    case 'explicit':
      loadExplicit(kc, options);
      break;
  }
  if (options.impersonateUser !== undefined) impersonate(kc, options.impersonateUser);
  if (!kc.getCurrentCluster()) {
    throw new Error(`kubeconfig has no usable current context (${kc.getCurrentContext() || 'none set'}); set current-context or pass { context }`);
  }
  return kc;
}

function loadInCluster(kc: KubeConfig, o: InClusterOptions): void {
  const dir = o.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = isIPv6(o.host) ? `[${o.host}]` : o.host;
  const cluster: Cluster = {
    name: 'in-cluster',
    server: `https://${host}:${o.port ?? '443'}`,
    caFile: join(dir, 'ca.crt'),
    skipTLSVerify: false,
  };
  // A tokenFile auth provider, not a token read once: bound ServiceAccount
  // tokens rotate, and client-node re-reads the file every minute.
  const user: User = { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } };
  kc.loadFromClusterAndUser(cluster, user);
}

function loadFiles(kc: KubeConfig, o: FileOptions): void {
  const [first, ...rest] = typeof o.path === 'string' ? [o.path] : o.path;
  if (first === undefined) throw new Error('kubeconfig file mode needs at least one path');
  kc.loadFromFile(first);
  for (const file of rest) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    // Like kubectl: the first file's current-context wins.
    kc.mergeConfig(more, true);
  }
  if (o.context !== undefined) {
    if (!kc.getContextObject(o.context)) {
      throw new Error(`kubeconfig has no context "${o.context}"; known: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
    }
    kc.setCurrentContext(o.context);
  }
}

function loadExplicit(kc: KubeConfig, o: ExplicitOptions): void {
  const cluster: Cluster = {
    name: 'explicit',
    server: o.server.replace(/\/$/, ''),
    ...(o.caData !== undefined && { caData: o.caData }),
    ...(o.caFile !== undefined && { caFile: o.caFile }),
    // client-node refuses http:// unless skipTLSVerify is set; for a plain-http
    // server there is no TLS to verify, so say so instead of failing at the first call.
    skipTLSVerify: o.skipTLSVerify ?? o.server.startsWith('http://'),
  };
  const user: User = {
    name: 'explicit',
    ...(o.token !== undefined && { token: o.token }),
    ...(o.clientCertData !== undefined && { certData: o.clientCertData }),
    ...(o.clientKeyData !== undefined && { keyData: o.clientKeyData }),
  };
  kc.loadFromClusterAndUser(cluster, user);
}

function impersonate(kc: KubeConfig, as: string): void {
  const current = kc.getContextObject(kc.getCurrentContext());
  if (!current) throw new Error('cannot impersonate: kubeconfig has no current context');
  // client-node sends Impersonate-User for users with impersonateUser set (the
  // kubeconfig `as:` field), on both API calls and watches.
  kc.users = kc.users.map((u) => (u.name === current.user ? { ...u, impersonateUser: as } : u));
}
