/**
 * The addresses of one real node, decided from its slot number alone, so
 * clusters side by side on one machine never share a range, an interface
 * name or a cgroup. Every range is reachable only through the veth pair into
 * the node's own network namespace: nothing is routed off the machine.
 */

/** How many clusters may run on one machine at once. */
export const MAX_SLOTS = 64;

/** Fixed ports inside the node's network namespace (it has the namespace to itself). */
export const NODE_PORTS = {
  etcdClient: 2379,
  etcdPeer: 2380,
  apiserver: 6443,
  controllerManager: 10257,
  scheduler: 10259,
  kubelet: 10250,
  kubeletHealthz: 10248,
  kubeProxyHealthz: 10256,
  kubeProxyMetrics: 10249,
  kubeRouterHealth: 20244,
  containerdMetrics: 1338,
  registry: 5000,
} as const;

/** The network plan of the node in one slot. */
export interface NodeNetwork {
  readonly slot: number;
  /** Network interface on the host's side of the veth pair. */
  readonly hostInterface: string;
  /** The same pair's end inside the node's namespace. */
  readonly nodeInterface: string;
  /** The host's address on the pair (what pods see as "the host"). */
  readonly hostIp: string;
  /** The node's address: apiserver, kubelet, registry and NodePorts listen here. */
  readonly nodeIp: string;
  readonly linkPrefix: number;
  /** Pod addresses (the node's podCIDR; the CNI bridge takes the first). */
  readonly podCidr: string;
  readonly bridge: string;
  readonly bridgeIp: string;
  /** Service ClusterIPs. */
  readonly serviceCidr: string;
  /** The `kubernetes` Service's ClusterIP. */
  readonly apiserverServiceIp: string;
  /** The `kube-dns` Service's ClusterIP. */
  readonly dnsServiceIp: string;
  /** `host:port` of the node's OCI registry, for the host and for pods alike. */
  readonly registry: string;
  /** Name of the cgroup (in every v1 hierarchy) that holds the node's pods. */
  readonly cgroupRoot: string;
}

/** Addresses for slot `n`: 10.240.n.0/30 for the link, 10.241.n.0/24 for pods, 10.242.n.0/24 for Services. */
export function nodeNetwork(slot: number): NodeNetwork {
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS) {
    throw new RangeError(`slot must be an integer in [0, ${MAX_SLOTS}), got ${slot}`);
  }
  const nodeIp = `10.240.${slot}.2`;
  return {
    slot,
    hostInterface: `sluice${slot}h`,
    nodeInterface: 'eth0',
    hostIp: `10.240.${slot}.1`,
    nodeIp,
    linkPrefix: 30,
    podCidr: `10.241.${slot}.0/24`,
    bridge: 'cni0',
    bridgeIp: `10.241.${slot}.1`,
    serviceCidr: `10.242.${slot}.0/24`,
    apiserverServiceIp: `10.242.${slot}.1`,
    dnsServiceIp: `10.242.${slot}.10`,
    registry: `${nodeIp}:${NODE_PORTS.registry}`,
    cgroupRoot: `sluice-${slot}`,
  };
}
