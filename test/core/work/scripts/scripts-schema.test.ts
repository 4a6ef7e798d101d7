/** Migration 5 (the script library), in the style of test/core/store/migrations.test.ts. */
import { silentLogger } from '../../../../main/core/log/logger';
import { MIGRATIONS, migrate, userVersion } from '../../../../main/core/store/migrations';
import { scriptsSchema } from '../../../../main/core/store/migrations/005-scripts';
import { openTempStore, type TempStore } from '../../store/temp-store';

describe('migration 5: scripts', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore(false);
    await migrate(store.db, silentLogger, MIGRATIONS.filter((migration) => migration.version <= scriptsSchema.version));
  });
  afterEach(async () => {
    await store.dispose();
  });

  const insert = (values: Record<string, unknown>) => {
    const row = { id: 'repair-hotline', name: '报修热线', version: 1, definition: '{}', imported_at: 't', updated_at: 't', ...values };
    const keys = Object.keys(row);
    return store.db.run(`INSERT INTO scripts (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`, Object.values(row) as never);
  };

  it('is version 5 and creates the scripts table', async () => {
    expect(MIGRATIONS[4]).toBe(scriptsSchema);
    expect(scriptsSchema).toMatchObject({ version: 5, name: 'scripts' });
    expect(await userVersion(store.db)).toBe(5);
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('scripts')");
    expect(columns.map((c) => c.name)).toEqual(['id', 'name', 'version', 'definition', 'file_name', 'imported_at', 'updated_at']);
  });

  it('refuses a second script with one id, a definition that is not JSON, and version 0', async () => {
    await insert({});
    await expect(insert({})).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ id: 'b', definition: '{nope' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ id: 'c', version: 0 })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await expect(insert({ id: '' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
  });
});
