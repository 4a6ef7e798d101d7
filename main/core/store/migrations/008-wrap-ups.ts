import type { Migration } from '../migrations';

/**
 * After-call work (main/core/work/wrap-up):
 *
 * - `wrap_ups`: one per call (the customer leg's Call-ID): the disposition code, the
 *   agent's notes, and the script path the agent took (ScriptRun.path(), JSON) so the
 *   call's record shows what was said. Saving again is a correction: the row is updated
 *   and `revision` counts up, and the back office hears of every revision in order.
 * - `work_orders`: the fault report a call produced (at most one per call), checked
 *   field by field before it is written: a wrong work order is a demerit in the seed.
 *   The contact phone is kept as typed and in E.164 (what a callback dials).
 *
 * Both are written in one transaction with their outbox rows.
 */
export const wrapUpsSchema: Migration = {
  version: 8,
  name: 'wrap-ups',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE wrap_ups (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL UNIQUE CHECK (length(call_id) BETWEEN 1 AND 256),
        agent TEXT NOT NULL,
        disposition TEXT NOT NULL CHECK (length(disposition) BETWEEN 1 AND 32),
        notes TEXT NOT NULL DEFAULT '',
        script_path TEXT CHECK (script_path IS NULL OR json_valid(script_path)),
        revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE work_orders (
        id INTEGER PRIMARY KEY,
        wrap_up_id INTEGER NOT NULL UNIQUE REFERENCES wrap_ups (id) ON DELETE CASCADE,
        call_id TEXT NOT NULL UNIQUE,
        fault_type TEXT NOT NULL,
        address TEXT NOT NULL CHECK (length(address) >= 1),
        contact_phone TEXT NOT NULL,
        contact_e164 TEXT NOT NULL CHECK (contact_e164 LIKE '+%'),
        description TEXT NOT NULL CHECK (length(description) >= 1),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX work_orders_created ON work_orders (created_at);
    `);
  },
};
