import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { expand } from './downward.js';
import { buildEnv, expandCommand, referencedObjects, serviceEnv } from './env.js';

const pod: V1Pod = {
  metadata: { name: 'web-1', namespace: 'prod', uid: 'u-1', labels: { app: 'web' } },
  spec: { containers: [], nodeName: 'local-node', serviceAccountName: 'default' },
};
const facts = { podIP: '127.1.0.7', hostIP: '127.0.0.1', nodeAllocatable: { cpu: '8', memory: '16Gi' } };
const data = {
  secrets: new Map([['git', { token: 's3cret' }]]),
  configMaps: new Map([['cfg', { LEVEL: 'debug', 'bad=key': 'x' }]]),
};

function env(container: Partial<V1Container>) {
  return buildEnv(pod, { name: 'main', image: 'x', ...container }, { PATH: '/usr/bin' }, facts, data);
}

describe('buildEnv', () => {
  it('provides POD_IP and HOST, which the container may override', () => {
    expect(env({})).toEqual({ env: { PATH: '/usr/bin', POD_IP: '127.1.0.7', HOST: '127.1.0.7' } });
    expect(env({ env: [{ name: 'HOST', value: '0.0.0.0' }] })).toMatchObject({ env: { HOST: '0.0.0.0' } });
  });

  it('resolves the downward API, Secret and ConfigMap references', () => {
    const r = env({
      env: [
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'git', key: 'token' } } },
        { name: 'LVL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' as never } } },
      ],
    });
    expect(r).toMatchObject({
      env: { NAME: 'web-1', NS: 'prod', IP: '127.1.0.7', APP: 'web', TOKEN: 's3cret', LVL: 'debug', MEM: '16384' },
    });
  });

  it('applies envFrom with prefix, skipping invalid keys, before env', () => {
    const r = env({ envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'C_' }], env: [{ name: 'X', value: '$(C_LEVEL)!' }] });
    expect(r).toMatchObject({ env: { C_LEVEL: 'debug', X: 'debug!' } });
    expect(Object.keys((r as { env: object }).env)).not.toContain('C_bad=key');
  });

  it('fails like the kubelet when a reference is missing, unless optional', () => {
    expect(env({ env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] })).toEqual({
      error: 'secret "nope" not found',
    });
    expect(env({ env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'git', key: 'k' } } }] })).toEqual({
      error: "couldn't find key k in Secret prod/git",
    });
    expect(env({ env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } }] })).not.toHaveProperty('error');
  });

  it('expands $(VAR) in command and args', () => {
    const c = { name: 'm', image: 'x', command: ['sh', '-c'], args: ['echo $(POD_IP) $$(HOME) $(UNSET)'] };
    expect(expandCommand(c, { POD_IP: '1.2.3.4' })).toEqual(['sh', '-c', 'echo 1.2.3.4 $(HOME) $(UNSET)']);
  });
});

describe('expand', () => {
  it('leaves lone dollars and unterminated references alone', () => {
    expect(expand('a$b $(X', () => 'v')).toBe('a$b $(X');
    expect(expand('$$$(X)', (n) => (n === 'X' ? 'v' : undefined))).toBe('$v');
  });
});

describe('referencedObjects', () => {
  it('collects Secret and ConfigMap names', () => {
    const r = referencedObjects([
      { name: 'a', envFrom: [{ secretRef: { name: 's1' } }], env: [{ name: 'x', valueFrom: { configMapKeyRef: { name: 'c1', key: 'k' } } }] },
    ]);
    expect([...r.secrets]).toEqual(['s1']);
    expect([...r.configMaps]).toEqual(['c1']);
  });
});

describe('serviceEnv', () => {
  it('points in-cluster clients at the apiserver', () => {
    expect(serviceEnv(new URL('https://127.0.0.1:6443'))).toMatchObject({
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: '6443',
      KUBERNETES_PORT: 'tcp://127.0.0.1:6443',
    });
  });
});
