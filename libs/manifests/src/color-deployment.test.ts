import { describe, expect, it } from 'vitest';
import type { Color, ColorDeploymentProps } from './color-deployment.js';
import { colorDeployment, otherColor } from './color-deployment.js';

const PROPS: ColorDeploymentProps = {
  app: 'shop',
  namespace: 'production',
  environment: 'production',
  color: 'green',
  image: 'registry.example.com/shop/web@sha256:' + 'a'.repeat(64),
  owner: 'sluice-system/shop',
  readinessProbe: { path: '/ready' },
  livenessProbe: { path: '/healthz', periodSeconds: 20 },
  labels: { 'sluice.dev/sha': '0123456789abcdef0123456789abcdef01234567' },
};
const d = colorDeployment(PROPS);
const pod = d.spec?.template.spec;
const container = pod?.containers[0];

describe('colorDeployment', () => {
  it('is named and selected by app + color', () => {
    expect(d.metadata?.name).toBe('shop-green');
    expect(d.spec?.selector.matchLabels).toEqual({ app: 'shop', color: 'green' });
    expect(d.spec?.template.metadata?.labels).toMatchObject({ app: 'shop', color: 'green', 'sluice.dev/environment': 'production', 'sluice.dev/sha': PROPS.labels?.['sluice.dev/sha'] });
  });

  it('surges one pod at a time and never drops below the desired count', () => {
    expect(d.spec?.strategy).toEqual({ rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' });
    expect(d.spec?.revisionHistoryLimit).toBe(3);
    expect(d.spec?.progressDeadlineSeconds).toBe(600);
    expect(d.spec?.minReadySeconds).toBe(10);
  });

  it('probes over HTTP on the container port unless told otherwise', () => {
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 8080 });
    expect(container?.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 20 });
    expect(colorDeployment({ ...PROPS, livenessProbe: undefined }).spec?.template.spec?.containers[0]).not.toHaveProperty('livenessProbe');
  });

  it('applies the same pod hardening as test Jobs', () => {
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.enableServiceLinks).toBe(false);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(Object.keys(container?.resources?.requests ?? {})).toEqual(['cpu', 'memory']);
    expect(Object.keys(container?.resources?.limits ?? {})).toEqual(['cpu', 'memory']);
    expect(container?.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
  });

  it('rejects input that would break the rollout, saying how to fix it', () => {
    expect(() => colorDeployment({ ...PROPS, color: 'red' as Color })).toThrow(/"red" is not one of "blue", "green"/);
    expect(() => colorDeployment({ ...PROPS, readinessProbe: { path: 'ready' } })).toThrow('colorDeployment: readinessProbe.path "ready" must start with "/"; e.g. "/healthz"');
    expect(() => colorDeployment({ ...PROPS, labels: { color: 'blue' } })).toThrow(/label "color" is set by the builder/);
    expect(() => colorDeployment({ ...PROPS, progressDeadlineSeconds: 5 })).toThrow(/must exceed minReadySeconds/);
    expect(() => colorDeployment({ ...PROPS, runAsUser: 0 })).toThrow(/runAsUser is 0/);
    expect(() => colorDeployment({ ...PROPS, env: [{ name: 'BAD-NAME', value: 'x' }] })).toThrow(/not a valid variable name/);
  });

  it('is deterministic, including env order', () => {
    const a = colorDeployment({ ...PROPS, env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] });
    const b = colorDeployment({ ...PROPS, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('names the other color', () => {
    expect(otherColor('blue')).toBe('green');
    expect(otherColor('green')).toBe('blue');
  });
});

describe('colorDeployment extensions', () => {
  it('puts annotations on the Deployment only, and a command in place of the image entrypoint', () => {
    const x = colorDeployment({ ...PROPS, annotations: { 'sluice.dev/revision': 'abc' }, command: ['node', 'server.js'] });
    expect(x.metadata.annotations).toEqual({ 'sluice.dev/revision': 'abc', 'sluice.dev/owner': 'sluice-system/shop' });
    expect(x.spec?.template.metadata?.annotations).toBeUndefined();
    expect(x.spec?.template.spec?.containers[0]?.command).toEqual(['node', 'server.js']);
    expect(container?.command).toBeUndefined();
  });

  it('says which Application it belongs to: managed-by label and owner annotation, on the Deployment only', () => {
    expect(d.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'sluice' });
    expect(d.metadata.annotations).toEqual({ 'sluice.dev/owner': 'sluice-system/shop' });
    expect(d.spec?.template.metadata?.annotations).toBeUndefined();
  });

  it('refuses an owner that is not <namespace>/<application>, or a caller trying to set the owner annotation itself', () => {
    expect(() => colorDeployment({ ...PROPS, owner: 'shop' })).toThrow(/owner "shop" is not "<namespace>\/<application>"/);
    expect(() => colorDeployment({ ...PROPS, owner: 'a/b/c' })).toThrow(/is not "<namespace>\/<application>"/);
    expect(() => colorDeployment({ ...PROPS, owner: 'Sluice/shop' })).toThrow(/owner namespace "Sluice"/);
    expect(() => colorDeployment({ ...PROPS, annotations: { 'sluice.dev/owner': 'other/app' } })).toThrow(/annotation "sluice.dev\/owner" is set by the builder/);
  });

  it('refuses an empty command instead of starting a pod that cannot run', () => {
    expect(() => colorDeployment({ ...PROPS, command: [] })).toThrow(/command is empty/);
  });
});
