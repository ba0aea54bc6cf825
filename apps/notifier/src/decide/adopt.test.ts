import type { Deployment } from '@sluice/gitlab';
import { describe, expect, it } from 'vitest';
import { deploymentToAdopt } from './adopt.js';

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const OTHER = 'badc0de0badc0de0badc0de0badc0de0badc0de0';
const row = (id: number, createdAt: string, over: Partial<Deployment> = {}): Deployment => ({
  id,
  iid: id,
  ref: 'main',
  sha: SHA,
  status: 'running',
  environment: 'production',
  createdAt,
  ...over,
});
const owner = { sha: SHA, ref: 'main', since: '2026-12-07T10:00:00Z' };

describe('deploymentToAdopt', () => {
  it("adopts the deployment this Delivery made (same commit and ref, created since the Delivery), the newest if several", () => {
    const rows = [row(3, '2026-12-07T10:00:05Z'), row(9, '2026-12-07T10:00:07Z'), row(4, '2026-12-07T10:00:06Z')];
    expect(deploymentToAdopt(rows, owner)?.id).toBe(9);
  });

  it("leaves an earlier Delivery's deployment of the same commit alone (a rollback redeploy gets its own)", () => {
    expect(deploymentToAdopt([row(2, '2026-12-07T09:59:59Z', { status: 'success' })], owner)).toBeUndefined();
  });

  it('ignores other commits and refs', () => {
    const rows = [row(5, '2026-12-07T10:01:00Z', { sha: OTHER }), row(6, '2026-12-07T10:01:00Z', { ref: 'release' })];
    expect(deploymentToAdopt(rows, owner)).toBeUndefined();
  });

  it('adopts nothing without a Delivery creation time or a deployment creation time', () => {
    expect(deploymentToAdopt([row(7, '2026-12-07T10:01:00Z')], { sha: SHA, ref: 'main' })).toBeUndefined();
    expect(deploymentToAdopt([{ ...row(8, ''), createdAt: undefined } as unknown as Deployment], owner)).toBeUndefined();
  });
});
