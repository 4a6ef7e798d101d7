import type { Migration } from '../migrations';

/**
 * The transactional outbox (main/core/sync): one row per record that must reach the
 * back office, written in the same transaction as the record itself, so either both
 * exist or neither does. The sync worker sends pending rows in id order and marks
 * them sent only after a 2xx.
 *
 * - `id` is AUTOINCREMENT so an id is never reused after old sent rows are pruned:
 *   id order stays enqueue order, which is the order the back office sees.
 * - `idempotency_key` is fixed at enqueue and never changes, so every retry of a row —
 *   also after a crash between "server answered" and "row marked" — carries the same
 *   key and a server that honours it applies the row once.
 * - `next_attempt_at` is epoch milliseconds (not text) because the worker compares it
 *   with its injectable clock; persisting it lets backoff survive a restart.
 */
export const outboxSchema: Migration = {
  version: 3,
  name: 'outbox',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        last_error TEXT,
        sent_at TEXT,
        failed_at TEXT,
        CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
        CHECK ((state = 'failed') = (failed_at IS NOT NULL))
      );
      -- The worker's "next row to send" and the "n waiting" count read only pending rows;
      -- partial indexes keep both cheap however many sent rows accumulate.
      CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
      CREATE INDEX outbox_failed ON outbox (id) WHERE state = 'failed';
    `);
  },
};
