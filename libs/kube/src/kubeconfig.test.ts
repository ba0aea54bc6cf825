import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFromEnv, loadKubeConfig } from './kubeconfig.js';

describe('kubeConfigFromEnv', () => {
  it('prefers in-cluster when KUBERNETES_SERVICE_HOST is set', () => {
    expect(kubeConfigFromEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '6443', KUBECONFIG: '/k', HOME: '/h' })).toEqual({
      mode: 'in-cluster',
      host: '10.0.0.1',
      port: '6443',
    });
    expect(kubeConfigFromEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toMatchObject({ port: '443' });
  });

  it('uses KUBECONFIG next, keeping every listed file', () => {
    expect(kubeConfigFromEnv({ KUBECONFIG: '/a/config', HOME: '/h' })).toEqual({ mode: 'file', path: '/a/config' });
    expect(kubeConfigFromEnv({ KUBECONFIG: ['/a', '', '/b'].join(delimiter) })).toEqual({ mode: 'file', path: ['/a', '/b'] });
  });

  it('falls back to ~/.kube/config', () => {
    expect(kubeConfigFromEnv({ HOME: '/home/me', KUBECONFIG: '' })).toEqual({ mode: 'file', path: '/home/me/.kube/config' });
  });

  it('says what to set when nothing is available', () => {
    expect(() => kubeConfigFromEnv({})).toThrow(/KUBERNETES_SERVICE_HOST.*KUBECONFIG.*HOME/);
  });
});

describe('loadKubeConfig', () => {
  let dir: string;
  const kubeconfig = (server: string, ctx: string) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: `c-${ctx}`, cluster: { server } }],
      users: [{ name: `u-${ctx}`, user: { token: `t-${ctx}` } }],
      contexts: [{ name: ctx, context: { cluster: `c-${ctx}`, user: `u-${ctx}` } }],
      'current-context': ctx,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-config-test-'));
    await writeFile(join(dir, 'one'), kubeconfig('https://one.example:6443', 'one'));
    await writeFile(join(dir, 'two'), kubeconfig('https://two.example:6443', 'two'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads a file and honours its current context', () => {
    const kc = loadKubeConfig({ mode: 'file', path: join(dir, 'one') });
    expect(kc.getCurrentCluster()?.server).toBe('https://one.example:6443');
  });

  it('merges several files with the first one’s context winning, and can switch context', () => {
    const paths = [join(dir, 'one'), join(dir, 'two')];
    expect(loadKubeConfig({ mode: 'file', path: paths }).getCurrentCluster()?.server).toBe('https://one.example:6443');
    expect(loadKubeConfig({ mode: 'file', path: paths, context: 'two' }).getCurrentUser()?.token).toBe('t-two');
    expect(() => loadKubeConfig({ mode: 'file', path: paths, context: 'three' })).toThrow(/no context "three"; known: one, two/);
  });

  it('builds in-cluster config from the mounted token file (re-read as it rotates) and CA', () => {
    const kc = loadKubeConfig({ mode: 'in-cluster', host: 'fd00::1', port: '443', serviceAccountDir: '/sa' });
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://[fd00::1]:443', caFile: '/sa/ca.crt', skipTLSVerify: false });
    expect(kc.getCurrentUser()?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile: '/sa/token' } });
  });

  it('builds explicit config, allowing plain http without a TLS flag', () => {
    const kc = loadKubeConfig({ mode: 'explicit', server: 'http://127.0.0.1:8080/', token: 'tok' });
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'http://127.0.0.1:8080', skipTLSVerify: true });
    expect(kc.getCurrentUser()?.token).toBe('tok');
    expect(loadKubeConfig({ mode: 'explicit', server: 'https://k:6443' }).getCurrentCluster()?.skipTLSVerify).toBe(false);
  });

  it('sets impersonation on the current user only', () => {
    const kc = loadKubeConfig({ mode: 'file', path: [join(dir, 'one'), join(dir, 'two')], impersonateUser: 'system:serviceaccount:a:b' });
    expect(kc.getCurrentUser()?.impersonateUser).toBe('system:serviceaccount:a:b');
    expect(kc.getUser('u-two')?.impersonateUser).toBeUndefined();
  });
});
