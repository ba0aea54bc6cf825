import { describe, expect, it } from 'vitest';
import { podDisruptionBudget } from './pod-disruption-budget.js';
import { serviceDeployment } from './service-deployment.js';

const gateway = () =>
  serviceDeployment({
    name: 'webhook-gateway',
    namespace: 'sluice-system',
    image: 'registry.example.com/sluice/webhook-gateway:1.0.0',
    serviceAccountName: 'webhook-gateway',
    port: 8080,
    env: { SLUICE_WEBHOOK_TOKEN_FILES: '/var/run/secrets/sluice/webhook/token' },
    secrets: [{ secretName: 'sluice-webhook', mountPath: '/var/run/secrets/sluice/webhook' }],
  });

describe('serviceDeployment', () => {
  it('runs the service hardened: non-root, read-only root filesystem, no capabilities, no privilege escalation', () => {
    const pod = gateway().spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(container.resources?.requests).toBeDefined();
    expect(container.resources?.limits).toBeDefined();
  });

  it('mounts Secrets only as read-only files, never as environment values', () => {
    const pod = gateway().spec!.template.spec!;
    const container = pod.containers[0]!;
    const secretVolumes = (pod.volumes ?? []).filter((v) => v.secret);
    expect(secretVolumes.map((v) => v.secret!.secretName)).toEqual(['sluice-webhook']);
    for (const volume of secretVolumes) {
      const mount = container.volumeMounts!.find((m) => m.name === volume.name)!;
      expect(mount.readOnly).toBe(true);
      expect(volume.secret!.defaultMode).toBe(0o440);
    }
    expect((container.env ?? []).some((e) => e.valueFrom?.secretKeyRef)).toBe(false);
  });

  it('probes /healthz for liveness and /readyz for readiness, and never rolls out with fewer ready pods', () => {
    const deployment = gateway();
    const container = deployment.spec!.template.spec!.containers[0]!;
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it('refuses a Secret mounted at the root or twice at one path, saying how to fix it', () => {
    const base = { name: 'notifier', namespace: 'sluice-system', image: 'sluice/notifier:1', serviceAccountName: 'notifier', port: 8083 };
    expect(() => serviceDeployment({ ...base, secrets: [{ secretName: 'token', mountPath: '/' }] })).toThrow(/distinct absolute directory/);
    expect(() =>
      serviceDeployment({
        ...base,
        secrets: [
          { secretName: 'a', mountPath: '/var/run/x' },
          { secretName: 'b', mountPath: '/var/run/x' },
        ],
      }),
    ).toThrow(/distinct absolute directory/);
  });

  it('puts pod fields first, so settings can refer to them as $(NAME) (Kubernetes expands only earlier variables)', () => {
    const d = serviceDeployment({
      name: 'deployer',
      namespace: 'sluice-system',
      image: 'sluice/deployer:1',
      serviceAccountName: 'deployer',
      port: 8082,
      fieldEnv: { POD_NAME: 'metadata.name' },
      env: { A_SETTING: 'x', OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=$(POD_NAME)' },
    });
    expect(d.spec!.template.spec!.containers[0]!.env).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'A_SETTING', value: 'x' },
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'service.instance.id=$(POD_NAME)' },
    ]);
  });

  it('refuses an unknown pod field and a variable set twice', () => {
    const base = { name: 'notifier', namespace: 'sluice-system', image: 'sluice/notifier:1', serviceAccountName: 'notifier', port: 8083 };
    expect(() => serviceDeployment({ ...base, fieldEnv: { POD_LABELS: 'metadata.labels' } })).toThrow(/use one of metadata.name/);
    expect(() => serviceDeployment({ ...base, fieldEnv: { POD_NAME: 'metadata.name' }, env: { POD_NAME: 'x' } })).toThrow(/both env and fieldEnv/);
  });
});

describe('podDisruptionBudget', () => {
  it('lets a drain take at most one pod of the service at a time', () => {
    const pdb = podDisruptionBudget({ name: 'deployer', namespace: 'sluice-system' });
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'deployer' } } });
  });
});
