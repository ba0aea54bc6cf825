import { AppsV1Api, BatchV1Api, CoreV1Api, type V1Deployment, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createTestNamespace, waitFor } from './testing/index.js';

const kc = adminKubeConfig(inject('kubeconfig'));
const core = kc.makeApiClient(CoreV1Api);

/** A tiny HTTP server on $HOST:8080 that stops answering once it gets POST /break. */
const BREAKABLE_SERVER = `
const http = require('node:http');
let broken = false;
http.createServer((req, res) => {
  if (req.url === '/break') { broken = true; res.end('broken'); return; }
  if (broken) return; // hang: the probe times out
  res.end('ok');
}).listen(8080, process.env.HOST);
`;

describe('pods run as local processes on the node agent', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createTestNamespace(kc, 'workloads');
  });

  it('a Job whose command exits 3 ends Failed, with exit code 3 and its log readable through the API', async () => {
    const job: V1Job = {
      metadata: { name: 'exit-three' },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'main', image: 'local', command: ['sh', '-c', 'echo hello; exit 3'] }],
          },
        },
      },
    };
    await kc.makeApiClient(BatchV1Api).createNamespacedJob({ namespace: ns, body: job });

    const failed = await waitFor<V1Job>(kc, `/apis/batch/v1/namespaces/${ns}/jobs`, (j) =>
      (j.status?.conditions ?? []).some((c) => c.type === 'Failed' && c.status === 'True'),
    );
    expect(failed.status?.failed).toBe(1);
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'job-name=exit-three' });
    const pod = pods.items[0]!;
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(3);
    const log = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: ns });
    expect(log).toBe('hello\n');
  });

  it('a 2-replica Deployment with an HTTP readiness probe becomes available, and reports a pod that stops answering', async () => {
    const labels = { app: 'breakable' };
    const deployment: V1Deployment = {
      metadata: { name: 'breakable' },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'local',
                command: ['node', '-e', BREAKABLE_SERVER],
                ports: [{ containerPort: 8080 }],
                readinessProbe: {
                  httpGet: { path: '/healthz', port: 8080 },
                  periodSeconds: 1,
                  timeoutSeconds: 1,
                  failureThreshold: 1,
                },
              },
            ],
          },
        },
      },
    };
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: ns, body: deployment });
    const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
    await waitFor<V1Deployment>(kc, path, (d) => d.status?.availableReplicas === 2);

    const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=breakable' })).items;
    const ips = pods.map((p) => p.status?.podIP);
    expect(new Set(ips).size).toBe(2); // each pod has its own address on the same port
    const victim = pods[0]!;
    const res = await fetch(`http://${victim.status!.podIP}:8080/break`, { method: 'POST' });
    expect(await res.text()).toBe('broken');

    const degraded = await waitFor<V1Deployment>(kc, path, (d) => d.status?.availableReplicas === 1);
    expect(degraded.status?.readyReplicas).toBe(1);
    const notReady = await waitFor<V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) => p.metadata?.name === victim.metadata?.name);
    expect(notReady.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });
});
