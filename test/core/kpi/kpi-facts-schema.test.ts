/** Migration 9 (imported KPI facts), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../main/core/store/migrations';
import { kpiFactsSchema } from '../../../main/core/store/migrations/009-kpi-facts';
import { openTempStore, type TempStore } from '../store/temp-store';

describe('migration 9: kpi facts', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    await migrate(store.db, silentLogger, MIGRATIONS.filter((migration) => migration.version <= kpiFactsSchema.version));
  });
  afterEach(async () => {
    await store.dispose();
  });

  const batch = () => store.db.run("INSERT INTO kpi_fact_imports (kind, origin, checksum, imported_at, fact_count) VALUES ('csv', 'survey.csv', 'x', 't', 1)");
  const fact = (importId: number, month: string, value: number, agent = '8001') =>
    store.db.run("INSERT INTO kpi_facts (import_id, agent, month, fact, value, ref) VALUES (?, ?, ?, 'evaluations', ?, 'row 1')", [importId, agent, month, value]);

  it('is version 9 and creates the import and fact tables', async () => {
    expect(MIGRATIONS[8]).toBe(kpiFactsSchema);
    expect(await userVersion(store.db)).toBe(9);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('kpi_facts')");
    expect(columns.map((c) => c.name)).toEqual(['id', 'import_id', 'agent', 'month', 'fact', 'value', 'ref']);
  });

  it('refuses a malformed month, a negative value and the same fact twice in one import', async () => {
    await batch();
    await fact(1, '2026-11', 3);
    await expect(fact(1, '2026-11', 4)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(fact(1, '2026/11', 4)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(fact(1, '2026-10', -1)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await batch();
    await fact(2, '2026-11', 5);
    expect(await store.db.all('SELECT import_id, value FROM kpi_facts ORDER BY id')).toEqual([
      { import_id: 1, value: 3 },
      { import_id: 2, value: 5 },
    ]);
  });

  it('reads one agent month through the index', async () => {
    const plan = await store.db.all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT * FROM kpi_facts WHERE agent = '8001' AND month = '2026-11' ORDER BY fact, import_id DESC");
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX kpi_facts_agent_month/);
  });
});
