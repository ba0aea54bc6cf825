import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { CoreV1Api, Log, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createTestNamespace, waitFor } from '../testing/index.js';
import { SIM_ANNOTATIONS } from './simulation.js';

const kc = adminKubeConfig(inject('kubeconfig'));
const core = kc.makeApiClient(CoreV1Api);

describe('the node agent', () => {
  let ns: string;
  const podsPath = () => `/api/v1/namespaces/${ns}/pods`;
  const named = (name: string, predicate: (p: V1Pod) => boolean) =>
    waitFor<V1Pod>(kc, podsPath(), (p) => p.metadata?.name === name && predicate(p));
  const create = (name: string, spec: Partial<V1PodSpec>, annotations?: Record<string, string>) =>
    core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name, annotations },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'local' }], ...spec },
      },
    });
  const terminal = (p: V1Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

  beforeAll(async () => {
    ns = await createTestNamespace(kc, 'node-agent');
  });

  it('mounts Secret, ConfigMap and emptyDir volumes at their mountPaths for a non-root container, leaving the host alone', async () => {
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'git' }, stringData: { token: 's3cret' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { 'app.yaml': 'a: 1\n', LEVEL: 'debug' } } });
    const script = [
      'id -u',
      'cat /etc/git-credentials/token; echo',
      'cat /etc/app.yaml',
      'cat /workspace/cloned',
      'pwd',
      'echo "$LEVEL $MY_NAME"',
      'touch /etc/git-credentials/x 2>/dev/null || echo read-only',
      'echo done > /dev/termination-log',
    ].join('; ');
    await create('mounts', {
      securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000 },
      volumes: [
        { name: 'creds', secret: { secretName: 'git', defaultMode: 0o440 } },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'work', emptyDir: {} },
      ],
      initContainers: [
        { name: 'clone', image: 'local', command: ['sh', '-c', 'echo cloned > /workspace/cloned'], volumeMounts: [{ name: 'work', mountPath: '/workspace' }] },
      ],
      containers: [
        {
          name: 'main',
          image: 'local',
          command: ['sh', '-c', script],
          workingDir: '/workspace',
          env: [{ name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          envFrom: [{ configMapRef: { name: 'cfg' } }],
          volumeMounts: [
            { name: 'creds', mountPath: '/etc/git-credentials', readOnly: true },
            { name: 'cfg', mountPath: '/etc/app.yaml', subPath: 'app.yaml' },
            { name: 'work', mountPath: '/workspace' },
          ],
        },
      ],
    });
    const pod = await named('mounts', terminal);
    expect(pod.status?.phase).toBe('Succeeded');
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.message).toBe('done\n');
    const log = await core.readNamespacedPodLog({ namespace: ns, name: 'mounts' });
    expect(log).toBe('1000\ns3cret\na: 1\ncloned\n/workspace\ndebug mounts\nread-only\n');
    expect(existsSync('/etc/git-credentials')).toBe(false);
    expect(existsSync('/workspace')).toBe(false);
  });

  it('marks a pod that does not fit Unschedulable with the scheduler message', async () => {
    await create('too-big', { containers: [{ name: 'main', image: 'local', command: ['true'], resources: { requests: { memory: '1Ti' } } }] });
    const pod = await named('too-big', (p) => !!p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(cond).toMatchObject({ reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' });
    expect(pod.spec?.nodeName).toBeUndefined();
  });

  it('fails containers on demand through sim.sluice.dev annotations', async () => {
    await create('sim-exit', {}, { [SIM_ANNOTATIONS.exitCode]: '2', [SIM_ANNOTATIONS.terminationMessage]: 'tests failed', [SIM_ANNOTATIONS.logs]: 'FAIL x' });
    await create('sim-oom', {}, { [SIM_ANNOTATIONS.oom]: 'true' });
    await create('sim-pull', {}, { [SIM_ANNOTATIONS.imagePullError]: 'true' });
    const exited = await named('sim-exit', terminal);
    expect(exited.status?.phase).toBe('Failed');
    expect(exited.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error', message: 'tests failed' });
    expect(await core.readNamespacedPodLog({ namespace: ns, name: 'sim-exit' })).toBe('FAIL x\n');
    const oom = await named('sim-oom', terminal);
    expect(oom.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    const pull = await named('sim-pull', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
    expect(pull.status?.phase).toBe('Pending');
  });

  it('restarts a crashing container with back-off and keeps the previous instance log', async () => {
    await create('crasher', { restartPolicy: 'Always', containers: [{ name: 'main', image: 'local', command: ['sh', '-c', 'echo run; exit 1'] }] });
    const pod = await named('crasher', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
    const status = pod.status!.containerStatuses![0]!;
    expect(pod.status?.phase).toBe('Running');
    expect(status.restartCount).toBeGreaterThanOrEqual(1);
    expect(status.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(await core.readNamespacedPodLog({ namespace: ns, name: 'crasher', previous: true })).toBe('run\n');
  });

  it('kills a pod that outlives activeDeadlineSeconds', async () => {
    await create('deadline', { activeDeadlineSeconds: 1, containers: [{ name: 'main', image: 'local', command: ['sleep', '60'] }] });
    const pod = await named('deadline', terminal);
    expect(pod.status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  });

  it('streams a running container log with follow until it exits', async () => {
    await create('ticker', { containers: [{ name: 'main', image: 'local', command: ['sh', '-c', 'sleep 1; for i in 1 2 3; do echo tick $i; sleep 0.2; done'] }] });
    await named('ticker', (p) => !!p.status?.containerStatuses?.[0]?.state?.running);
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const ended = new Promise((r) => out.on('end', r));
    await new Log(kc).log(ns, 'ticker', 'main', out, { follow: true });
    await ended;
    expect(text).toBe('tick 1\ntick 2\ntick 3\n');
  });

  it('stops the processes of a deleted pod and removes the object', async () => {
    await create('doomed', { terminationGracePeriodSeconds: 30, containers: [{ name: 'main', image: 'local', command: ['sleep', '600'] }] });
    await named('doomed', (p) => !!p.status?.containerStatuses?.[0]?.state?.running);
    const started = Date.now();
    await core.deleteNamespacedPod({ namespace: ns, name: 'doomed' });
    for (;;) {
      const left = await core.listNamespacedPod({ namespace: ns, fieldSelector: 'metadata.name=doomed' });
      if (left.items.length === 0) break;
      expect(Date.now() - started).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
