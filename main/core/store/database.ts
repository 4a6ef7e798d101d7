import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import type { Logger } from '../log/logger';

export type SqlValue = string | number | bigint | Buffer | null;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  lastId: number;
  changes: number;
}

export interface PreparedStatement<Row> {
  get(params?: SqlParams): Promise<Row | undefined>;
  all(params?: SqlParams): Promise<Row[]>;
  run(params?: SqlParams): Promise<RunResult>;
}

/** What repositories talk to: the same calls work on the database and inside a transaction. */
export interface SqlExecutor {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined>;
  all<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
  exec(sql: string): Promise<void>;
  prepare<Row>(sql: string): Promise<PreparedStatement<Row>>;
}

/** A failed statement, carrying SQLite's code and the statement that failed (never its parameters). */
export class SqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly sql: string,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'SqlError';
  }
}

export interface DatabaseOptions {
  /** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * The store's one database, as two connections to one WAL file:
 *
 * - the **writer** runs every write and every transaction, one at a time. node-sqlite3
 *   gives a connection no notion of "whose" statement it is running, so two overlapping
 *   `transaction()` calls would otherwise interleave their statements inside one
 *   BEGIN…COMMIT (and a stray write would be swept into, and rolled back with, someone
 *   else's transaction). A write lock queues them instead.
 * - the **reader** (query_only) serves reads made outside a transaction. WAL gives it a
 *   snapshot of committed data, so a screen-pop lookup neither waits for a long import
 *   nor sees rows that import may still roll back.
 */
export class Database implements SqlExecutor {
  private readonly writeLock = new Mutex();
  private readonly activeTransaction = new AsyncLocalStorage<TransactionScope>();
  private readonly statements = new Set<sqlite3.Statement>();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly writer: sqlite3.Database,
    private readonly reader: sqlite3.Database,
    private readonly log: Logger,
  ) {}

  static async open(file: string, log: Logger, options: DatabaseOptions = {}): Promise<Database> {
    const busyTimeout = Math.max(0, Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let writer: sqlite3.Database | null = null;
    let reader: sqlite3.Database | null = null;
    try {
      writer = await connect(file);
      const mode = await rawGet<{ journal_mode: string }>(writer, 'PRAGMA journal_mode = WAL', []);
      if (mode?.journal_mode !== 'wal') {
        // Without WAL the reader would block on the writer; still usable, so say so and go on.
        log.warn('store.wal_unavailable', { file, journalMode: mode?.journal_mode });
      }
      await rawExec(writer, `PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ${busyTimeout};`);
      reader = await connect(file);
      await rawExec(reader, `PRAGMA query_only = ON; PRAGMA busy_timeout = ${busyTimeout};`);
    } catch (error) {
      await Promise.allSettled([writer, reader].map((connection) => (connection ? rawClose(connection) : undefined)));
      if (!(error instanceof SqlError)) throw error;
      throw new SqlError(error.code, `Cannot open the database ${file}: ${error.message}`, error.sql, { cause: error });
    }
    log.debug('store.opened', { file });
    return new Database(file, writer, reader, log);
  }

  /** A write outside any transaction: waits for the write lock so it cannot join someone else's. */
  async run(sql: string, params: SqlParams = []): Promise<RunResult> {
    this.assertUsable('run');
    return this.withWriteLock(() => rawRun(this.writer, sql, params));
  }

  async exec(sql: string): Promise<void> {
    this.assertUsable('exec');
    return this.withWriteLock(() => rawExec(this.writer, sql));
  }

  /** Reads committed data through the reader connection; use a transaction's handle to read its own writes. */
  async get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
    this.assertUsable('get');
    return rawGet<Row>(this.reader, sql, params);
  }

  async all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
    this.assertUsable('all');
    return rawAll<Row>(this.reader, sql, params);
  }

  /**
   * A read statement prepared once on the reader connection, for hot paths. It lives
   * until the database closes; prepare it once, not per call.
   */
  async prepare<Row>(sql: string): Promise<PreparedStatement<Row>> {
    this.assertUsable('prepare');
    const statement = await rawPrepare(this.reader, sql);
    this.statements.add(statement);
    return new Prepared<Row>(statement, sql, () => this.assertUsable('a prepared statement'));
  }

  /**
   * Runs `work` inside BEGIN IMMEDIATE … COMMIT on the writer, after every earlier
   * transaction has finished. Any rejection rolls back and is rethrown. `work` must use
   * the handle it is given: the database's own methods refuse to run inside it, because
   * they would either wait for the lock `work` holds or read around its uncommitted writes.
   */
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.assertUsable('transaction');
    const release = await this.writeLock.acquire();
    const scope = new TransactionScope(this.writer);
    try {
      if (this.closed) throw new Error('The database was closed while this transaction waited for its turn');
      await rawExec(this.writer, 'BEGIN IMMEDIATE');
      try {
        const result = await this.activeTransaction.run(scope, () => work(scope));
        await scope.finish();
        await rawExec(this.writer, 'COMMIT');
        return result;
      } catch (error) {
        await scope.finish();
        await this.rollback(error);
        throw error;
      }
    } finally {
      scope.finished = true;
      release();
    }
  }

  /** Waits for the running transaction, then finalises statements and closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    const release = await this.writeLock.acquire();
    try {
      if (this.closed) return;
      this.closed = true;
      await Promise.all([...this.statements].map((statement) => rawFinalize(statement)));
      this.statements.clear();
      await Promise.all([rawClose(this.reader), rawClose(this.writer)]);
      this.log.debug('store.closed', { file: this.file });
    } finally {
      release();
    }
  }

  private async withWriteLock<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.writeLock.acquire();
    try {
      if (this.closed) throw new Error('The database is closed');
      return await work();
    } finally {
      release();
    }
  }

  private async rollback(cause: unknown): Promise<void> {
    try {
      await rawExec(this.writer, 'ROLLBACK');
    } catch (rollbackError) {
      // SQLite rolls back on its own after some errors (e.g. SQLITE_FULL); then there
      // is nothing left to undo and this is not a second failure worth reporting.
      if (!/no transaction is active/i.test(String(rollbackError))) {
        this.log.error('store.rollback_failed', { error: rollbackError, cause: String(cause) });
      }
    }
  }

  private assertUsable(what: string): void {
    if (this.closed) throw new Error(`The database is closed (${what})`);
    const scope = this.activeTransaction.getStore();
    if (scope && !scope.finished) {
      throw new Error(`Database.${what} was called inside a transaction; use the transaction's handle instead`);
    }
  }
}

/** The handle a transaction's work receives; it stops working once the transaction ends. */
class TransactionScope implements SqlExecutor {
  finished = false;
  private readonly statements: sqlite3.Statement[] = [];

  constructor(private readonly connection: sqlite3.Database) {}

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    this.assertOpen();
    return rawRun(this.connection, sql, params);
  }
  get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
    this.assertOpen();
    return rawGet<Row>(this.connection, sql, params);
  }
  all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
    this.assertOpen();
    return rawAll<Row>(this.connection, sql, params);
  }
  exec(sql: string): Promise<void> {
    this.assertOpen();
    return rawExec(this.connection, sql);
  }
  /** Finalised when the transaction ends, so bulk writers need not clean up. */
  async prepare<Row>(sql: string): Promise<PreparedStatement<Row>> {
    this.assertOpen();
    const statement = await rawPrepare(this.connection, sql);
    this.statements.push(statement);
    return new Prepared<Row>(statement, sql, () => this.assertOpen());
  }

  async finish(): Promise<void> {
    const statements = this.statements.splice(0);
    await Promise.allSettled(statements.map((statement) => rawFinalize(statement)));
  }

  private assertOpen(): void {
    if (this.finished) throw new Error('This transaction has already ended; its handle cannot be used any more');
  }
}

class Prepared<Row> implements PreparedStatement<Row> {
  constructor(
    private readonly statement: sqlite3.Statement,
    private readonly sql: string,
    private readonly assertUsable: () => void,
  ) {}

  /**
   * The first row. Runs the statement to completion (`all`) on purpose: node-sqlite3's
   * Statement#get stops after one row and leaves the statement mid-step, which keeps
   * the reader's read transaction — and so its stale snapshot — open until the next call.
   */
  async get(params: SqlParams = []): Promise<Row | undefined> {
    return (await this.all(params))[0];
  }
  all(params: SqlParams = []): Promise<Row[]> {
    this.assertUsable();
    return new Promise((resolve, reject) => {
      this.statement.all<Row>(params, (error, rows) => (error ? reject(sqlError(error, this.sql)) : resolve(rows)));
    });
  }
  run(params: SqlParams = []): Promise<RunResult> {
    this.assertUsable();
    const sql = this.sql;
    return new Promise((resolve, reject) => {
      this.statement.run(params, function (error) {
        if (error) reject(sqlError(error, sql));
        else resolve({ lastId: this.lastID, changes: this.changes });
      });
    });
  }
}

/** A FIFO lock: each acquirer runs after every earlier one has released. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const turn = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    return turn;
  }
}

function connect(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const connection: sqlite3.Database = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (error) =>
      error ? reject(sqlError(error, `open ${file}`)) : resolve(connection),
    );
  });
}

function rawRun(connection: sqlite3.Database, sql: string, params: SqlParams): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    connection.run(sql, params, function (error) {
      if (error) reject(sqlError(error, sql));
      else resolve({ lastId: this.lastID, changes: this.changes });
    });
  });
}

function rawGet<Row>(connection: sqlite3.Database, sql: string, params: SqlParams): Promise<Row | undefined> {
  return new Promise((resolve, reject) => {
    connection.get<Row | undefined>(sql, params, (error, row) => (error ? reject(sqlError(error, sql)) : resolve(row)));
  });
}

function rawAll<Row>(connection: sqlite3.Database, sql: string, params: SqlParams): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    connection.all<Row>(sql, params, (error, rows) => (error ? reject(sqlError(error, sql)) : resolve(rows)));
  });
}

function rawExec(connection: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.exec(sql, (error) => (error ? reject(sqlError(error, sql)) : resolve()));
  });
}

function rawPrepare(connection: sqlite3.Database, sql: string): Promise<sqlite3.Statement> {
  return new Promise((resolve, reject) => {
    const statement: sqlite3.Statement = connection.prepare(sql, (error: Error | null) =>
      error ? reject(sqlError(error, sql)) : resolve(statement),
    );
  });
}

function rawFinalize(statement: sqlite3.Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

function rawClose(connection: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => connection.close((error) => (error ? reject(sqlError(error, 'close')) : resolve())));
}

function sqlError(error: Error, sql: string): SqlError {
  const code = (error as Error & { code?: unknown }).code;
  const statement = sql.replace(/\s+/g, ' ').trim();
  const shown = statement.length > 160 ? `${statement.slice(0, 157)}...` : statement;
  return new SqlError(typeof code === 'string' ? code : 'SQLITE_ERROR', `${error.message} (while running: ${shown})`, sql, {
    cause: error,
  });
}
