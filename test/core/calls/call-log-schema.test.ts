/** Migration 2 (the call log), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../main/core/store/migrations';
import { openTempStore, type TempStore } from '../store/temp-store';

describe('migration 2: calls', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    await migrate(store.db, silentLogger);
  });
  afterEach(async () => {
    await store.dispose();
  });

  const insert = (values: Record<string, unknown>) => {
    const row = {
      call_id: 'c1@x',
      direction: 'inbound',
      ring_at: '2026-01-01T08:00:00.000Z',
      answer_at: null,
      end_at: '2026-01-01T08:00:30.000Z',
      outcome: 'missed',
      cause: 'caller_cancelled',
      ...values,
    };
    const keys = Object.keys(row);
    return store.db.run(`INSERT INTO calls (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`, Object.values(row) as never);
  };

  it('is version 2 and creates the calls table with its indexes', async () => {
    expect(MIGRATIONS[1]).toMatchObject({ version: 2, name: 'calls' });
    expect(await userVersion(store.db)).toBeGreaterThanOrEqual(2);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('calls')");
    expect(columns.map((c) => c.name)).toEqual([
      'id', 'call_id', 'direction', 'remote_number', 'remote_e164', 'remote_name', 'dialled', 'contact_id',
      'ring_at', 'answer_at', 'end_at', 'outcome', 'cause', 'cause_detail',
    ]);
    const plan = await store.db.all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT count(*) FROM calls WHERE ring_at >= '2026-01' AND ring_at < '2026-02'");
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX calls_ring_at/);
  });

  it('refuses unknown outcomes and directions, answers before the ring, and a second row for one Call-ID', async () => {
    await insert({});
    await expect(insert({ call_id: 'c2', outcome: 'lost' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ call_id: 'c3', direction: 'sideways' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ call_id: 'c4', answer_at: '2026-01-01T07:59:59.999Z', outcome: 'answered' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });

  it('keeps a call’s row when its contact is deleted', async () => {
    await store.db.run("INSERT INTO contacts (id, name, created_at, updated_at) VALUES (5, 'x', 't', 't')");
    await insert({ contact_id: 5 });
    await store.db.run('DELETE FROM contacts WHERE id = 5');
    expect(await store.db.all('SELECT call_id, contact_id FROM calls')).toEqual([{ call_id: 'c1@x', contact_id: null }]);
  });
});
