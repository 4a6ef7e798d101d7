/** Migration 7 (callbacks), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../../main/core/store/migrations';
import { callbacksSchema } from '../../../../main/core/store/migrations/007-callbacks';
import { openTempStore, type TempStore } from '../../store/temp-store';

describe('migration 7: callbacks', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    await migrate(store.db, silentLogger, MIGRATIONS.filter((migration) => migration.version <= callbacksSchema.version));
  });
  afterEach(async () => {
    await store.dispose();
  });

  const insert = (values: Record<string, unknown>) => {
    const row = {
      number: '+8613800138000',
      source: 'work_order',
      source_ref: 'WO-1',
      created_at: '2026-03-02T08:00:00.000Z',
      deadline_at: '2026-03-03T08:00:00.000Z',
      due_at: '2026-03-03T08:00:00.000Z',
      ...values,
    };
    const keys = Object.keys(row);
    return store.db.run(`INSERT INTO callbacks (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`, Object.values(row) as never);
  };
  const attempt = (values: Record<string, unknown>) => {
    const row = { callback_id: 1, started_at: '2026-03-02T09:00:00.000Z', ...values };
    const keys = Object.keys(row);
    return store.db.run(`INSERT INTO callback_attempts (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`, Object.values(row) as never);
  };

  it('is version 7 and creates both tables with the due-list index', async () => {
    expect(MIGRATIONS[6]).toBe(callbacksSchema);
    expect(await userVersion(store.db)).toBe(7);
    const plan = await store.db.all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT id FROM callbacks WHERE status = 'open' ORDER BY due_at");
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/INDEX callbacks_open_due/);
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
  });

  it('holds one callback per work order or wrap-up, any number of manual ones', async () => {
    await insert({});
    await expect(insert({})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await insert({ source: 'wrap_up' });
    await insert({ source: 'manual', source_ref: null });
    await insert({ source: 'manual', source_ref: null });
    await expect(insert({ source: 'work_order', source_ref: null })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });

  it('refuses a number not in E.164, an unknown status and a closed callback without its time', async () => {
    await expect(insert({ number: '13800138000' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ status: 'lost' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ status: 'done' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await insert({ status: 'done', resolved_at: '2026-03-02T10:00:00.000Z', resolution: 'reached_resolved' });
  });

  it('keeps an attempt’s call, SIP class and agent outcome consistent', async () => {
    await insert({});
    await attempt({ call_id: 'a@zuoxi' }); // in progress
    await expect(attempt({ call_id: 'a@zuoxi' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' }); // one attempt per call
    await expect(attempt({ call_id: 'b@zuoxi', ended_at: '2026-03-02T09:01:00.000Z' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await attempt({ call_id: 'b@zuoxi', ended_at: '2026-03-02T09:01:00.000Z', sip_outcome: 'busy', sip_detail: '486 Busy Here' });
    await expect(attempt({ call_id: 'c@zuoxi', ended_at: '2026-03-02T09:01:00.000Z', sip_outcome: 'engaged' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await attempt({ ended_at: '2026-03-02T09:05:00.000Z', agent_outcome: 'reached_resolved' }); // reached outside Zuoxi
    await expect(attempt({ ended_at: '2026-03-02T09:05:00.000Z', agent_outcome: 'happy' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await store.db.run('DELETE FROM callbacks WHERE id = 1');
    expect(await store.db.get('SELECT COUNT(*) AS n FROM callback_attempts')).toEqual({ n: 0 });
  });
});
