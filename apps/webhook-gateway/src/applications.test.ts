import { describe, expect, it } from 'vitest';
import { ApplicationStore } from './applications.js';
import { application, FIXTURE_PROJECT } from './fixtures/index.js';

describe('ApplicationStore: routing by project id only', () => {
  it("finds a project's Application by its id, whatever path the webhook shows (a rename keeps the id)", () => {
    const store = new ApplicationStore();
    store.upsert(application('inventory'));
    expect(store.find({ id: FIXTURE_PROJECT.id, path: 'platform/renamed-inventory' })).toMatchObject({ kind: 'one', application: { metadata: { name: 'inventory' } } });
  });

  it("never routes a new project that took a renamed project's old path to that project's Application", () => {
    const store = new ApplicationStore();
    store.upsert(application('inventory'));
    expect(store.find({ id: 9999, path: FIXTURE_PROJECT.path })).toEqual({ kind: 'none' });
  });

  it('trusts neither of two Applications claiming one project id, and names both', () => {
    const store = new ApplicationStore();
    store.upsert(application('inventory'));
    store.upsert(application('inventory-copy'));
    expect(store.find(FIXTURE_PROJECT)).toEqual({ kind: 'ambiguous', names: ['inventory', 'inventory-copy'] });
    store.remove('inventory-copy');
    expect(store.find(FIXTURE_PROJECT)).toMatchObject({ kind: 'one', application: { metadata: { name: 'inventory' } } });
  });
});
