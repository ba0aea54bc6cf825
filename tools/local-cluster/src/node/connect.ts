/**
 * Connects a node's fresh network namespace to the host: one veth pair, the
 * host's end addressed on the slot's /30 link, routes to the node's pod and
 * Service ranges through it, and nothing else — the namespace has no default
 * route, so no packet from the cluster can leave the machine.
 */
import { run } from './exec.js';
import type { NodeNetwork } from './network.js';

/** `pid`: a host pid of a process inside the node's network namespace. */
export async function connectNode(net: NodeNetwork, pid: number): Promise<void> {
  const inNode = (...args: string[]) => run('nsenter', ['-t', String(pid), '-n', ...args]);
  const link = `${net.linkPrefix}`;
  await run('ip', ['link', 'add', net.hostInterface, 'type', 'veth', 'peer', 'name', net.nodeInterface, 'netns', String(pid)]);
  await run('ip', ['addr', 'add', `${net.hostIp}/${link}`, 'dev', net.hostInterface]);
  await run('ip', ['link', 'set', net.hostInterface, 'up']);
  await inNode('ip', 'link', 'set', 'lo', 'up');
  await inNode('ip', 'addr', 'add', `${net.nodeIp}/${link}`, 'dev', net.nodeInterface);
  await inNode('ip', 'link', 'set', net.nodeInterface, 'up');
  for (const cidr of [net.podCidr, net.serviceCidr]) {
    await run('ip', ['route', 'add', cidr, 'via', net.nodeIp, 'dev', net.hostInterface]);
  }
  // The node forwards between its link and the pod bridge (its own sysctl: per namespace).
  await inNode('sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward');
  // The host reaches pods as the node does (kubelet probes, `kubectl
  // port-forward`): kube-router accepts what its policy chains marked
  // 0x10000, and it filters in FORWARD, before any source NAT could make the
  // host look like a node-local address; so traffic in from the host's end of
  // the link is marked on the way in, to pods and ClusterIPs alike.
  await inNode('iptables', '-w', '-t', 'mangle', '-A', 'PREROUTING', '-i', net.nodeInterface, '-s', `${net.hostIp}/32`, '-j', 'MARK', '--set-xmark', '0x10000/0x10000');
}
