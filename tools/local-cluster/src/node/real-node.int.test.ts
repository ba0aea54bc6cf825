/**
 * The real node does what a cluster does: containers from the node's own
 * registry, Pod Security admission, pod networking, Service ClusterIPs
 * through kube-proxy, cluster DNS, and NetworkPolicies enforced by
 * kube-router.
 */
import { Resolver } from 'node:dns/promises';
import { get as httpGet } from 'node:http';
import { CoreV1Api, NetworkingV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createTestNamespace, waitFor, waitUntil } from '../testing/index.js';

const node = inject('realNode');
const kc: KubeConfig = adminKubeConfig(node.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Every web pod answers `/` with its name and, given `?url=`, fetches that URL
 * (on a new connection, as every request here: a kept-alive one would stay
 * with the pod it first reached, and conntrack lets established flows
 * through policies) and answers what it got.
 */
const GET = `
const getText = (url) => new Promise((resolve) => {
  const req = require('node:http').get(url, { agent: false, timeout: 1500 }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve('ok ' + body));
  });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
  req.on('error', (e) => resolve('error ' + (e.code ?? e.name)));
});
`;
const WEB = `${GET}
require('node:http').createServer(async (req, res) => {
  const target = new URL(req.url, 'http://x').searchParams.get('url');
  res.setHeader('Connection', 'close');
  res.end(target ? await getText(target) : process.env.POD_NAME);
}).listen(8080);
`;

/** Pod Security `restricted`, as Sluice's own namespaces enforce it. */
const RESTRICTED = {
  pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

function webPod(name: string, labels: Record<string, string>): V1Pod {
  return {
    metadata: { name, labels },
    spec: {
      securityContext: RESTRICTED.pod,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'web',
          image: node.images.node,
          command: ['node', '-e', WEB],
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
          securityContext: RESTRICTED.container,
        },
      ],
    },
  };
}

async function restrictedNamespace(prefix: string): Promise<string> {
  const ns = await createTestNamespace(kc, prefix);
  await core.patchNamespace(
    { name: ns, body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } },
    MERGE_PATCH,
  );
  return ns;
}

async function runningPods(ns: string, pods: V1Pod[]): Promise<Record<string, string>> {
  for (const body of pods) await core.createNamespacedPod({ namespace: ns, body });
  const ips: Record<string, string> = {};
  for (const pod of pods) {
    const name = pod.metadata!.name!;
    const ready = await waitFor<V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) =>
      p.metadata?.name === name && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    60_000);
    ips[name] = ready.status!.podIP!;
  }
  return ips;
}

/** GET from the host on a new connection with a short timeout: the body, or `error <code>`. */
function get(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = httpGet(url, { agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.name}`));
  });
}

/** What the web pod at `fromIp` got when it fetched `url`. */
const fetchFrom = (fromIp: string, url: string) => get(`http://${fromIp}:8080/?url=${encodeURIComponent(url)}`);

describe('containers on the real node', () => {
  it('runs a pod from the shell image under Pod Security restricted, and its log comes back through the API', async () => {
    const ns = await restrictedNamespace('shell');
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'hello' },
        spec: {
          restartPolicy: 'Never',
          securityContext: { ...RESTRICTED.pod, runAsUser: 65532 },
          containers: [
            { name: 'main', image: node.images.shell, command: ['sh', '-c', 'echo "hello from uid $(id -u) on $(hostname)"'], securityContext: RESTRICTED.container },
          ],
        },
      },
    });
    const done = await waitFor<V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) => p.metadata?.name === 'hello' && p.status?.phase === 'Succeeded', 60_000);
    expect(done.status?.podIP).toMatch(new RegExp(`^${node.network.podCidr.split('.').slice(0, 3).join('\\.')}\\.`));
    const log = await core.readNamespacedPodLog({ name: 'hello', namespace: ns });
    expect(log).toBe('hello from uid 65532 on hello\n');
  });

  it('refuses a pod that may run as root in a namespace that enforces restricted', async () => {
    const ns = await restrictedNamespace('refused');
    const pod: V1Pod = { metadata: { name: 'root' }, spec: { containers: [{ name: 'main', image: node.images.shell }] } };
    await expect(core.createNamespacedPod({ namespace: ns, body: pod })).rejects.toThrow(/violates PodSecurity.*restricted:latest.*runAsNonRoot != true/);
  });
});

describe('Services, DNS and selector switches', () => {
  let ns: string;
  let ips: Record<string, string>;
  let clusterIp: string;
  beforeAll(async () => {
    ns = await restrictedNamespace('svc');
    ips = await runningPods(ns, [
      webPod('blue', { app: 'web', color: 'blue' }),
      webPod('green', { app: 'web', color: 'green' }),
      webPod('client', { app: 'client' }),
    ]);
    const svc = await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web', color: 'blue' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    clusterIp = svc.spec!.clusterIP!;
    await waitUntil(async () => (await get(`http://${clusterIp}/`)) === 'blue', 'the Service to answer', 20_000);
  }, 120_000);

  it('answers by ClusterIP and by DNS name, from the host and from another pod', async () => {
    expect(await get(`http://${clusterIp}/`)).toBe('blue');
    const resolver = new Resolver();
    resolver.setServers([node.network.dnsServiceIp]);
    expect(await resolver.resolve4(`web.${ns}.svc.cluster.local`)).toEqual([clusterIp]);

    expect(await fetchFrom(ips.client!, `http://${clusterIp}/`)).toBe('ok blue');
    expect(await fetchFrom(ips.client!, 'http://web/')).toBe('ok blue');
    expect(await fetchFrom(ips.client!, `http://web.${ns}.svc.cluster.local/`)).toBe('ok blue');
    // The apiserver through its ClusterIP, by name: plain HTTP to its TLS port gets Go's answer for that.
    expect(await fetchFrom(ips.client!, 'http://kubernetes.default.svc.cluster.local:443/')).toMatch(/^ok Client sent an HTTP request to an HTTPS server/);
  });

  it('moves all traffic to the pods a patched selector picks within 2 s', async () => {
    const patchedAt = Date.now();
    await core.patchNamespacedService(
      { name: 'web', namespace: ns, body: { spec: { selector: { app: 'web', color: 'green' } } } },
      MERGE_PATCH,
    );
    let lastBlue = patchedAt;
    const answers: string[] = [];
    while (Date.now() - patchedAt < 3_000) {
      const answer = await get(`http://${clusterIp}/`);
      answers.push(answer);
      if (answer !== 'green') lastBlue = Date.now();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastBlue - patchedAt).toBeLessThan(2_000);
    expect(answers.slice(-10)).toEqual(Array(10).fill('green'));
  });
});

describe('NetworkPolicies, enforced', () => {
  it('a default-deny namespace refuses a pod elsewhere; an allow rule lets exactly the selected peer through', async () => {
    const guarded = await restrictedNamespace('guarded');
    const outside = await restrictedNamespace('outside');
    const server = await runningPods(guarded, [webPod('api', { app: 'api' })]);
    const peers = await runningPods(outside, [webPod('friend', { role: 'friend' }), webPod('stranger', { role: 'stranger' })]);
    const api = `http://${server.api}:8080/`;
    const reach = async () => ({ friend: await fetchFrom(peers.friend!, api), stranger: await fetchFrom(peers.stranger!, api) });

    // Before any policy both get through: a refusal later is the policy's doing.
    expect(await reach()).toEqual({ friend: 'ok api', stranger: 'ok api' });

    const net = kc.makeApiClient(NetworkingV1Api);
    await net.createNamespacedNetworkPolicy({
      namespace: guarded,
      body: { metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    });
    await waitUntil(
      async () => {
        const r = await reach();
        return r.friend.startsWith('error') && r.stranger.startsWith('error');
      },
      'default-deny to refuse both peers',
      15_000,
    );

    // The host (kubelet probes, the demo's services) reaches pods as the node does, on a new connection.
    expect(await get(api)).toBe('api');

    await net.createNamespacedNetworkPolicy({
      namespace: guarded,
      body: {
        metadata: { name: 'allow-friend' },
        spec: {
          podSelector: { matchLabels: { app: 'api' } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              // client-node's name for the wire field `from`.
              _from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': outside } },
                  podSelector: { matchLabels: { role: 'friend' } },
                },
              ],
              ports: [{ port: 8080, protocol: 'TCP' }],
            },
          ],
        },
      },
    });
    await waitUntil(async () => (await reach()).friend === 'ok api', 'the allow rule to let the friend through', 15_000);
    expect((await reach()).stranger).toMatch(/^error/);
  }, 120_000);
});
