import type { Migration } from '../migrations';

/**
 * The call log: one row per call offered to or placed by this agent, whatever came of
 * it, so the KPI engine can count offered and answered calls and the seconds from ring
 * to answer. Times are UTC ISO 8601 with milliseconds (text order is time order).
 * Written by main/core/calls/call-log.ts.
 */
export const callLogSchema: Migration = {
  version: 2,
  name: 'calls',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        -- The customer leg's SIP Call-ID; one row per call.
        call_id TEXT NOT NULL UNIQUE,
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        remote_number TEXT,
        remote_e164 TEXT,
        remote_name TEXT NOT NULL DEFAULT '',
        dialled TEXT,
        contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        ring_at TEXT NOT NULL,
        answer_at TEXT,
        end_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'missed', 'rejected', 'transferred', 'failed')),
        cause TEXT NOT NULL,
        cause_detail TEXT,
        CHECK (answer_at IS NULL OR answer_at >= ring_at),
        CHECK (end_at >= ring_at)
      );
      -- KPI windows (a day, a month) are ranges of ring time.
      CREATE INDEX calls_ring_at ON calls (ring_at);
      CREATE INDEX calls_contact ON calls (contact_id, ring_at) WHERE contact_id IS NOT NULL;
    `);
  },
};
