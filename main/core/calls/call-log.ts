/**
 * Writes every finished call to the `calls` table (migration 2) and, when the caller
 * matched a contact, an interaction on their card (call_in / call_out), so the next
 * screen pop shows it. Reads pages of the log for `calls.log`.
 */
import type { CallLogEntry, CallLogPage, CallOutcome } from '../../common/domain';
import type { DirectoryService } from '../directory/directory-service';
import type { Logger } from '../log/logger';
import type { Database } from '../store/database';
import type { CallSnapshot } from './call-session';

interface CallRow {
  id: number;
  call_id: string;
  direction: 'inbound' | 'outbound';
  remote_number: string | null;
  remote_e164: string | null;
  remote_name: string;
  dialled: string | null;
  contact_id: number | null;
  ring_at: string;
  answer_at: string | null;
  end_at: string;
  outcome: CallOutcome;
  cause: CallLogEntry['cause'];
  cause_detail: string | null;
}

const MAX_PAGE = 500;

export class CallLog {
  constructor(
    private readonly db: Database,
    private readonly directory: DirectoryService,
    private readonly log: Logger,
  ) {}

  /** Records an ended call; never throws (a call must end even when the disk is full), it logs instead. */
  async record(call: CallSnapshot): Promise<void> {
    if (call.outcome === null || call.endCause === null || call.endAt === null) {
      this.log.error('calls.log_incomplete', { callId: call.id });
      return;
    }
    // A card only a CRM connector knows (inDirectory false) has no contact row to point at.
    const contactId = call.card && call.card.inDirectory !== false ? call.card.contact.id : null;
    try {
      await this.db.run(
        `INSERT INTO calls (call_id, direction, remote_number, remote_e164, remote_name, dialled, contact_id,
                            ring_at, answer_at, end_at, outcome, cause, cause_detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (call_id) DO NOTHING`,
        [
          call.id,
          call.direction,
          call.remote.number,
          call.remote.e164,
          call.remote.displayName,
          call.dialled,
          contactId,
          call.ringAt,
          call.answerAt,
          call.endAt,
          call.outcome,
          call.endCause,
          call.endDetail,
        ],
      );
    } catch (error) {
      this.log.error('calls.log_failed', { callId: call.id, error });
      return;
    }
    if (contactId === null) return;
    try {
      await this.directory.addInteraction({
        contactId,
        kind: call.direction === 'inbound' ? 'call_in' : 'call_out',
        occurredAt: call.ringAt,
        outcome: call.outcome,
        summary: '',
        status: null,
      });
    } catch (error) {
      // The contact may have been deleted while the call was up: the log row stands.
      this.log.warn('calls.interaction_failed', { callId: call.id, contactId, error });
    }
  }

  /** Newest first by row (the order calls ended in); `before` is the last page's `nextCursor`. */
  async page(limit: number, before: number | null): Promise<CallLogPage> {
    const max = Math.min(MAX_PAGE, Math.max(1, Math.trunc(limit)));
    const rows = await this.db.all<CallRow>(
      `SELECT * FROM calls WHERE (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?`,
      [before, before, max + 1],
    );
    const items = rows.slice(0, max).map(toEntry);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > max && last ? last.id : null };
  }
}

function toEntry(row: CallRow): CallLogEntry {
  return {
    id: row.id,
    callId: row.call_id,
    direction: row.direction,
    remoteNumber: row.remote_number,
    remoteE164: row.remote_e164,
    remoteName: row.remote_name,
    dialled: row.dialled,
    contactId: row.contact_id,
    ringAt: row.ring_at,
    answerAt: row.answer_at,
    endAt: row.end_at,
    outcome: row.outcome,
    cause: row.cause,
    causeDetail: row.cause_detail,
  };
}
