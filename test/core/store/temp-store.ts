import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../main/core/log/logger';
import { Database } from '../../../main/core/store/database';
import { openStore } from '../../../main/core/store/migrations';

/** A directory under the OS temp dir, removed by `cleanup`. */
export function makeTempDir(prefix = 'zuoxi-store-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface TempStore {
  db: Database;
  dir: string;
  /** Closes the database and removes its directory. */
  dispose(): Promise<void>;
}

/** A fresh database in its own temp dir; migrated unless `migrated` is false. */
export async function openTempStore(migrated = true): Promise<TempStore> {
  const { dir, cleanup } = makeTempDir();
  const file = path.join(dir, 'nested', 'zuoxi.db');
  const db = migrated ? await openStore(file, silentLogger) : await Database.open(file, silentLogger);
  return {
    db,
    dir,
    async dispose() {
      await db.close();
      cleanup();
    },
  };
}
