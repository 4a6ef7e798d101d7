/** Migration 4 (the connector cache) and its repository. */
import { ConnectorCache, cacheKeyOf } from '../../../../main/core/directory/connector-cache';
import { toRecord } from '../../../../main/core/directory/connectors/connector';
import { silentLogger } from '../../../../main/core/log/logger';
import { MIGRATIONS, userVersion } from '../../../../main/core/store/migrations';
import { openTempStore, type TempStore } from '../../store/temp-store';

describe('migration 4: connector cache', () => {
  let store: TempStore;
  let cache: ConnectorCache;
  beforeEach(async () => {
    store = await openTempStore();
    cache = new ConnectorCache(store.db, silentLogger);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('is version 4 and keys answers by caller and connector, read with one primary-key search', async () => {
    expect(MIGRATIONS[3]).toMatchObject({ version: 4, name: 'connector-cache' });
    expect(await userVersion(store.db)).toBeGreaterThanOrEqual(4);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('connector_cache')");
    expect(columns.map((column) => column.name)).toEqual(['lookup_key', 'connector', 'matched', 'record', 'fetched_at']);
    const plan = await store.db.all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT connector, record FROM connector_cache WHERE lookup_key = '+86'");
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/SEARCH connector_cache USING PRIMARY KEY/);
  });

  it('refuses a matched row without a record, a record that is not JSON, and a second row for the same pair', async () => {
    const insert = (values: unknown[]) =>
      store.db.run('INSERT INTO connector_cache (lookup_key, connector, matched, record, fetched_at) VALUES (?, ?, ?, ?, ?)', values as never);
    await expect(insert(['+86', 'crm', 1, null, 't'])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert(['+86', 'crm', 1, '{not json', 't'])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert(['+86', 'crm', 0, '{}', 't'])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await insert(['+86', 'crm', 0, null, 't']);
    await expect(insert(['+86', 'crm', 0, null, 't'])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });

  it('stores each connector’s answer (found or not) with its time, keeps the newest, and prunes by age', async () => {
    const wang = toRecord({ name: '王芳', tier: 'gold', openTickets: [{ id: 'T-1', title: '停电报修', status: 'open', createdAt: '2026-01-02T03:04:05Z' }] });
    await cache.put('+8613800138000', { connector: 'crm', record: wang, fetchedAt: '2026-03-01T08:00:00.000Z' });
    await cache.put('+8613800138000', { connector: 'corp-ldap', record: null, fetchedAt: '2026-03-01T08:00:00.000Z' });
    await cache.put('+8613900139000', { connector: 'crm', record: null, fetchedAt: '2026-01-01T08:00:00.000Z' });
    const answers = await cache.answers('+8613800138000');
    expect(Object.fromEntries(answers)).toEqual({
      crm: { connector: 'crm', record: wang, fetchedAt: '2026-03-01T08:00:00.000Z' },
      'corp-ldap': { connector: 'corp-ldap', record: null, fetchedAt: '2026-03-01T08:00:00.000Z' },
    });
    // A slow answer that arrives after a newer one does not overwrite it.
    await cache.put('+8613800138000', { connector: 'crm', record: null, fetchedAt: '2026-02-01T08:00:00.000Z' });
    expect((await cache.answers('+8613800138000')).get('crm')?.record).toEqual(wang);
    expect(await cache.prune('2026-02-01T00:00:00.000Z')).toBe(1);
    expect((await cache.answers('+8613900139000')).size).toBe(0);
  });

  it('skips a row whose record no longer reads as a record', async () => {
    await store.db.run("INSERT INTO connector_cache VALUES ('+86', 'crm', 1, '{\"name\": 42}', 't')");
    expect((await cache.answers('+86')).size).toBe(0);
  });

  it('keys a number by its E.164 form, an extension by what was signalled', () => {
    expect(cacheKeyOf('+8613800138000', '13800138000')).toBe('+8613800138000');
    expect(cacheKeyOf(null, '8002')).toBe('raw:8002');
    expect(cacheKeyOf(null, null)).toBeNull();
  });
});
