/**
 * The notifier as a process (`node --import tsx src/main.ts`), killed with
 * SIGKILL while a GitLab call is in flight and started again: GitLab ends
 * with every status final, one row per name, one deployment per environment.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitlabStandIn, type GitlabStandIn } from '@sluice/gitlab-stand-in';
import type { KubeClient } from '@sluice/kube';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminClient, createNamespace, deleteNamespace, deliveryObject, fakeSha, installCrds, StatusDriver, waitUntil, type Delivery } from './testing/cluster.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const TOKEN = 'glpat-restart-secret-token';
const PROJECT = { id: 4242, path: 'platform/restart' };
const NAMES = ['sluice/test', 'sluice/build', 'sluice/deploy:production'];

let kube: KubeClient;
let ns: string;
let gitlab: GitlabStandIn;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  kube = adminClient();
  await installCrds(kube);
  ns = await createNamespace(kube, 'notifier-restart');
  gitlab = await startGitlabStandIn({ token: TOKEN, projects: [PROJECT] });
});

afterAll(async () => {
  for (const p of processes) p.kill();
  await gitlab?.close();
  if (ns) await deleteNamespace(kube, ns);
});

async function startNotifier(tokenFile: string): Promise<ServiceProcess> {
  const service = await startServiceProcess({
    entry,
    env: {
      SLUICE_PORT: String(await freePort()),
      SLUICE_HOST: '127.0.0.1',
      KUBECONFIG: inject('kubeconfig'),
      SLUICE_NAMESPACE: ns,
      SLUICE_GITLAB_URL: gitlab.url,
      SLUICE_GITLAB_TOKEN_FILE: tokenFile,
      SLUICE_PUBLIC_URL: 'https://sluice.example.test',
      // The same pod restarted (a container restart keeps the pod name): its leader Lease is its own at once.
      POD_NAME: 'notifier-0',
      HOME: tmpdir(),
    },
  });
  processes.push(service);
  return service;
}

/** Polls the stand-in every 10 ms (its requests are in memory) until `condition` holds. */
async function whenGitlab(condition: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('notifier process killed mid-stream', () => {
  it('resumes from status.posted: no duplicates, nothing missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notifier-restart-'));
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    // Slow GitLab: every status POST waits 150 ms, so the kill lands while one is in flight.
    gitlab.inject({ delayMs: 150, method: 'POST', path: '/statuses/', times: 1000 });

    const first = await startNotifier(join(dir, 'token'));
    await waitUntil(async () => (await first.get('/readyz')).status === 200, 'first notifier ready');

    const shas = [1, 2, 3].map((i) => fakeSha(`restart-${i}`));
    const drivers = await Promise.all(
      shas.map(async (sha, i) => {
        const name = `restart-${i + 1}`;
        await kube.create(deliveryObject({ name, namespace: ns, sha, project: PROJECT, environments: ['production'] }));
        return new StatusDriver(kube, ns, name);
      }),
    );
    await Promise.all(
      drivers.map(async (d) => {
        await d.init(['production']);
        await d.start({ name: 'test' }, 'Testing');
        await d.succeed({ name: 'test' });
        await d.start({ name: 'build' }, 'Building');
        await d.succeed({ name: 'build' });
        await d.start({ name: 'deploy', environment: 'production' }, 'Deploying');
        await d.succeed({ name: 'deploy', environment: 'production' }, 'Live');
      }),
    );

    // Kill -9 while GitLab is applying a final state the notifier has not recorded yet.
    const statusPosts = () => gitlab.requests({ method: 'POST', path: '/statuses/' });
    await whenGitlab(() => {
      const last = gitlab.requests().at(-1);
      return statusPosts().length >= 4 && last?.method === 'POST' && last.status === 0 && (last.body as { state?: string }).state === 'success';
    }, 'a final status in flight');
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).not.toContain(TOKEN);

    const second = await startNotifier(join(dir, 'token'));
    await waitUntil(
      async () => {
        const deliveries = await Promise.all(
          drivers.map((_, i) => kube.get<Delivery>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: ns, name: `restart-${i + 1}` })),
        );
        return deliveries.every(
          (d) => NAMES.every((n) => d?.status?.posted[n]?.state === 'success') && d?.status?.posted['sluice/deployment:production']?.state === 'success',
        );
      },
      'every Delivery fully posted after the restart',
      45_000,
    );

    for (const sha of shas) {
      const rows = gitlab.statuses({ sha });
      // Nothing missing, nothing twice: one row per name (a re-posted final state would add a second).
      expect(rows.map((r) => r.name).sort()).toEqual([...NAMES].sort());
      expect(rows.every((r) => r.status === 'success' && !r.retried)).toBe(true);
      expect(gitlab.deployments().filter((x) => x.sha === sha).map((x) => x.status)).toEqual(['success']);
    }
    // The final state whose answer the kill cut off was read back from GitLab, not posted twice.
    expect(second.logs.some((line) => line['how'] === 'verified')).toBe(true);
    const exit = await second.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.stdout).not.toContain(TOKEN);
  }, 120_000);
});
