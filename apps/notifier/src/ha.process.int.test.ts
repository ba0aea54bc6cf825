/**
 * Two notifier replicas as processes: the active one is killed with SIGKILL
 * while a GitLab call is in flight; the standby takes the leader Lease within
 * lease duration + 2 s and finishes: GitLab ends with every status final, one
 * row per name in order, one deployment per environment.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitlabStandIn, type GitlabStandIn } from '@sluice/gitlab-stand-in';
import type { KubeClient } from '@sluice/kube';
import { waitForLeaseHolder } from '@sluice/kube/testing';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminClient, createNamespace, deleteNamespace, installCrds, waitUntil } from './testing/cluster.testkit.js';
import { allPosted, expectEachStatusOnce, finalStatusInFlight, NAMES, threeLiveDeliveries } from './testing/process.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const TOKEN = 'glpat-ha-secret-token';
const PROJECT = { id: 4343, path: 'platform/ha' };
const LEASE_DURATION_MS = 4_000;

let kube: KubeClient;
let ns: string;
let gitlab: GitlabStandIn;
const replicas = new Map<string, ServiceProcess>();

beforeAll(async () => {
  kube = adminClient();
  await installCrds(kube);
  ns = await createNamespace(kube, 'notifier-ha');
  gitlab = await startGitlabStandIn({ token: TOKEN, projects: [PROJECT] });
});

afterAll(async () => {
  for (const p of replicas.values()) p.kill();
  await gitlab?.close();
  if (ns) await deleteNamespace(kube, ns);
});

/** The running replica named `pod`. */
function replica(pod: string): ServiceProcess {
  const found = replicas.get(pod);
  if (!found) throw new Error(`no replica ${pod}`);
  return found;
}

async function startReplica(pod: string, tokenFile: string): Promise<void> {
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
      POD_NAME: pod,
      SLUICE_LEADER_LEASE_DURATION: `${LEASE_DURATION_MS}ms`,
      SLUICE_LEADER_RENEW_DEADLINE: '3s',
      SLUICE_LEADER_RETRY_PERIOD: '1s',
      HOME: tmpdir(),
    },
  });
  replicas.set(pod, service);
}

describe('notifier, two replicas', () => {
  it('SIGKILL of the active replica mid-stream: the standby leads within lease duration + 2 s; no duplicates, nothing missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notifier-ha-'));
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    // Slow GitLab: every status POST waits 150 ms, so the kill lands while one is in flight.
    gitlab.inject({ delayMs: 150, method: 'POST', path: '/statuses/', times: 1000 });

    await Promise.all(['notifier-a', 'notifier-b'].map((pod) => startReplica(pod, join(dir, 'token'))));
    const { holder: active } = await waitForLeaseHolder(kube, { namespace: ns, service: 'notifier' }, () => true);
    const standby = active === 'notifier-a' ? 'notifier-b' : 'notifier-a';
    for (const pod of [active, standby]) await waitUntil(async () => (await replica(pod).get('/readyz')).status === 200, `${pod} ready`);
    // The standby sees the holder at its next try (a retry period at most).
    await waitUntil(async () => ((await (await replica(standby).get('/leaderz')).json()) as { holder?: string }).holder === active, `${standby} sees ${active} lead`);
    expect(await (await replica(standby).get('/leaderz')).json()).toMatchObject({ role: 'standby', holder: active });

    const shas = await threeLiveDeliveries(kube, ns, 'ha', PROJECT);

    await finalStatusInFlight(gitlab);
    const killedAt = Date.now();
    const killed = await replica(active).stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const { seenAtMs } = await waitForLeaseHolder(kube, { namespace: ns, service: 'notifier' }, (holder) => holder === standby, 20_000);
    console.info(`notifier: standby leads ${seenAtMs - killedAt} ms after the SIGKILL (bound: ${LEASE_DURATION_MS + 2_000} ms)`);
    expect(seenAtMs - killedAt).toBeLessThanOrEqual(LEASE_DURATION_MS + 2_000);

    await allPosted(kube, ns, 'ha', 'every Delivery fully posted after the takeover');
    expectEachStatusOnce(gitlab, shas);
    for (const sha of shas) {
      // In order per name: each status went pending/running before success, never back.
      for (const name of NAMES) {
        const states = gitlab
          .requests({ method: 'POST', path: '/statuses/' })
          .filter((r) => r.path.includes(sha) && (r.body as { name?: string }).name === name && r.status !== 0)
          .map((r) => (r.body as { state: string }).state);
        expect(states.at(-1)).toBe('success');
        expect(states.indexOf('success')).toBe(states.length - 1);
      }
    }
    const exit = await replica(standby).stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.stdout).not.toContain(TOKEN);
  }, 150_000);

  it('a replica whose Lease was taken stops and exits 1, to come back as a standby', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notifier-ha-'));
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    for (const p of replicas.values()) p.kill(); // whatever the first test left running
    await startReplica('notifier-c', join(dir, 'token'));
    await waitForLeaseHolder(kube, { namespace: ns, service: 'notifier' }, (holder) => holder === 'notifier-c');
    const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns, name: 'sluice-notifier-leader' };
    // Another holder, renewed just now (as after a partition the replica did not notice).
    await kube.mergePatch(ref, { spec: { holderIdentity: 'intruder', renewTime: new Date().toISOString().replace('Z', '000Z') } });
    const exit = await replica('notifier-c').stop('SIGCONT'); // no-op signal: just wait for the exit
    expect(exit.code).toBe(1);
    expect(replica('notifier-c').logs.map((line) => line['msg'])).toContain('lost leadership; stopped writing');
  }, 60_000);
});
