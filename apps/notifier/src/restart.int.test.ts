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
import { adminClient, createNamespace, deleteNamespace, installCrds, waitUntil } from './testing/cluster.testkit.js';
import { allPosted, expectEachStatusOnce, finalStatusInFlight, threeLiveDeliveries } from './testing/process.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const TOKEN = 'glpat-restart-secret-token';
const PROJECT = { id: 4242, path: 'platform/restart' };

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

describe('notifier process killed mid-stream', () => {
  it('resumes from status.posted: no duplicates, nothing missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notifier-restart-'));
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    // Slow GitLab: every status POST waits 150 ms, so the kill lands while one is in flight.
    gitlab.inject({ delayMs: 150, method: 'POST', path: '/statuses/', times: 1000 });

    const first = await startNotifier(join(dir, 'token'));
    await waitUntil(async () => (await first.get('/readyz')).status === 200, 'first notifier ready');

    const shas = await threeLiveDeliveries(kube, ns, 'restart', PROJECT);

    // Kill -9 while GitLab is applying a final state the notifier has not recorded yet.
    await finalStatusInFlight(gitlab);
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).not.toContain(TOKEN);

    const second = await startNotifier(join(dir, 'token'));
    await allPosted(kube, ns, 'restart', 'every Delivery fully posted after the restart');
    expectEachStatusOnce(gitlab, shas);
    // The final state whose answer the kill cut off was read back from GitLab, not posted twice.
    expect(second.logs.some((line) => line['how'] === 'verified')).toBe(true);
    const exit = await second.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.stdout).not.toContain(TOKEN);
  }, 120_000);
});
