import path from 'node:path';
import { silentLogger } from '../../../../main/core/log/logger';
import { Database } from '../../../../main/core/store/database';
import { MIGRATIONS, migrate } from '../../../../main/core/store/migrations';
import { outboxSchema } from '../../../../main/core/store/migrations/003-outbox';
import { makeTempDir } from '../../store/temp-store';

/**
 * The migrations up to and including the outbox: what the sync tests need, and nothing
 * that other features add later (their schema is tested with their own migrations).
 */
export const OUTBOX_MIGRATIONS = MIGRATIONS.filter((migration) => migration.version <= outboxSchema.version);

export interface OutboxStore {
  db: Database;
  dir: string;
  file: string;
  dispose(): Promise<void>;
}

export async function openOutboxStore(): Promise<OutboxStore> {
  const { dir, cleanup } = makeTempDir('zuoxi-sync-');
  const file = path.join(dir, 'zuoxi.db');
  const db = await Database.open(file, silentLogger);
  await migrate(db, silentLogger, OUTBOX_MIGRATIONS);
  return {
    db,
    dir,
    file,
    async dispose() {
      await db.close();
      cleanup();
    },
  };
}
