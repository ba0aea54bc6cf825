import { join } from 'node:path';
import type { ClusterPki } from './pki.js';

/** Loopback ports of one local cluster; all chosen free at start. */
export interface ClusterPorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly controllerManager: number;
  readonly kubelet: number;
}

/** How to start and health-check one process of the control plane. */
export interface ComponentSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Set in the process's environment, over the supervisor's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** URL polled until it answers 200; `https` ones are checked with the cluster CA. */
  readonly healthUrl: string;
  /** The component serves a self-generated certificate (controller-manager, scheduler). */
  readonly insecureHealth?: boolean;
}

/** The controllers a push-to-deploy system leans on; node lifecycle and cloud ones stay off (no real kubelets, no cloud). */
export const CONTROLLERS = [
  'deployment-controller',
  'replicaset-controller',
  'job-controller',
  'cronjob-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'resourcequota-controller',
  'garbage-collector-controller',
  'root-ca-certificate-publisher-controller',
  'ttl-after-finished-controller',
  'endpointslice-controller',
  'disruption-controller',
] as const;

/** With a real kubelet: the node's podCIDR, its lifecycle (Ready, taints) and taint-based eviction. */
export const NODE_CONTROLLERS = ['node-ipam-controller', 'node-lifecycle-controller', 'taint-eviction-controller'] as const;

/**
 * The apiserver's Go garbage collector, traded toward memory up to a bound.
 * A custom-resource create allocates ~470 KiB in the apiserver (decode,
 * schema coercion, validation, and the watch cache decoding it again) against
 * ~120 KiB for a ConfigMap. At Go's default `GOGC=100`, on two cores shared
 * with etcd and the services under test, collection was ~22 % of the
 * apiserver's CPU, and each mark phase (70-160 ms, its workers taking every
 * idle core) is when requests queue up. `GOGC=800` collects an eighth as
 * often while the heap is small; the soft `GOMEMLIMIT` of 640 MiB then makes
 * it collect as often as it must to stay there (at 2 GiB, the gateway
 * benchmark's ~10,000 Deliveries took it to 2 GB of RSS, all of it garbage
 * waiting: the live heap was under 400 MB).
 */
export const APISERVER_GC = { GOGC: '800', GOMEMLIMIT: '640MiB' } as const;

/** Everything the pure argv builders need to know about one cluster. */
export interface ClusterLayout {
  readonly dir: string;
  readonly binDir: string;
  readonly pki: ClusterPki;
  readonly ports: ClusterPorts;
  readonly kubeconfigPath: string;
  /** Command line that starts the node agent (node + loader + script). */
  readonly nodeAgentCommand: readonly string[];
  /** First two octets of the pod addresses (`127.1` → 127.1.0.0/16); the node agent's default when unset. */
  readonly podCidrBase?: string;
}

/** Where the control plane listens and what it serves, shared by both kinds of node. */
export interface ControlPlaneInputs {
  readonly dir: string;
  readonly binDir: string;
  readonly pki: ClusterPki;
  readonly kubeconfigPath: string;
  /** Address etcd, the apiserver and the controller-manager bind (127.0.0.1, or the real node's address). */
  readonly host: string;
  readonly ports: Pick<ClusterPorts, 'etcdClient' | 'etcdPeer' | 'apiserver' | 'controllerManager'>;
  readonly serviceCidr: string;
  /** The real node: Node authorization, the `kubernetes` Service's endpoint, pod CIDR allocation. */
  readonly realNode?: { readonly podCidr: string };
}

/** etcd → kube-apiserver → kube-controller-manager. */
export function controlPlaneSpecs(cp: ControlPlaneInputs): ComponentSpec[] {
  const { dir, binDir, pki, ports, host } = cp;
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const apiserverUrl = `https://${host}:${ports.apiserver}`;
  const node = cp.realNode;
  return [
    {
      name: 'etcd',
      command: join(binDir, 'etcd'),
      args: [
        '--name=local',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-cluster=local=http://127.0.0.1:${ports.etcdPeer}`,
        // A throwaway test store: durability buys nothing, fsync costs seconds.
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      healthUrl: `${etcdUrl}/health`,
    },
    {
      name: 'kube-apiserver',
      command: join(binDir, 'kube-apiserver'),
      args: [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${host}`,
        `--advertise-address=${host}`,
        `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${pki.apiserverCert}`,
        `--tls-private-key-file=${pki.apiserverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-issuer=${apiserverUrl}`,
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--service-cluster-ip-range=${cp.serviceCidr}`,
        '--allow-privileged=false',
        // The apiserver reaches the kubelet's (or node agent's) log endpoint over verified TLS.
        `--kubelet-client-certificate=${pki.adminCert}`,
        `--kubelet-client-key=${pki.adminKey}`,
        `--kubelet-certificate-authority=${pki.caCert}`,
        '--kubelet-preferred-address-types=InternalIP',
        ...(node
          ? ['--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction']
          : // Loopback addresses are not allowed as endpoints of the kubernetes Service.
            ['--authorization-mode=RBAC', '--endpoint-reconciler-type=none']),
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--v=0',
      ],
      env: APISERVER_GC,
      healthUrl: `${apiserverUrl}/readyz`,
    },
    {
      name: 'kube-controller-manager',
      command: join(binDir, 'kube-controller-manager'),
      args: [
        `--kubeconfig=${cp.kubeconfigPath}`,
        `--authentication-kubeconfig=${cp.kubeconfigPath}`,
        `--authorization-kubeconfig=${cp.kubeconfigPath}`,
        '--leader-elect=false',
        `--controllers=${[...CONTROLLERS, ...(node ? NODE_CONTROLLERS : [])].join(',')}`,
        `--service-account-private-key-file=${pki.serviceAccountKey}`,
        `--root-ca-file=${pki.caCert}`,
        '--use-service-account-credentials=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.controllerManager}`,
        `--cert-dir=${join(dir, 'kcm-certs')}`,
        '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
        '--kube-api-qps=200',
        '--kube-api-burst=400',
        // Short syncs keep quota status and TTL cleanup prompt in tests.
        '--resource-quota-sync-period=10s',
        ...(node
          ? [
              // The one node gets the whole pod range as its podCIDR (the CNI bridge and kube-router read it).
              '--allocate-node-cidrs=true',
              `--cluster-cidr=${node.podCidr}`,
              `--node-cidr-mask-size=${node.podCidr.split('/')[1]}`,
              `--service-cluster-ip-range=${cp.serviceCidr}`,
            ]
          : []),
        '--v=0',
      ],
      healthUrl: `https://127.0.0.1:${ports.controllerManager}/healthz`,
      insecureHealth: true,
    },
  ];
}

/** The four processes in start order: etcd → apiserver → controller-manager → node agent. */
export function componentSpecs(layout: ClusterLayout): ComponentSpec[] {
  const { dir, pki, ports } = layout;
  const [agentCommand, ...agentArgs] = layout.nodeAgentCommand;
  return [
    ...controlPlaneSpecs({
      dir,
      binDir: layout.binDir,
      pki,
      kubeconfigPath: layout.kubeconfigPath,
      host: '127.0.0.1',
      ports,
      serviceCidr: '10.0.0.0/24',
    }),
    {
      name: 'node-agent',
      command: agentCommand ?? process.execPath,
      args: [
        ...agentArgs,
        `--kubeconfig=${layout.kubeconfigPath}`,
        '--node-name=local-node',
        `--work-dir=${join(dir, 'node')}`,
        `--tls-cert=${pki.kubeletCert}`,
        `--tls-key=${pki.kubeletKey}`,
        `--port=${ports.kubelet}`,
        ...(layout.podCidrBase !== undefined ? [`--pod-cidr-base=${layout.podCidrBase}`] : []),
      ],
      healthUrl: `https://127.0.0.1:${ports.kubelet}/healthz`,
    },
  ];
}

/** A kubeconfig for `server` with a client certificate. */
export function kubeconfig(server: string, pki: { ca: string; cert: string; key: string }, user = 'sluice-admin'): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'sluice-local', cluster: { server, 'certificate-authority-data': b64(pki.ca) } }],
      users: [{ name: user, user: { 'client-certificate-data': b64(pki.cert), 'client-key-data': b64(pki.key) } }],
      contexts: [{ name: 'sluice-local', context: { cluster: 'sluice-local', user } }],
      'current-context': 'sluice-local',
    },
    null,
    2,
  );
}

/** An admin kubeconfig (client certificate in `system:masters`) for the loopback control plane. */
export function adminKubeconfig(apiserverPort: number, pki: { ca: string; cert: string; key: string }): string {
  return kubeconfig(`https://127.0.0.1:${apiserverPort}`, pki);
}
