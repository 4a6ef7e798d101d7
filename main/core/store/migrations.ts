import { ZuoxiError } from '../../common/errors';
import type { Logger } from '../log/logger';
import { Database, type DatabaseOptions, type SqlExecutor } from './database';
import { directorySchema } from './migrations/001-directory';
import { callLogSchema } from './migrations/002-calls';
import { outboxSchema } from './migrations/003-outbox';
import { connectorCacheSchema } from './migrations/004-connector-cache';
import { scriptsSchema } from './migrations/005-scripts';
import { agentAttendanceSchema } from './migrations/006-agent-attendance';
import { callbacksSchema } from './migrations/007-callbacks';
import { wrapUpsSchema } from './migrations/008-wrap-ups';
import { kpiFactsSchema } from './migrations/009-kpi-facts';
import { contactRevisionsSchema } from './migrations/010-contact-revisions';

export interface Migration {
  /** 1, 2, 3, … in order; becomes `PRAGMA user_version` once applied. */
  readonly version: number;
  readonly name: string;
  up(tx: SqlExecutor): Promise<void>;
}

/** Every schema change, oldest first. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly Migration[] = [directorySchema, callLogSchema, outboxSchema, connectorCacheSchema, scriptsSchema, agentAttendanceSchema, callbacksSchema, wrapUpsSchema, kpiFactsSchema, contactRevisionsSchema];

export interface MigrationOutcome {
  from: number;
  to: number;
}

/**
 * Brings the schema up to the newest migration. Each migration runs in its own
 * transaction together with its `user_version` bump, so a failure leaves the database
 * exactly at the last version that succeeded. A database from a newer build is refused
 * rather than opened: this build cannot know what its schema means.
 */
export async function migrate(db: Database, log: Logger, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationOutcome> {
  assertWellFormed(migrations);
  const known = migrations.length;
  const from = await userVersion(db);
  if (from > known) {
    throw new ZuoxiError(
      'unavailable',
      `The database ${db.file} is at schema version ${from}, but this build of Zuoxi only knows up to version ${known}. ` +
        'It was written by a newer Zuoxi; refusing to open it so its data is not damaged. Please update Zuoxi.',
    );
  }
  for (const migration of migrations.slice(from)) {
    await db.transaction(async (tx) => {
      // Re-read inside the lock: another opener of the same file may have got here first.
      if ((await userVersion(tx)) >= migration.version) return;
      await migration.up(tx);
      await tx.exec(`PRAGMA user_version = ${migration.version}`);
    });
    log.info('store.migrated', { version: migration.version, migration: migration.name });
  }
  return { from, to: Math.max(from, known) };
}

/** Opens and migrates; closes again if migrating fails, so a refused file is not left open. */
export async function openStore(
  file: string,
  log: Logger,
  options: DatabaseOptions = {},
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<Database> {
  const db = await Database.open(file, log, options);
  try {
    await migrate(db, log, migrations);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

export async function userVersion(db: SqlExecutor): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration "${migration.name}" has version ${migration.version}; expected ${index + 1} (versions are 1, 2, 3, … in order)`);
    }
  });
}
