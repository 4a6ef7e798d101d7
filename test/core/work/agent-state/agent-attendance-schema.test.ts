/** Migration 6 (agent state log + shifts), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../../main/core/store/migrations';
import { agentAttendanceSchema } from '../../../../main/core/store/migrations/006-agent-attendance';
import { openTempStore, type TempStore } from '../../store/temp-store';

describe('migration 6: agent attendance', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    await migrate(store.db, silentLogger, MIGRATIONS.filter((migration) => migration.version <= agentAttendanceSchema.version));
  });
  afterEach(async () => {
    await store.dispose();
  });

  const log = (state: string, reason: string | null) =>
    store.db.run("INSERT INTO agent_state_log (agent, state, reason, at, at_ms) VALUES ('8001', ?, ?, 't', 0)", [state, reason]);
  const shift = (values: Record<string, string | number>) => {
    const row = { agent: '8001', date: '2026-03-02', start_local: '09:00', end_local: '18:00', start_ms: 1, end_ms: 2, import_id: 'i', imported_at: 't', ...values };
    const keys = Object.keys(row);
    return store.db.run(`INSERT INTO shifts (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`, Object.values(row));
  };

  it('is version 6 and creates the state log and the shifts with their indexes', async () => {
    expect(MIGRATIONS[5]).toBe(agentAttendanceSchema);
    expect(await userVersion(store.db)).toBe(6);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('agent_state_log')");
    expect(columns.map((c) => c.name)).toEqual(['id', 'agent', 'state', 'reason', 'call_id', 'at', 'at_ms']);
    const indexes = await store.db.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%'");
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['agent_state_log_agent_time', 'shifts_time']));
  });

  it('refuses an unknown state, not ready without a reason, and a reason on ready', async () => {
    await log('not_ready', 'break');
    await log('logged_out', 'app_closed');
    await log('ready', null);
    await expect(log('away', null)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(log('not_ready', null)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(log('ready', 'break')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });

  it('refuses a shift that ends before it starts and a second shift with the same agent, date and start', async () => {
    await shift({});
    await expect(shift({})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(shift({ start_local: '10:00', start_ms: 5, end_ms: 5 })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });
});
