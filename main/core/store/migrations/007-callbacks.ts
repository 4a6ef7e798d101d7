import type { Migration } from '../migrations';

/**
 * Callbacks (回访, main/core/work/callbacks): one row per promised call back, and one
 * row per attempt at it.
 *
 * - `deadline_at` is the promise (a repair work order's creation + 24 h) and never
 *   moves: the KPI's "callbacks made within 24 h" is counted against it. `due_at` is when
 *   to call next; the retry policy moves it on after a busy or unanswered attempt.
 * - Times are ISO 8601 UTC text with milliseconds, so text order is time order and the
 *   due list's ORDER BY due_at needs no conversion.
 * - (source, source_ref) is unique: a work order or wrap-up delivered twice (a retried
 *   hook, a re-import) finds its callback instead of making a second one.
 * - The last attempt's outcome is copied onto the callback so the list needs no join;
 *   the attempts table keeps every one (call id, SIP class and the agent's own outcome).
 */
export const callbacksSchema: Migration = {
  version: 7,
  name: 'callbacks',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE callbacks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        number TEXT NOT NULL CHECK (number GLOB '+[0-9]*' AND length(number) BETWEEN 4 AND 20),
        subject TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL CHECK (source IN ('manual', 'wrap_up', 'work_order')),
        source_ref TEXT CHECK (source_ref IS NULL OR length(source_ref) BETWEEN 1 AND 256),
        created_at TEXT NOT NULL,
        deadline_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'abandoned')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_attempt_at TEXT,
        last_sip_outcome TEXT,
        last_sip_detail TEXT,
        resolution TEXT,
        resolved_at TEXT,
        CHECK ((status = 'open') = (resolved_at IS NULL)),
        CHECK (source = 'manual' OR source_ref IS NOT NULL)
      );
      CREATE UNIQUE INDEX callbacks_source ON callbacks (source, source_ref) WHERE source_ref IS NOT NULL;
      -- The due list and the reminder timer read open callbacks by due time.
      CREATE INDEX callbacks_open_due ON callbacks (due_at) WHERE status = 'open';
      -- KPI stats read work-order callbacks by their deadline.
      CREATE INDEX callbacks_deadline ON callbacks (source, deadline_at);

      CREATE TABLE callback_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        callback_id INTEGER NOT NULL REFERENCES callbacks (id) ON DELETE CASCADE,
        call_id TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        sip_outcome TEXT CHECK (sip_outcome IS NULL OR sip_outcome IN
          ('answered', 'busy', 'no_answer', 'invalid_number', 'gone', 'declined', 'network', 'not_placed', 'unknown')),
        sip_detail TEXT,
        agent_outcome TEXT CHECK (agent_outcome IS NULL OR agent_outcome IN
          ('reached_resolved', 'reached_unresolved', 'refused', 'wrong_person', 'no_answer', 'voicemail', 'invalid_number')),
        note TEXT NOT NULL DEFAULT '',
        -- A call ends with its SIP class; an outcome recorded without a call has neither.
        CHECK ((ended_at IS NULL) = (call_id IS NOT NULL AND sip_outcome IS NULL))
      );
      CREATE INDEX callback_attempts_callback ON callback_attempts (callback_id, id);
      CREATE UNIQUE INDEX callback_attempts_call ON callback_attempts (call_id) WHERE call_id IS NOT NULL;
    `);
  },
};
