/** Migration 3 (the outbox), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../main/core/store/migrations';
import { openTempStore, type TempStore } from '../store/temp-store';
import { OUTBOX_MIGRATIONS } from './helpers/outbox-store';

describe('migration 3: outbox', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    // Up to this migration only: later ones are other features' and are tested with them.
    await migrate(store.db, silentLogger, OUTBOX_MIGRATIONS);
  });
  afterEach(async () => {
    await store.dispose();
  });

  const insert = (values: Record<string, unknown>) => {
    const row = { kind: 'wrapup', payload: '{"a":1}', idempotency_key: 'k1', created_at: '2026-01-01T08:00:00.000Z', ...values };
    const keys = Object.keys(row);
    return store.db.run(`INSERT INTO outbox (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`, Object.values(row) as never);
  };

  it('is version 3 and creates the outbox with its partial indexes', async () => {
    expect(MIGRATIONS[2]).toMatchObject({ version: 3, name: 'outbox' });
    expect(await userVersion(store.db)).toBeGreaterThanOrEqual(3);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('outbox')");
    expect(columns.map((c) => c.name)).toEqual([
      'id', 'kind', 'payload', 'idempotency_key', 'created_at', 'state', 'attempts', 'next_attempt_at',
      'last_attempt_at', 'last_error', 'sent_at', 'failed_at',
    ]);
    const next = await store.db.all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE state = 'pending' ORDER BY id LIMIT 1");
    expect(next.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX outbox_pending/);
    expect(next.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
  });

  it('refuses a second row with one key, bad JSON, an unknown state and a sent row without its time', async () => {
    await insert({});
    await expect(insert({})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ idempotency_key: 'k2', payload: '{not json' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ idempotency_key: 'k3', state: 'lost' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ idempotency_key: 'k4', state: 'sent' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ idempotency_key: 'k5', kind: '' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await insert({ idempotency_key: 'k6', state: 'sent', sent_at: '2026-01-01T08:00:01.000Z' });
  });

  it('never reuses an id, so id order stays enqueue order after old rows are pruned', async () => {
    await insert({ idempotency_key: 'a' });
    await insert({ idempotency_key: 'b' });
    await store.db.run("DELETE FROM outbox WHERE idempotency_key = 'b'");
    await insert({ idempotency_key: 'c' });
    expect(await store.db.all('SELECT id, idempotency_key FROM outbox ORDER BY id')).toEqual([
      { id: 1, idempotency_key: 'a' },
      { id: 3, idempotency_key: 'c' },
    ]);
  });
});
