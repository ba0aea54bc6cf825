import { describe, expect, it } from 'vitest';
import { delivery } from './delivery.testkit.js';
import { listPageModel, PAGE_SIZE, parseListQuery } from './list-model.js';
import type { PageContext } from './model.js';

const CONTEXT: PageContext = { now: new Date('2026-04-02T12:00:00.000Z'), basePath: '' };
const LIVE = { phase: 'Live' as const, stages: [{ name: 'test' as const, state: 'succeeded' as const, finishedAt: '2026-04-02T09:00:00.000Z' }] };

function at(minute: number): string {
  return new Date(Date.parse('2026-04-02T08:00:00.000Z') + minute * 60_000).toISOString();
}

describe('list page model', () => {
  const deliveries = [
    delivery({ application: 'inventory', ref: 'trunk', receivedAt: at(1), status: LIVE }),
    delivery({ application: 'inventory', ref: 'feature/login', receivedAt: at(3), status: LIVE }),
    delivery({ application: 'billing', ref: 'trunk', receivedAt: at(2), status: LIVE }),
  ];

  it('lists every Delivery newest first, with the applications to filter by', () => {
    const model = listPageModel(deliveries, parseListQuery({}), CONTEXT);
    expect(model.rows.map((r) => [r.application, r.ref])).toEqual([
      ['inventory', 'feature/login'],
      ['billing', 'trunk'],
      ['inventory', 'trunk'],
    ]);
    expect(model.applications).toEqual(['billing', 'inventory']);
    expect(model.matching).toBe(3);
    expect(model.rows[0]).toMatchObject({ phase: 'Live', tone: 'success', href: expect.stringMatching(/^\/deliveries\/feature-login-/), stages: [{ label: 'test', state: 'succeeded', tone: 'success' }] });
  });

  it('filters by application and by branch', () => {
    expect(listPageModel(deliveries, parseListQuery({ application: 'inventory' }), CONTEXT).rows.map((r) => r.ref)).toEqual(['feature/login', 'trunk']);
    expect(listPageModel(deliveries, parseListQuery({ branch: 'trunk' }), CONTEXT).rows.map((r) => r.application)).toEqual(['billing', 'inventory']);
    const both = listPageModel(deliveries, parseListQuery({ application: 'billing', branch: 'trunk' }), CONTEXT);
    expect(both.rows).toHaveLength(1);
    expect(listPageModel(deliveries, parseListQuery({ application: 'nope' }), CONTEXT).matching).toBe(0);
  });

  it('reloads only while a listed Delivery is still moving', () => {
    expect(listPageModel(deliveries, parseListQuery({}), CONTEXT).refreshSeconds).toBeUndefined();
    const running = [...deliveries, delivery({ ref: 'release/1', receivedAt: at(4), status: { phase: 'Testing', stages: [] } })];
    expect(listPageModel(running, parseListQuery({}), CONTEXT).refreshSeconds).toBe(2);
  });

  it(`shows ${PAGE_SIZE} a page, with links to older and newer pages that keep the filters`, () => {
    const many = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => delivery({ ref: 'trunk', title: `change ${i}`, receivedAt: at(i), status: LIVE }));
    const first = listPageModel(many, parseListQuery({ branch: 'trunk' }), CONTEXT);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first.rows[0]?.title).toBe(`change ${PAGE_SIZE + 4}`);
    expect(first.olderHref).toBe('/deliveries?branch=trunk&page=2');
    expect(first.newerHref).toBeUndefined();
    const second = listPageModel(many, parseListQuery({ branch: 'trunk', page: '2' }), CONTEXT);
    expect(second.rows.map((r) => r.title)).toEqual(['change 4', 'change 3', 'change 2', 'change 1', 'change 0']);
    expect(second.newerHref).toBe('/deliveries?branch=trunk');
    expect(second.olderHref).toBeUndefined();
  });

  it('reads the query leniently: blank filters are none, a bad page is the first', () => {
    expect(parseListQuery({ application: ' ', branch: '', page: 'x' })).toEqual({ page: 1 });
    expect(parseListQuery({ page: '-3' })).toEqual({ page: 1 });
    expect(parseListQuery({ page: '99999999' }).page).toBe(1000);
    expect(parseListQuery({ branch: 'b'.repeat(5000) }).branch).toHaveLength(256);
  });
});
