/**
 * buildImages on the real node: BuildKit builds a Dockerfile from a context
 * on the host on top of one of the node's base images, pushes it to the
 * node's registry, and a pod runs it by digest; the same inputs give the
 * same digest; a failing build says why; and nothing of the builder stays
 * behind, on the host or in the node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createTestNamespace, waitFor } from '../testing/index.js';
import { buildImages } from './build-images.js';
import { readOwner } from './slots.js';

const node = inject('realNode');
const kc = adminKubeConfig(node.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);

const DOCKERFILE = 'ARG BASE\nFROM ${BASE}\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n';

/** Mount points of a mount namespace that name BuildKit. */
const buildkitMounts = (pid: number | 'self') =>
  readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .split('\n')
    .map((m) => m.split(' ')[4] ?? '')
    .filter((point) => point.includes('buildkit'));
/** Processes on the machine running buildkitd from a sluice builder directory. */
const builderProcesses = () =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('/sluice/builder-bin/');
      } catch {
        return false;
      }
    });

/**
 * What the builders leave: processes, mounts (host and node), state on the
 * node's tmpfs. Compared with before the calls, not with nothing: the node is
 * shared, and a call sweeps only what a dead caller left.
 */
const traces = (nodePid: number) => ({
  processes: builderProcesses(),
  hostMounts: buildkitMounts('self'),
  nodeMounts: buildkitMounts(nodePid),
  state: builderState(nodePid),
});
const nothingNew = (before: ReturnType<typeof traces>, after: ReturnType<typeof traces>) =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.filter((x) => !before[k as keyof typeof before].includes(x))]));

/** What is left in the builder's directories on the node's tmpfs. */
const builderState = (pid: number) =>
  ['/run/sluice-buildkit', '/var/lib/sluice-buildkit'].flatMap((dir) => {
    try {
      return readdirSync(`/proc/${pid}/root${dir}`).map((entry) => `${dir}/${entry}`);
    } catch {
      return [];
    }
  });

describe('buildImages on the real node', () => {
  let context: string;
  let nodePid: number;
  beforeAll(async () => {
    context = await mkdtemp(join(tmpdir(), 'sluice-build-context-'));
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(context, 'hello.txt'), 'hello from an image built on the node\n');
    nodePid = (await readOwner(node.network.slot))!.nodePid!;
  });
  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('builds and pushes an image by digest, which a pod then runs; the same inputs give the same digest', async () => {
    const build = { context, dockerfile: context, args: { BASE: node.images.shell } };
    const before = traces(nodePid);
    const first = await buildImages(node, [
      { name: 'hello', image: 'test/hello:one', ...build },
      { name: 'again', image: 'test/hello:two', ...build },
    ]);
    const second = await buildImages(node, [{ name: 'hello', image: 'test/hello:three', ...build }]);

    expect(first.hello).toMatch(new RegExp(`^${node.registry.replace(/\./g, '\\.')}/test/hello@sha256:[0-9a-f]{64}$`));
    // Concurrently in one builder and again in a fresh one: one digest.
    expect(first.again).toBe(first.hello);
    expect(second.hello).toBe(first.hello);

    // The builder is gone and left nothing: no process, no mount on the host or in the node, no state on the node's tmpfs.
    expect(nothingNew(before, traces(nodePid))).toEqual({ processes: [], hostMounts: [], nodeMounts: [], state: [] });

    const ns = await createTestNamespace(kc, 'built');
    const pod: V1Pod = {
      metadata: { name: 'hello' },
      spec: {
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          { name: 'main', image: first.hello, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
        ],
      },
    };
    await core.createNamespacedPod({ namespace: ns, body: pod });
    await waitFor<V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) => p.metadata?.name === 'hello' && p.status?.phase === 'Succeeded', 60_000);
    expect(await core.readNamespacedPodLog({ name: 'hello', namespace: ns })).toBe('hello from an image built on the node\n');
  }, 240_000);

  it('rejects with the failed step and the builder log, and still cleans up', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'sluice-build-broken-'));
    const before = traces(nodePid);
    try {
      await writeFile(join(broken, 'Dockerfile'), `FROM ${node.images.shell}\nCOPY missing.txt /missing.txt\n`);
      await expect(buildImages(node, [{ name: 'broken', context: broken, dockerfile: broken, image: 'test/broken:one' }])).rejects.toThrow(
        /building 1 of 1 images failed\nbroken: buildctl exited 1\n[\s\S]*missing\.txt[\s\S]*--- buildkitd log \(tail\) ---/,
      );
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
    expect(nothingNew(before, traces(nodePid))).toEqual({ processes: [], hostMounts: [], nodeMounts: [], state: [] });
  }, 120_000);
});
