import type { Condition } from '@sluice/delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationObject, createDelivery, openFixture, runCli, sha, type Fixture } from '../testing/cli.testkit.js';

let f: Fixture;

/** Writes the Ready condition as the deployer would, through the status subresource. */
async function setReady(name: string, ready: Pick<Condition, 'status' | 'reason' | 'message'>): Promise<void> {
  const condition = { type: 'Ready', ...ready, lastTransitionTime: '2030-01-01T10:00:00Z' };
  await f.client.mergePatch({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Application', namespace: f.namespace, name }, { status: { conditions: [condition] } }, { subresource: 'status' });
}

beforeAll(async () => {
  f = await openFixture('cli-apps');
  for (const name of ['shop', 'shop-copy', 'blog']) await f.client.create(applicationObject({ namespace: f.namespace, name, targetNamespace: 'shop' }));
  await setReady('shop', { status: 'True', reason: 'Accepted', message: 'pushes of project 7 (team/shop) are delivered by this Application' });
  await setReady('shop-copy', { status: 'False', reason: 'DuplicateProject', message: 'project 7 (team/shop) is also configured by Application shop, which receives its pushes' });
  await createDelivery(f.client, f.namespace, { name: 'copy-main', application: 'shop-copy', sha: sha('e5'), receivedAt: '2030-01-01T10:00:00.000Z' });
  await createDelivery(f.client, f.namespace, { name: 'shop-main', application: 'shop', sha: sha('f6'), receivedAt: '2030-01-01T10:00:00.000Z' });
});
afterAll(async () => {
  await f?.close();
});

describe('sluice applications', () => {
  it('lists every Application with its project and Ready condition, and says why one is not Ready', async () => {
    const r = await runCli(['applications', ...f.flags]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+PROJECT\s+READY\s+REASON\s+AGE\s+MESSAGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['blog', 'shop', 'shop-copy']);
    expect(lines.find((l) => l.startsWith('shop '))).toMatch(/^shop\s+team\/shop\s+True\s+Accepted\s+\S+$/);
    expect(lines.find((l) => l.startsWith('shop-copy'))).toMatch(/team\/shop\s+False\s+DuplicateProject\s+\S+\s+project 7 \(team\/shop\) is also configured by Application shop/);
    expect(lines.find((l) => l.startsWith('blog'))).toMatch(/team\/shop\s+Unknown\s+\S+\s+no Ready condition yet/);
  });

  it('prints the objects with -o json', async () => {
    const r = await runCli(['applications', ...f.flags, '-o', 'json']);
    expect(r.code).toBe(0);
    const apps = JSON.parse(r.out) as { metadata: { name: string; managedFields?: unknown }; status?: { conditions: Condition[] } }[];
    expect(apps.map((a) => a.metadata.name)).toEqual(['blog', 'shop', 'shop-copy']);
    expect(apps[2]?.status?.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'DuplicateProject' });
    expect(apps[0]?.metadata.managedFields).toBeUndefined();
  });
});

describe('sluice show', () => {
  it("says next to the app when the delivery's Application is not Ready, and why", async () => {
    const r = await runCli(['show', 'copy-main', ...f.flags]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^App\s+shop-copy \(Ready False, DuplicateProject: project 7 \(team\/shop\) is also configured by Application shop/m);
    expect((await runCli(['show', 'shop-main', ...f.flags])).out).toMatch(/^App\s+shop$/m);
  });
});
