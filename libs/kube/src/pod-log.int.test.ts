import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from './client.js';
import { adminClient, createNamespace, rejectionOf, waitForObject } from './kube.testkit.js';
import { resourcePath } from './paths.js';
import type { KubeObject } from './types.js';

interface ContainerStatus {
  name: string;
  state?: { running?: object; terminated?: object };
}
interface Pod extends KubeObject {
  status?: {
    phase?: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

const client: KubeClient = adminClient('kube-pod-log-test');
let ns: string;

beforeAll(async () => {
  ns = await createNamespace(client, 'kube-pod-log');
  // Pods are refused until the namespace's default ServiceAccount exists.
  await waitForObject(client, resourcePath({ apiVersion: 'v1', plural: 'serviceaccounts', namespace: ns }), (sa) => sa.metadata.name === 'default');
});
afterAll(async () => {
  if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
});

/** Creates a pod running `script` (the node agent runs it as a local process) with an init container `first`. */
async function startPod(name: string, script: string): Promise<void> {
  await client.create<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      restartPolicy: 'Never',
      initContainers: [{ name: 'first', image: 'local', command: ['sh', '-c', 'echo from init'] }],
      containers: [{ name: 'main', image: 'local', command: ['sh', '-c', script] }],
    },
  });
}

const podsPath = () => resourcePath({ apiVersion: 'v1', plural: 'pods', namespace: ns });
const mainState = (p: Pod) => p.status?.containerStatuses?.find((c) => c.name === 'main')?.state;

describe('KubeClient.readPodLog', () => {
  it('returns what a container printed, per container, and only the last lines when asked', async () => {
    await startPod('printer', 'for i in 1 2 3 4 5; do echo line $i; done');
    await waitForObject<Pod>(client, podsPath(), (p) => p.metadata.name === 'printer' && !!mainState(p)?.terminated);

    expect(await client.readPodLog({ namespace: ns, pod: 'printer', container: 'main' })).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(await client.readPodLog({ namespace: ns, pod: 'printer', container: 'first' })).toBe('from init\n');
    expect(await client.readPodLog({ namespace: ns, pod: 'printer', container: 'main', tailLines: 2 })).toBe('line 4\nline 5\n');
  });

  it('fails with Invalid while the container has not started yet', async () => {
    await client.create<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'slow-init', namespace: ns },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        initContainers: [{ name: 'first', image: 'local', command: ['sleep', '600'] }],
        containers: [{ name: 'main', image: 'local', command: ['true'] }],
      },
    });
    await waitForObject<Pod>(client, podsPath(), (p) => p.metadata.name === 'slow-init' && !!p.status?.initContainerStatuses?.[0]?.state?.running);
    const err = await rejectionOf(client.readPodLog({ namespace: ns, pod: 'slow-init', container: 'main' }));
    expect(err.code).toBe('Invalid');
    expect(err.message).toContain('waiting to start');
  });

  it('fails with NotFound for a pod that does not exist', async () => {
    const err = await rejectionOf(client.readPodLog({ namespace: ns, pod: 'no-such-pod', container: 'main' }));
    expect(err.code).toBe('NotFound');
    expect(err.message).toContain('no-such-pod');
  });
});

describe('KubeClient.streamPodLog', () => {
  it('delivers lines while the container runs and ends when it exits', async () => {
    await startPod('ticker', 'for i in 1 2 3; do echo tick $i; sleep 0.3; done');
    await waitForObject<Pod>(client, podsPath(), (p) => p.metadata.name === 'ticker' && !!(mainState(p)?.running ?? mainState(p)?.terminated));
    let text = '';
    const stream = await client.streamPodLog({ namespace: ns, pod: 'ticker', container: 'main' }, (chunk) => (text += chunk));
    await stream.done;
    expect(text).toBe('tick 1\ntick 2\ntick 3\n');
  });

  it('stops on request while the container keeps running', async () => {
    await startPod('forever', 'echo started; exec sleep 600');
    await waitForObject<Pod>(client, podsPath(), (p) => p.metadata.name === 'forever' && !!mainState(p)?.running);
    let text = '';
    const stream = await client.streamPodLog({ namespace: ns, pod: 'forever', container: 'main' }, (chunk) => (text += chunk));
    while (!text.includes('started')) await new Promise((r) => setTimeout(r, 50));
    stream.stop();
    await stream.done;
    expect(text).toBe('started\n');
  });

  it('rejects before streaming when the pod does not exist', async () => {
    const err = await rejectionOf(client.streamPodLog({ namespace: ns, pod: 'missing', container: 'main' }, () => undefined));
    expect(err.code).toBe('NotFound');
  });
});
