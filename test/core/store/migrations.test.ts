import path from 'node:path';
import { ZuoxiError } from '../../../main/common/errors';
import { silentLogger } from '../../../main/core/log/logger';
import type { SqlExecutor } from '../../../main/core/store/database';
import { MIGRATIONS, migrate, openStore, userVersion, type Migration } from '../../../main/core/store/migrations';
import { openTempStore, type TempStore } from './temp-store';

const schemaOf = (db: SqlExecutor) =>
  db.all<{ type: string; name: string; sql: string | null }>("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name");

const namesOf = async (db: SqlExecutor, type: string) => (await schemaOf(db)).filter((entry) => entry.type === type).map((entry) => entry.name);

describe('migrations', () => {
  let store: TempStore;

  beforeEach(async () => {
    store = await openTempStore(false);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('are numbered 1, 2, 3, … in order', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  describe('1: directory', () => {
    beforeEach(async () => {
      expect(await migrate(store.db, silentLogger)).toEqual({ from: 0, to: MIGRATIONS.length });
    });

    it('creates the contact, number and interaction tables, their indexes and the search indexes', async () => {
      expect(await userVersion(store.db)).toBeGreaterThanOrEqual(1);
      const tables = await namesOf(store.db, 'table');
      expect(tables).toEqual(expect.arrayContaining(['contacts', 'contact_numbers', 'interactions', 'contact_text', 'number_text']));
      const indexes = await namesOf(store.db, 'index');
      expect(indexes).toEqual(
        expect.arrayContaining(['contacts_name', 'contacts_company', 'contact_numbers_contact', 'interactions_contact_time']),
      );
      const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('contacts')");
      // revision: migration 10 (contact-revisions-schema.test.ts).
      expect(columns.map((column) => column.name)).toEqual(['id', 'name', 'company', 'tier', 'tags', 'notes', 'created_at', 'updated_at', 'revision']);
    });

    it('lets a number belong to one contact only, and drops a contact’s numbers with it', async () => {
      await store.db.transaction(async (tx) => {
        await tx.run("INSERT INTO contacts (id, name, created_at, updated_at) VALUES (1, 'a', 't', 't'), (2, 'b', 't', 't')");
        await tx.run("INSERT INTO contact_numbers (contact_id, label, raw, e164, national_number) VALUES (1, 'm', 'r', '+8613800138000', '13800138000')");
      });
      await expect(
        store.db.run("INSERT INTO contact_numbers (contact_id, label, raw, e164, national_number) VALUES (2, 'm', 'r', '+8613800138000', '13800138000')"),
      ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
      await store.db.run('DELETE FROM contacts WHERE id = 1');
      expect(await store.db.all('SELECT * FROM contact_numbers')).toEqual([]);
    });

    it('finds contacts by the number in e164 through an index, not a scan', async () => {
      const plan = await store.db.all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT contact_id FROM contact_numbers WHERE e164 = '+86'");
      expect(plan.map((step) => step.detail).join(' ')).toMatch(/SEARCH contact_numbers USING (COVERING )?INDEX/);
      const history = await store.db.all<{ detail: string }>(
        'EXPLAIN QUERY PLAN SELECT id FROM interactions WHERE contact_id = 1 AND (occurred_at, id) < (?, ?) ORDER BY occurred_at DESC, id DESC LIMIT 5',
        ['x', 1],
      );
      expect(history.map((step) => step.detail).join(' ')).toMatch(/SEARCH interactions USING (COVERING )?INDEX interactions_contact_time/);
      expect(history.map((step) => step.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
    });

    it('keeps both search indexes in step with inserts, renames, number changes and deletes', async () => {
      const textHits = (phrase: string) => store.db.all<{ rowid: number }>('SELECT rowid FROM contact_text WHERE contact_text MATCH ?', [`"${phrase}"`]);
      const numberHits = (digits: string) => store.db.all<{ rowid: number }>('SELECT rowid FROM number_text WHERE number_text MATCH ?', [`"${digits}"`]);
      await store.db.transaction(async (tx) => {
        await tx.run("INSERT INTO contacts (id, name, company, created_at, updated_at) VALUES (7, '欧阳娜娜', '北京科技', 't', 't')");
        await tx.run("INSERT INTO contact_numbers (id, contact_id, label, raw, e164, national_number) VALUES (3, 7, 'w', 'r', '+861065529988', '1065529988')");
      });
      expect(await textHits('阳娜娜')).toEqual([{ rowid: 7 }]);
      expect(await numberHits('01065529')).toEqual([{ rowid: 3 }]);
      expect(await numberHits('861065')).toEqual([{ rowid: 3 }]);
      await store.db.run("UPDATE contacts SET name = '李雷雷' WHERE id = 7");
      expect(await textHits('阳娜娜')).toEqual([]);
      expect(await textHits('李雷雷')).toEqual([{ rowid: 7 }]);
      await store.db.run("UPDATE contact_numbers SET e164 = '+862112345678', national_number = '2112345678' WHERE id = 3");
      expect(await numberHits('01065529')).toEqual([]);
      expect(await numberHits('02112345')).toEqual([{ rowid: 3 }]);
      await store.db.run('DELETE FROM contacts WHERE id = 7');
      expect(await textHits('李雷雷')).toEqual([]);
      expect(await numberHits('02112345')).toEqual([]);
    });

    it('is a no-op when run again', async () => {
      const before = await schemaOf(store.db);
      expect(await migrate(store.db, silentLogger)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length });
      expect(await schemaOf(store.db)).toEqual(before);
      expect(await userVersion(store.db)).toBe(MIGRATIONS.length);
    });
  });

  it('rolls back a failing migration completely and leaves user_version at the last good one', async () => {
    const failing: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'half-done',
      async up(tx) {
        await tx.exec('CREATE TABLE half_done (id INTEGER PRIMARY KEY)');
        await tx.exec("INSERT INTO contacts (name, created_at, updated_at) VALUES ('written by a failing migration', 't', 't')");
        await tx.exec('CREATE TABLE broken (');
      },
    };
    await expect(migrate(store.db, silentLogger, [...MIGRATIONS, failing])).rejects.toThrow(/syntax error|incomplete input/);
    expect(await userVersion(store.db)).toBe(MIGRATIONS.length);
    expect(await namesOf(store.db, 'table')).not.toContain('half_done');
    expect(await store.db.all('SELECT * FROM contacts')).toEqual([]);
  });

  it('refuses a database written by a newer build, and openStore closes it again', async () => {
    await migrate(store.db, silentLogger);
    await store.db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 3}`);
    const refusal = migrate(store.db, silentLogger);
    await expect(refusal).rejects.toBeInstanceOf(ZuoxiError);
    await expect(refusal).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(new RegExp(`schema version ${MIGRATIONS.length + 3}.*only knows up to version ${MIGRATIONS.length}`)),
    });
    const file = path.join(store.dir, 'nested', 'zuoxi.db');
    await expect(openStore(file, silentLogger)).rejects.toMatchObject({ code: 'unavailable' });
    // The refused file is untouched.
    expect(await userVersion(store.db)).toBe(MIGRATIONS.length + 3);
  });

  it('rejects a migration list with a gap, before touching the database', async () => {
    const skipping: Migration = { version: MIGRATIONS.length + 2, name: 'skips-one', up: async () => undefined };
    await expect(migrate(store.db, silentLogger, [...MIGRATIONS, skipping])).rejects.toThrow(/has version .*; expected/);
    expect(await userVersion(store.db)).toBe(0);
  });

  it('applies only the migrations a database does not have yet', async () => {
    const applied: number[] = [];
    const tracked = (version: number): Migration => ({
      version,
      name: `m${version}`,
      async up(tx) {
        applied.push(version);
        await tx.exec(`CREATE TABLE t${version} (id INTEGER)`);
      },
    });
    await migrate(store.db, silentLogger, [tracked(1)]);
    await migrate(store.db, silentLogger, [tracked(1), tracked(2), tracked(3)]);
    expect(applied).toEqual([1, 2, 3]);
    expect(await userVersion(store.db)).toBe(3);
  });
});
