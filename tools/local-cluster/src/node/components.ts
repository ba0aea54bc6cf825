/**
 * The processes of a real single-node cluster, in start order, as pure
 * argv: the node's registry and containerd, the control plane on the node's
 * address, then kube-scheduler, kubelet, kube-proxy and kube-router (the
 * NetworkPolicy firewall only). All of them run inside the node's own
 * network, mount and pid namespaces (see supervisor.ts and launch.ts).
 */
import { join } from 'node:path';
import { controlPlaneSpecs, type ComponentSpec } from '../components.js';
import type { ClusterPki } from '../pki.js';
import type { NodePaths } from './configs.js';
import { NODE_PORTS, type NodeNetwork } from './network.js';

/** Everything the real node's argv builders need. */
export interface RealNodeLayout {
  readonly dir: string;
  /** kube-apiserver, kubelet, … (build.sh). */
  readonly binDir: string;
  /** kube-router, coredns, pause (build-node.sh). */
  readonly nodeBinDir: string;
  readonly pki: ClusterPki;
  readonly net: NodeNetwork;
  readonly paths: NodePaths;
  readonly kubeconfigs: { readonly admin: string; readonly kubelet: string; readonly kubeProxy: string };
}

/** runc, the CNI plugins' iptables, ipset: Debian puts them in the sbin directories. */
const SYSTEM_PATH = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };

export function realNodeSpecs(layout: RealNodeLayout): ComponentSpec[] {
  const { dir, binDir, net, paths, kubeconfigs } = layout;
  return [
    {
      name: 'registry',
      command: '/usr/bin/docker-registry',
      args: ['serve', paths.registryConfig],
      healthUrl: `http://${net.registry}/v2/`,
    },
    {
      name: 'containerd',
      command: '/usr/bin/containerd',
      args: ['--config', paths.containerdConfig, '--log-level', 'warn'],
      env: SYSTEM_PATH,
      healthUrl: `http://127.0.0.1:${NODE_PORTS.containerdMetrics}/v1/metrics`,
    },
    ...controlPlaneSpecs({
      dir,
      binDir,
      pki: layout.pki,
      kubeconfigPath: kubeconfigs.admin,
      host: net.nodeIp,
      ports: NODE_PORTS,
      serviceCidr: net.serviceCidr,
      realNode: { podCidr: net.podCidr },
    }),
    {
      name: 'kube-scheduler',
      command: join(binDir, 'kube-scheduler'),
      args: [
        `--kubeconfig=${kubeconfigs.admin}`,
        `--authentication-kubeconfig=${kubeconfigs.admin}`,
        `--authorization-kubeconfig=${kubeconfigs.admin}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${NODE_PORTS.scheduler}`,
        '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
        '--v=0',
      ],
      healthUrl: `https://127.0.0.1:${NODE_PORTS.scheduler}/healthz`,
      insecureHealth: true,
    },
    {
      name: 'kubelet',
      command: join(binDir, 'kubelet'),
      args: [
        `--config=${paths.kubeletConfig}`,
        `--kubeconfig=${kubeconfigs.kubelet}`,
        `--root-dir=${paths.kubeletRoot}`,
        '--hostname-override=local-node',
        `--node-ip=${net.nodeIp}`,
        '--v=0',
      ],
      env: SYSTEM_PATH,
      healthUrl: `http://127.0.0.1:${NODE_PORTS.kubeletHealthz}/healthz`,
    },
    {
      name: 'kube-proxy',
      command: join(binDir, 'kube-proxy'),
      args: [`--config=${paths.kubeProxyConfig}`, '--v=0'],
      env: SYSTEM_PATH,
      healthUrl: `http://127.0.0.1:${NODE_PORTS.kubeProxyHealthz}/livez`,
    },
    {
      name: 'kube-router',
      command: join(layout.nodeBinDir, 'kube-router'),
      args: [
        `--kubeconfig=${kubeconfigs.admin}`,
        '--hostname-override=local-node',
        '--run-firewall=true',
        '--run-router=false',
        '--run-service-proxy=false',
        '--enable-cni=false',
        '--enable-ipv4=true',
        '--enable-ipv6=false',
        `--health-port=${NODE_PORTS.kubeRouterHealth}`,
        '--metrics-port=0',
        // Policy changes are applied from the watch; a full resync now and then only costs CPU.
        '--iptables-sync-period=5m',
        '--ipvs-sync-period=5m',
        '--v=1',
      ],
      env: SYSTEM_PATH,
      healthUrl: `http://127.0.0.1:${NODE_PORTS.kubeRouterHealth}/healthz`,
    },
  ];
}
