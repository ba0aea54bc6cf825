import { describe, expect, it, vi } from 'vitest';
import { listAllPages } from './list.js';
import type { ListPage } from './list.js';

describe('listAllPages', () => {
  it('follows continue tokens and restores apiVersion/kind on every item', async () => {
    const pages: Record<string, ListPage> = {
      first: { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '7', continue: 'c1' }, items: [{ metadata: { name: 'a' } } as never] },
      c1: { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '7', continue: '' }, items: [{ metadata: { name: 'b' } } as never] },
    };
    const fetchPage = vi.fn(async (cont: string | undefined) => pages[cont ?? 'first'] as ListPage);
    const result = await listAllPages(fetchPage);
    expect(fetchPage.mock.calls.map((c) => c[0])).toEqual([undefined, 'c1']);
    expect(result).toEqual({
      resourceVersion: '7',
      items: [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'b' } },
      ],
    });
  });

  it('fails when the listing has no resourceVersion to watch from', async () => {
    await expect(listAllPages(async () => ({ items: [] }))).rejects.toMatchObject({ code: 'Unknown' });
  });
});
