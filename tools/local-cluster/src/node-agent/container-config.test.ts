import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { containerMounts, containerUser, hostnameOf } from './container-config.js';

const pod = (securityContext = {}, extra = {}): V1Pod => ({
  metadata: { name: 'web-1' },
  spec: { containers: [], securityContext, ...extra },
});

describe('containerUser', () => {
  it('keeps the agent user when nothing is set', () => {
    expect(containerUser(pod(), { name: 'c' })).toBeUndefined();
  });
  it('combines pod and container settings, the container winning', () => {
    const p = pod({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, supplementalGroups: [3000] });
    expect(containerUser(p, { name: 'c', securityContext: { runAsUser: 1001 } })).toEqual({ uid: 1001, gid: 1000, groups: [2000, 3000] });
  });
  it('runs a runAsNonRoot container without runAsUser as uid 1000, group 0', () => {
    expect(containerUser(pod({ runAsNonRoot: true }), { name: 'c' })).toEqual({ uid: 1000, gid: 0, groups: [] });
  });
});

describe('containerMounts', () => {
  const volumes = new Map([
    ['work', { path: '/pods/u/volumes/work', type: 'dir' as const }],
    ['cfg', { path: '/pods/u/volumes/cfg', type: 'dir' as const }],
  ]);
  it('maps volumeMounts (with subPath) and adds the termination log and /etc/hosts', () => {
    const mounts = containerMounts(
      pod(),
      {
        name: 'c',
        volumeMounts: [
          { name: 'work', mountPath: '/workspace' },
          { name: 'cfg', mountPath: '/etc/app.yaml', subPath: 'app.yaml', readOnly: true },
        ],
      },
      volumes,
      '/pods/u/c/termination-log',
      '/pods/u/etc-hosts',
    );
    expect(mounts).toEqual([
      { target: '/workspace', source: '/pods/u/volumes/work', readOnly: false, type: 'dir' },
      { target: '/etc/app.yaml', source: '/pods/u/volumes/cfg/app.yaml', readOnly: true, type: 'dir' },
      { target: '/dev/termination-log', source: '/pods/u/c/termination-log', readOnly: false, type: 'file' },
      { target: '/etc/hosts', source: '/pods/u/etc-hosts', readOnly: false, type: 'file' },
    ]);
  });
  it('reports a volume that is not there', () => {
    expect(containerMounts(pod(), { name: 'c', volumeMounts: [{ name: 'x', mountPath: '/x' }] }, volumes, 't', 'h')).toEqual({
      error: 'volume "x" is not available',
    });
  });
  it('leaves /etc/hosts alone on the host network and honours terminationMessagePath', () => {
    const mounts = containerMounts(pod({}, { hostNetwork: true }), { name: 'c', terminationMessagePath: '/tmp/msg' }, volumes, 't', 'h');
    expect(mounts).toEqual([{ target: '/tmp/msg', source: 't', readOnly: false, type: 'file' }]);
  });
});

describe('hostnameOf', () => {
  it('uses spec.hostname or the pod name, cut to 63 characters', () => {
    expect(hostnameOf(pod())).toBe('web-1');
    expect(hostnameOf(pod({}, { hostname: 'h' }))).toBe('h');
    expect(hostnameOf({ metadata: { name: 'x'.repeat(80) } })).toHaveLength(63);
  });
});
