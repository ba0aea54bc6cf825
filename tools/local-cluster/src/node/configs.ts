/**
 * Configuration files of the node's components, as pure functions of the
 * node's paths and network plan. JSON is valid YAML, so every config is
 * written as JSON.
 */
import { join } from 'node:path';
import { NODE_PORTS, type NodeNetwork } from './network.js';

/** Where each node component keeps its state, under the cluster directory. */
export interface NodePaths {
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdSocket: string;
  readonly containerdConfig: string;
  readonly registryHosts: string;
  readonly cniConfDir: string;
  readonly cniDataDir: string;
  readonly kubeletRoot: string;
  readonly kubeletConfig: string;
  readonly podLogs: string;
  readonly kubeProxyConfig: string;
  readonly registryConfig: string;
  readonly registryStorage: string;
}

export function nodePaths(dir: string): NodePaths {
  const node = join(dir, 'node');
  return {
    containerdRoot: join(node, 'containerd', 'root'),
    containerdState: join(node, 'containerd', 'state'),
    containerdSocket: join(node, 'containerd', 'containerd.sock'),
    containerdConfig: join(node, 'containerd', 'config.toml'),
    registryHosts: join(node, 'containerd', 'certs.d'),
    cniConfDir: join(node, 'cni', 'net.d'),
    cniDataDir: join(node, 'cni', 'data'),
    kubeletRoot: join(node, 'kubelet'),
    kubeletConfig: join(node, 'kubelet.json'),
    podLogs: join(node, 'pod-logs'),
    kubeProxyConfig: join(node, 'kube-proxy.json'),
    registryConfig: join(node, 'registry.json'),
    registryStorage: join(node, 'registry'),
  };
}

/**
 * containerd (Debian's 1.6, CRI v1) with runc. `restrict_oom_score_adj` is the
 * one setting that matters on this kind of machine: root lacks
 * CAP_SYS_RESOURCE, so the sandbox's `oom_score_adj` of -998 would be refused
 * and every sandbox would fail in `runc create`.
 */
export function containerdConfig(paths: NodePaths, pauseImage: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = ${JSON.stringify(paths.containerdRoot)}
state = ${JSON.stringify(paths.containerdState)}
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${JSON.stringify(paths.containerdSocket)}

[ttrpc]
  address = ${JSON.stringify(`${paths.containerdSocket}.ttrpc`)}

[metrics]
  address = "127.0.0.1:${NODE_PORTS.containerdMetrics}"

[${cri}]
  sandbox_image = ${JSON.stringify(pauseImage)}
  restrict_oom_score_adj = true
  enable_selinux = false
  max_container_log_line_size = 16384

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false
  Root = ${JSON.stringify(join(paths.containerdState, 'runc'))}

[${cri}.cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = ${JSON.stringify(paths.cniConfDir)}

[${cri}.registry]
  config_path = ${JSON.stringify(paths.registryHosts)}
`;
}

/** containerd's hosts.toml for the node's registry: plain HTTP, on this machine only. */
export function registryHostsToml(registry: string): string {
  return `server = "http://${registry}"

[host."http://${registry}"]
  capabilities = ["pull", "resolve", "push"]
`;
}

/** The CNI network: Debian's bridge, host-local and portmap plugins; pods get real addresses on `cni0`. */
export function cniConflist(net: NodeNetwork, paths: NodePaths): object {
  return {
    cniVersion: '1.0.0',
    name: 'sluice',
    plugins: [
      {
        type: 'bridge',
        bridge: net.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir: paths.cniDataDir,
          ranges: [[{ subnet: net.podCidr, gateway: net.bridgeIp }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/** What the kubelet needs besides its paths. */
export interface KubeletInputs {
  readonly caCert: string;
  readonly tlsCert: string;
  readonly tlsKey: string;
}

/**
 * The kubelet on cgroup v1 (this machine's only mode): cgroupfs driver, its
 * pods under the slot's own cgroup root, webhook authentication and
 * authorization against the apiserver, no host resolv.conf (nothing is
 * resolved off the machine), and eviction thresholds low enough for a
 * developer's disk.
 */
export function kubeletConfig(net: NodeNetwork, paths: NodePaths, inputs: KubeletInputs): object {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: `/${net.cgroupRoot}`,
    failSwapOn: false,
    protectKernelDefaults: false,
    containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
    address: net.nodeIp,
    port: NODE_PORTS.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: NODE_PORTS.kubeletHealthz,
    tlsCertFile: inputs.tlsCert,
    tlsPrivateKeyFile: inputs.tlsKey,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: inputs.caCert },
    },
    authorization: { mode: 'Webhook' },
    clusterDomain: 'cluster.local',
    clusterDNS: [net.dnsServiceIp],
    resolvConf: '',
    podLogsDir: paths.podLogs,
    serializeImagePulls: false,
    maxPods: 110,
    // A developer's disk is shared with everything else: evict only when it is really full.
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // Secrets, ConfigMaps and status reach pods sooner than the production defaults.
    syncFrequency: '10s',
    nodeStatusUpdateFrequency: '4s',
    shutdownGracePeriod: '0s',
  };
}

/**
 * kube-proxy in iptables mode. It leaves the machine's conntrack table alone
 * (`maxPerCore: 0` and no timeouts): those settings are not per network namespace.
 */
export function kubeProxyConfig(net: NodeNetwork, kubeconfig: string): object {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig },
    mode: 'iptables',
    clusterCIDR: net.podCidr,
    hostnameOverride: 'local-node',
    bindAddress: net.nodeIp,
    healthzBindAddress: `127.0.0.1:${NODE_PORTS.kubeProxyHealthz}`,
    metricsBindAddress: `127.0.0.1:${NODE_PORTS.kubeProxyMetrics}`,
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    iptables: { syncPeriod: '30s', minSyncPeriod: '0s' },
  };
}

/** The registry (distribution 2.8, Debian's `docker-registry`): filesystem storage, no auth, on the node's address. */
export function registryConfig(net: NodeNetwork, paths: NodePaths): object {
  return {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: paths.registryStorage }, delete: { enabled: true } },
    http: { addr: net.registry },
  };
}
