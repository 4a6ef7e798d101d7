import type { Migration } from '../migrations';

/**
 * The script library (main/core/work/scripts): one row per imported script (话术).
 * `definition` is the script as exported to JSON (script-import.ts `exportScript`), so
 * what is stored is what an export gives back, and a stored script is re-checked
 * against the schema when it is loaded. The dialled numbers and queues that choose a
 * script live inside the definition: a center has tens of scripts, not thousands, and
 * the library keeps them in memory.
 */
export const scriptsSchema: Migration = {
  version: 5,
  name: 'scripts',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE scripts (
        id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        name TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        definition TEXT NOT NULL CHECK (json_valid(definition)),
        -- The file it came from, for the library screen ("imported from 报修热线.yaml").
        file_name TEXT,
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
  },
};
