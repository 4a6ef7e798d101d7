import type { Migration } from '../migrations';

/**
 * Attendance (main/core/work/agent-state and work/schedule):
 *
 * - `agent_state_log`: every change of the agent's state (logged out, ready, not ready
 *   with its reason, ringing, on call, wrap-up) with its time. Append only: it is the
 *   source the floor rules (late, early leave, post left empty, away too long) are
 *   checked against, so a row is never rewritten. `at_ms` (epoch ms) is what the checker
 *   compares; `at` (ISO) is what a person reads. Each row is written in the same
 *   transaction as its outbox row.
 * - `shifts`: the imported shift schedule, one row per agent and shift. Start and end
 *   are stored as epoch ms (a night shift ends the next day) and as the local text the
 *   file said, for the screen. Re-importing a shift (same agent, date, start) replaces it.
 */
export const agentAttendanceSchema: Migration = {
  version: 6,
  name: 'agent-attendance',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE agent_state_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        agent TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('logged_out', 'ready', 'not_ready', 'ringing', 'on_call', 'wrap_up')),
        reason TEXT,
        call_id TEXT,
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        CHECK ((state = 'not_ready') = (reason IS NOT NULL) OR state = 'logged_out')
      );
      CREATE INDEX agent_state_log_agent_time ON agent_state_log (agent, at_ms);

      CREATE TABLE shifts (
        id INTEGER PRIMARY KEY,
        agent TEXT NOT NULL CHECK (length(agent) BETWEEN 1 AND 64),
        date TEXT NOT NULL,
        start_local TEXT NOT NULL,
        end_local TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        import_id TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        CHECK (end_ms > start_ms),
        UNIQUE (agent, date, start_local)
      );
      CREATE INDEX shifts_time ON shifts (start_ms);
    `);
  },
};
