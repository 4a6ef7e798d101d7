import fs from 'node:fs';
import path from 'node:path';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';
import { Database, SqlError } from '../../../main/core/store/database';
import { makeTempDir, openTempStore, type TempStore } from './temp-store';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Database', () => {
  let store: TempStore;
  let db: Database;

  beforeEach(async () => {
    store = await openTempStore(false);
    db = store.db;
    await db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE)');
  });
  afterEach(async () => {
    await store.dispose();
  });

  const labels = async () => (await db.all<{ label: string }>('SELECT label FROM events ORDER BY id')).map((row) => row.label);

  it('creates the parent directory and sets WAL, NORMAL sync, foreign keys and a busy timeout', async () => {
    expect(fs.existsSync(path.join(store.dir, 'nested', 'zuoxi.db'))).toBe(true);
    await db.transaction(async (tx) => {
      expect(await tx.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await tx.get('PRAGMA synchronous')).toEqual({ synchronous: 1 });
      expect(await tx.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
      expect(await tx.get('PRAGMA busy_timeout')).toEqual({ timeout: 5000 });
    });
  });

  it('runs, gets and lists rows with bound parameters', async () => {
    const first = await db.run('INSERT INTO events (label) VALUES (?)', ['a']);
    await db.run('INSERT INTO events (label) VALUES (?)', ['b']);
    expect(first).toEqual({ lastId: 1, changes: 1 });
    expect(await db.get('SELECT label FROM events WHERE id = ?', [2])).toEqual({ label: 'b' });
    expect(await db.get('SELECT label FROM events WHERE id = ?', [99])).toBeUndefined();
    expect(await labels()).toEqual(['a', 'b']);
  });

  it('reports a failed statement with its SQLite code and the statement, not just "SQLITE_ERROR"', async () => {
    await db.run('INSERT INTO events (label) VALUES (?)', ['a']);
    const failure = db.run('INSERT INTO events (label) VALUES (?)', ['a']);
    await expect(failure).rejects.toBeInstanceOf(SqlError);
    await expect(failure).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT', message: expect.stringContaining('while running: INSERT INTO events') });
    await expect(db.all('SELECT * FROM missing_table')).rejects.toThrow(/no such table: missing_table.*SELECT \* FROM missing_table/);
  });

  it('commits a transaction and returns what its work returned', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.run('INSERT INTO events (label) VALUES (?)', ['in-tx']);
      return (await tx.get<{ n: number }>('SELECT count(*) AS n FROM events'))?.n;
    });
    expect(result).toBe(1);
    expect(await labels()).toEqual(['in-tx']);
  });

  it('rolls back every write of a transaction whose work fails, and rethrows the failure', async () => {
    const failing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO events (label) VALUES (?)', ['first']);
      await tx.run('INSERT INTO events (label) VALUES (?)', ['second']);
      throw new Error('work failed');
    });
    await expect(failing).rejects.toThrow('work failed');
    expect(await labels()).toEqual([]);
    // The connection is usable afterwards: no transaction was left open.
    await db.transaction((tx) => tx.run('INSERT INTO events (label) VALUES (?)', ['after']));
    expect(await labels()).toEqual(['after']);
  });

  it('rolls back when a statement inside the transaction fails', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO events (label) VALUES (?)', ['dup']);
        await tx.run('INSERT INTO events (label) VALUES (?)', ['dup']);
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    expect(await labels()).toEqual([]);
  });

  it('runs concurrent transactions one after the other, so one rolling back does not take the other with it', async () => {
    const order: string[] = [];
    const a = db.transaction(async (tx) => {
      order.push('a:begin');
      await tx.run('INSERT INTO events (label) VALUES (?)', ['a1']);
      await delay(30);
      await tx.run('INSERT INTO events (label) VALUES (?)', ['a2']);
      order.push('a:fail');
      throw new Error('a failed');
    });
    const b = db.transaction(async (tx) => {
      order.push('b:begin');
      await tx.run('INSERT INTO events (label) VALUES (?)', ['b1']);
      order.push('b:end');
    });
    const c = db.transaction(async (tx) => {
      order.push('c:begin');
      await tx.run('INSERT INTO events (label) VALUES (?)', ['c1']);
      order.push('c:end');
    });
    const outcomes = await Promise.allSettled([a, b, c]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(order).toEqual(['a:begin', 'a:fail', 'b:begin', 'b:end', 'c:begin', 'c:end']);
    expect(await labels()).toEqual(['b1', 'c1']);
  });

  it('makes a plain write wait for a running transaction instead of joining (and dying with) it', async () => {
    const failing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO events (label) VALUES (?)', ['tx']);
      await delay(30);
      throw new Error('rolled back');
    });
    const plain = db.run('INSERT INTO events (label) VALUES (?)', ['plain']);
    await expect(failing).rejects.toThrow('rolled back');
    await plain;
    expect(await labels()).toEqual(['plain']);
  });

  it('serves reads from committed data while a transaction is still open', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const wrote = new Promise<void>((resolve) => (inserted = resolve));
    const running = db.transaction(async (tx) => {
      await tx.run('INSERT INTO events (label) VALUES (?)', ['pending']);
      inserted();
      await gate;
    });
    await wrote;
    expect(await labels()).toEqual([]);
    release();
    await running;
    expect(await labels()).toEqual(['pending']);
  });

  it('refuses to use the database itself inside a transaction, which would deadlock or read around it', async () => {
    await expect(
      db.transaction(async () => {
        await db.run('INSERT INTO events (label) VALUES (?)', ['x']);
      }),
    ).rejects.toThrow(/inside a transaction; use the transaction's handle/);
    await expect(db.transaction(() => db.transaction(async () => 1))).rejects.toThrow(/inside a transaction/);
    expect(await labels()).toEqual([]);
  });

  it('refuses a transaction handle used after its transaction ended', async () => {
    let leaked: { run: (sql: string) => Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    expect(() => leaked?.run('DELETE FROM events')).toThrow(/already ended/);
  });

  it('finalises statements a transaction prepared, and keeps database-prepared reads until close', async () => {
    await db.transaction(async (tx) => {
      const insert = await tx.prepare('INSERT INTO events (label) VALUES (?)');
      for (const label of ['p1', 'p2', 'p3']) await insert.run([label]);
    });
    const byLabel = await db.prepare<{ id: number }>('SELECT id FROM events WHERE label = ?');
    expect(await byLabel.get(['p2'])).toEqual({ id: 2 });
    expect(await byLabel.get(['p3'])).toEqual({ id: 3 });
    expect(await byLabel.all(['p1'])).toEqual([{ id: 1 }]);
    // A prepared read must not pin the reader to the snapshot it saw: later reads see later commits.
    expect(await byLabel.get(['p1'])).toEqual({ id: 1 });
    await db.run('INSERT INTO events (label) VALUES (?)', ['p4']);
    expect(await db.get('SELECT count(*) AS n FROM events')).toEqual({ n: 4 });
    // The reader connection is query-only: a prepared write fails loudly instead of bypassing the lock.
    const write = await db.prepare('DELETE FROM events');
    await expect(write.run()).rejects.toThrow(/readonly|query_only|attempt to write/i);
  });

  it('lets close wait for the running transaction, then refuses further use', async () => {
    const running = db.transaction(async (tx) => {
      await delay(20);
      await tx.run('INSERT INTO events (label) VALUES (?)', ['last']);
    });
    const closing = db.close();
    await running;
    await closing;
    await expect(db.get('SELECT 1')).rejects.toThrow(/closed/);
    const reopened = await Database.open(path.join(store.dir, 'nested', 'zuoxi.db'), new StructuredLogger(new MemorySink()));
    try {
      expect(await reopened.all('SELECT label FROM events')).toEqual([{ label: 'last' }]);
    } finally {
      await reopened.close();
    }
  });
});

describe('Database.open', () => {
  it('fails with the path when the file cannot be opened', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const notADatabase = path.join(dir, 'junk.db');
      fs.writeFileSync(notADatabase, 'this is not a database file, just text long enough to have a header'.repeat(20));
      await expect(Database.open(notADatabase, new StructuredLogger(new MemorySink()))).rejects.toMatchObject({
        code: 'SQLITE_NOTADB',
        message: expect.stringContaining(`Cannot open the database ${notADatabase}`),
      });
    } finally {
      cleanup();
    }
  });
});
