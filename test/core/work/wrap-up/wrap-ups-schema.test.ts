/** Migration 8 (wrap-ups and work orders), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../../main/core/store/migrations';
import { wrapUpsSchema } from '../../../../main/core/store/migrations/008-wrap-ups';
import { openTempStore, type TempStore } from '../../store/temp-store';

describe('migration 8: wrap-ups', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    await migrate(store.db, silentLogger, MIGRATIONS.filter((migration) => migration.version <= wrapUpsSchema.version));
  });
  afterEach(async () => {
    await store.dispose();
  });

  const wrapUp = (callId: string, scriptPath: string | null = null) =>
    store.db.run("INSERT INTO wrap_ups (call_id, agent, disposition, script_path, created_at, updated_at) VALUES (?, '8001', 'repair', ?, 't', 't')", [callId, scriptPath]);
  const order = (wrapUpId: number, callId: string, e164 = '+8613800138000') =>
    store.db.run("INSERT INTO work_orders (wrap_up_id, call_id, fault_type, address, contact_phone, contact_e164, description, created_at, updated_at) VALUES (?, ?, 'outage', 'a', 'p', ?, 'd', 't', 't')", [wrapUpId, callId, e164]);

  it('is version 8 and creates wrap_ups and work_orders', async () => {
    expect(MIGRATIONS[7]).toBe(wrapUpsSchema);
    expect(await userVersion(store.db)).toBe(8);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('work_orders')");
    expect(columns.map((c) => c.name)).toEqual(['id', 'wrap_up_id', 'call_id', 'fault_type', 'address', 'contact_phone', 'contact_e164', 'description', 'created_at', 'updated_at']);
  });

  it('keeps one wrap-up and one work order per call, a script path that is JSON, and a phone in E.164', async () => {
    await wrapUp('c1', '{"steps":[]}');
    await expect(wrapUp('c1')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(wrapUp('c2', '{nope')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await order(1, 'c1');
    await expect(order(1, 'c1')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await wrapUp('c3');
    await expect(order(2, 'c3', '13800138000')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });
});
