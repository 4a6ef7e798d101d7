/** Migration 10 (a revision counter on contacts), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../main/core/store/migrations';
import { kpiFactsSchema } from '../../../main/core/store/migrations/009-kpi-facts';
import { contactRevisionsSchema } from '../../../main/core/store/migrations/010-contact-revisions';
import { openTempStore, type TempStore } from '../store/temp-store';

describe('migration 10: contact revisions', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    // A directory written before the migration: its contacts must come through it.
    await migrate(store.db, silentLogger, MIGRATIONS.filter((migration) => migration.version <= kpiFactsSchema.version));
    await store.db.run("INSERT INTO contacts (id, name, created_at, updated_at) VALUES (7, '张三', 't', 't')");
    await migrate(store.db, silentLogger, MIGRATIONS.filter((migration) => migration.version <= contactRevisionsSchema.version));
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('is version 10 and adds the revision column to contacts, after the others', async () => {
    expect(MIGRATIONS[9]).toBe(contactRevisionsSchema);
    expect(await userVersion(store.db)).toBe(10);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('contacts')");
    expect(columns.map((c) => c.name)).toEqual(['id', 'name', 'company', 'tier', 'tags', 'notes', 'created_at', 'updated_at', 'revision']);
  });

  it('starts the contacts already stored and new ones at 1, and refuses a revision below 1', async () => {
    await store.db.run("INSERT INTO contacts (id, name, created_at, updated_at) VALUES (8, '李四', 't', 't')");
    expect(await store.db.all('SELECT id, revision FROM contacts ORDER BY id')).toEqual([
      { id: 7, revision: 1 },
      { id: 8, revision: 1 },
    ]);
    await expect(store.db.run('UPDATE contacts SET revision = 0 WHERE id = 7')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(store.db.run('UPDATE contacts SET revision = NULL WHERE id = 7')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });
});
