/**
 * A second real node beside the shared one: it gets addresses, interfaces
 * and cgroups of its own, serves pods, and `stop` leaves nothing of it on
 * the host — no process, interface, route, cgroup, mount, slot — while the
 * machine-wide sysctls stay as the still-running first node needs them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { startCluster } from '../cluster.js';
import { adminKubeConfig, createTestNamespace, waitFor } from '../testing/index.js';
import { readRealNodeState } from './launch.js';
import type { NodeNetwork } from './network.js';

const shared = inject('realNode');

/** What the host shows of the node in `net`'s slot. */
function hostTraces(net: NodeNetwork, dir: string) {
  const cgroups = readdirSync('/sys/fs/cgroup').filter((h) => existsSync(`/sys/fs/cgroup/${h}/${net.cgroupRoot}`));
  return {
    interface: execFileSync('ip', ['-o', 'link', 'show']).toString().includes(`${net.hostInterface}@`),
    routes: execFileSync('ip', ['route']).toString().split('\n').filter((r) => r.includes(net.hostInterface)),
    cgroups,
    mounts: readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((m) => m.includes(dir)),
    slot: existsSync(`/run/sluice/nodes/${net.slot}`),
  };
}

const sysctl = (name: string) => readFileSync(`/proc/sys/${name}`, 'utf8').trim();

describe('real nodes side by side', () => {
  it('a second node gets its own slot and serves pods, and stopping it leaves nothing of it behind', async () => {
    const panicWhileShared = sysctl('kernel/panic');
    const second = await startCluster({ node: 'real', lifetime: 'owned' });
    const net = second.network!;
    const state = await readRealNodeState(second.dir);
    try {
      expect(net.slot).not.toBe(shared.network.slot);
      expect(net.podCidr).not.toBe(shared.network.podCidr);
      expect(hostTraces(net, second.dir)).toMatchObject({ interface: true, slot: true });
      expect(hostTraces(net, second.dir).routes).toHaveLength(3);

      const kc = adminKubeConfig(second.kubeconfigPath);
      const ns = await createTestNamespace(kc, 'second');
      const pod: V1Pod = {
        metadata: { name: 'hello' },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'main', image: second.images!.shell, command: ['echo', 'second node'], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        },
      };
      await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: pod });
      const done = await waitFor<V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) => p.status?.phase === 'Succeeded', 60_000);
      expect(done.status?.podIP?.startsWith(net.podCidr.split('.').slice(0, 3).join('.'))).toBe(true);
    } finally {
      await second.stop();
    }
    expect(existsSync(`/proc/${state!.nodePid}`)).toBe(false);
    expect(hostTraces(net, second.dir)).toEqual({ interface: false, routes: [], cgroups: [], mounts: [], slot: false });
    // The shared node still runs: what the kubelets set stays until the last node goes.
    expect(sysctl('kernel/panic')).toBe(panicWhileShared);
    await rm(second.dir, { recursive: true, force: true });
  }, 180_000);
});
