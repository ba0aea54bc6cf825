/**
 * Registers the Node object and keeps it alive: a Lease in `kube-node-lease`
 * renewed every 10 s and the NodeReady condition's heartbeat every 30 s. A
 * Node deleted behind our back is registered again.
 */
import { release } from 'node:os';
import type { Logger } from 'pino';
import { isApiStatus, MERGE_PATCH, type KubeClient } from './kube-client.js';
import { rfc3339 } from './runtime-state.js';

export const KUBELET_VERSION = 'v1.37.2';

export interface NodeConfig {
  readonly name: string;
  readonly hostIP: string;
  readonly kubeletPort: number;
  readonly podCidr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly capacity: Readonly<Record<string, string>>;
}

/** Labels every node carries. */
export function nodeLabels(name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': arch,
    ...extra,
  };
}

/** The node's status: capacity, conditions, addresses, kubelet endpoint, node info. */
export function nodeStatus(cfg: NodeConfig, now: string, since: string): Record<string, unknown> {
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
  });
  return {
    capacity: cfg.capacity,
    allocatable: cfg.capacity,
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: cfg.hostIP },
      { type: 'Hostname', address: cfg.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.kubeletPort } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: release(),
      osImage: 'Sluice node agent (pods run as local processes)',
      containerRuntimeVersion: 'sluice-local://1.0.0',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
  };
}

/** Node API object for creation. */
export function nodeObject(cfg: NodeConfig, now: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: cfg.name, labels: cfg.labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { podCIDR: cfg.podCidr, podCIDRs: [cfg.podCidr] },
    status: nodeStatus(cfg, now, now),
  };
}

/** MicroTime as the apiserver parses it (exactly six fractional digits). */
export function microTime(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

interface NodeMeta {
  metadata: { uid: string };
}

export interface NodeRegistration {
  stop(): void;
}

/** Creates (or adopts) the Node, then heartbeats until stopped. */
export async function registerNode(client: KubeClient, cfg: NodeConfig, logger: Logger): Promise<NodeRegistration> {
  const since = rfc3339();
  const path = `/api/v1/nodes/${cfg.name}`;
  const ensureNode = async (): Promise<string> => {
    let node: NodeMeta;
    try {
      node = await client.request<NodeMeta>('POST', '/api/v1/nodes', { body: nodeObject(cfg, rfc3339()) });
      logger.info('node registered');
    } catch (err) {
      if (!isApiStatus(err, 409)) throw err;
      node = await client.request<NodeMeta>('PATCH', path, {
        body: { metadata: { labels: cfg.labels } },
        contentType: MERGE_PATCH,
      });
      logger.info('node already registered; adopting it');
    }
    await client.request('PATCH', `${path}/status`, { body: { status: nodeStatus(cfg, rfc3339(), since) }, contentType: MERGE_PATCH });
    return node.metadata.uid;
  };
  let uid = await ensureNode();

  const leasePath = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${cfg.name}`;
  const renewLease = async () => {
    const spec = { holderIdentity: cfg.name, leaseDurationSeconds: 40, renewTime: microTime() };
    try {
      await client.request('PATCH', leasePath, { body: { spec }, contentType: MERGE_PATCH });
    } catch (err) {
      if (!isApiStatus(err, 404)) throw err;
      await client.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: cfg.name,
            namespace: 'kube-node-lease',
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: cfg.name, uid }],
          },
          spec,
        },
      });
    }
  };
  const postStatus = async () => {
    try {
      await client.request('PATCH', `${path}/status`, { body: { status: nodeStatus(cfg, rfc3339(), since) }, contentType: MERGE_PATCH });
    } catch (err) {
      if (!isApiStatus(err, 404)) throw err;
      logger.warn('node object vanished; registering again');
      uid = await ensureNode();
    }
  };
  await renewLease().catch((err: unknown) => logger.warn({ err }, 'lease renewal failed'));
  const leaseTimer = setInterval(() => void renewLease().catch((err: unknown) => logger.warn({ err }, 'lease renewal failed')), 10_000);
  const statusTimer = setInterval(() => void postStatus().catch((err: unknown) => logger.warn({ err }, 'node status update failed')), 30_000);
  leaseTimer.unref();
  statusTimer.unref();
  return {
    stop: () => {
      clearInterval(leaseTimer);
      clearInterval(statusTimer);
    },
  };
}
