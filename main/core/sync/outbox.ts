import { randomUUID } from 'node:crypto';
import { ZuoxiError } from '../../common/errors';
import { Database, type SqlExecutor } from '../store/database';

/** What a caller hands to the outbox: one record for the back office. */
export interface OutboxMessage {
  /** What the record is ("wrapup", "work_order", "callback", …): the back office routes on it. */
  kind: string;
  /** Any JSON value; stored as JSON text and sent as is. */
  payload: unknown;
  /**
   * The key the back office deduplicates on. Defaults to a fresh UUID. Give one when the
   * record has a natural identity that should dedupe across devices or re-imports.
   */
  idempotencyKey?: string;
}

export interface EnqueuedMessage {
  id: number;
  idempotencyKey: string;
}

export type OutboxState = 'pending' | 'sent' | 'failed';

export interface OutboxRow {
  id: number;
  kind: string;
  /** JSON text, exactly as stored (and sent). */
  payload: string;
  idempotencyKey: string;
  createdAt: string;
  state: OutboxState;
  attempts: number;
  /** Epoch ms; the worker does not send the row before it. */
  nextAttemptAt: number;
  lastAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  failedAt: string | null;
}

export interface OutboxCounts {
  pending: number;
  failed: number;
  sent: number;
}

export interface OutboxOptions {
  now?: () => Date;
  /** Where default idempotency keys come from (tests pin them). */
  newKey?: () => string;
}

interface RawRow {
  id: number;
  kind: string;
  payload: string;
  idempotency_key: string;
  created_at: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  failed_at: string | null;
}

const COLUMNS = 'id, kind, payload, idempotency_key, created_at, state, attempts, next_attempt_at, last_attempt_at, last_error, sent_at, failed_at';
const KIND = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Printable ASCII without spaces: it travels as an HTTP header value. */
const KEY = /^[\x21-\x7e]{1,200}$/;
/**
 * A record for the back office is a form's worth of fields, not a file: a payload this
 * big is a bug, and one request that never fits the server's limit would hold the queue.
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** A refusal reason is for a person to read; the response body of a misbehaving server is not kept whole. */
const MAX_ERROR_CHARS = 500;

/**
 * The transactional outbox. A feature writes its record and calls `enqueue` with the
 * SAME transaction handle, so the record and its outbox row commit or roll back
 * together: there is never a record the back office will not hear of, nor an outbox row
 * for a record that does not exist. The sync worker (sync-worker.ts) does the sending.
 *
 * Rows are never rewritten: the payload and key a row was enqueued with are what every
 * attempt sends, so a retry after a crash is byte-for-byte the request the server may
 * already have applied, and it dedupes on the key.
 */
export class Outbox {
  private readonly now: () => Date;
  private readonly newKey: () => string;
  private readonly committedListeners = new Set<() => void>();

  constructor(
    private readonly db: Database,
    options: OutboxOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newKey = options.newKey ?? randomUUID;
  }

  /**
   * Adds a row inside the caller's transaction. Passing the Database itself is refused:
   * the row would commit on its own, which is exactly the half-write the outbox exists
   * to prevent. Enqueueing a key that is already there returns that row when kind and
   * payload are the same (a caller retrying its own write) and is refused otherwise.
   */
  async enqueue(tx: SqlExecutor, message: OutboxMessage): Promise<EnqueuedMessage> {
    if (tx instanceof Database) {
      throw new Error('Outbox.enqueue needs the handle of the transaction that writes the record, not the database');
    }
    if (!KIND.test(message.kind)) {
      throw new ZuoxiError('invalid_input', `Outbox kind "${message.kind}" must be 1–100 letters, digits, ".", "_" or "-"`);
    }
    const payload = JSON.stringify(message.payload);
    if (payload === undefined) throw new ZuoxiError('invalid_input', `Outbox payload of kind ${message.kind} is not JSON`);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new ZuoxiError('invalid_input', `Outbox payload of kind ${message.kind} is over ${MAX_PAYLOAD_BYTES} bytes`);
    }
    const idempotencyKey = message.idempotencyKey ?? this.newKey();
    if (!KEY.test(idempotencyKey)) {
      throw new ZuoxiError('invalid_input', 'An idempotency key must be 1–200 printable ASCII characters without spaces');
    }
    const existing = await tx.get<{ id: number; kind: string; payload: string }>(
      'SELECT id, kind, payload FROM outbox WHERE idempotency_key = ?',
      [idempotencyKey],
    );
    if (existing) {
      if (existing.kind === message.kind && existing.payload === payload) return { id: existing.id, idempotencyKey };
      throw new ZuoxiError('invalid_input', `Idempotency key ${idempotencyKey} is already used by another outbox record`);
    }
    const { lastId } = await tx.run(
      'INSERT INTO outbox (kind, payload, idempotency_key, created_at, next_attempt_at) VALUES (?, ?, ?, ?, 0)',
      [message.kind, payload, idempotencyKey, this.now().toISOString()],
    );
    return { id: lastId, idempotencyKey };
  }

  /**
   * `db.transaction(work)`, then wakes the sync worker once it has committed, so a write
   * made through here is on its way at once instead of at the worker's next poll.
   */
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    for (const listener of this.committedListeners) listener();
    return result;
  }

  /** Called after each `transaction` commits; returns the unsubscribe. */
  onCommitted(listener: () => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  // ---- the worker's side (reads through the reader connection: committed rows only) ----

  /** Pending rows in send order, starting after `afterId`. */
  async pending(limit: number, afterId = 0): Promise<OutboxRow[]> {
    const rows = await this.db.all<RawRow>(`SELECT ${COLUMNS} FROM outbox WHERE state = 'pending' AND id > ? ORDER BY id LIMIT ?`, [afterId, limit]);
    return rows.map(fromRaw);
  }

  async get(id: number): Promise<OutboxRow | null> {
    const row = await this.db.get<RawRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`, [id]);
    return row ? fromRaw(row) : null;
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.db.all<{ state: OutboxState; n: number }>(
      "SELECT 'pending' AS state, count(*) AS n FROM outbox WHERE state = 'pending' UNION ALL SELECT 'failed', count(*) FROM outbox WHERE state = 'failed' UNION ALL SELECT 'sent', count(*) FROM outbox WHERE state = 'sent'",
    );
    const counts: OutboxCounts = { pending: 0, failed: 0, sent: 0 };
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  /** Parked rows, newest first, with the reason each was refused. */
  async failed(limit = 100): Promise<OutboxRow[]> {
    const rows = await this.db.all<RawRow>(`SELECT ${COLUMNS} FROM outbox WHERE state = 'failed' ORDER BY id DESC LIMIT ?`, [limit]);
    return rows.map(fromRaw);
  }

  /** Only a still-pending row changes: a row someone else already settled stays as it is. */
  async markSent(id: number, at: Date): Promise<boolean> {
    const iso = at.toISOString();
    const { changes } = await this.db.run(
      "UPDATE outbox SET state = 'sent', sent_at = ?, last_attempt_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND state = 'pending'",
      [iso, iso, id],
    );
    return changes === 1;
  }

  async markRetry(id: number, at: Date, nextAttemptAt: number, reason: string): Promise<void> {
    await this.db.run(
      "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'pending'",
      [at.toISOString(), nextAttemptAt, clip(reason), id],
    );
  }

  async markFailed(id: number, at: Date, reason: string): Promise<void> {
    const iso = at.toISOString();
    await this.db.run(
      "UPDATE outbox SET state = 'failed', failed_at = ?, last_attempt_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND state = 'pending'",
      [iso, iso, clip(reason), id],
    );
  }

  /**
   * Puts parked rows back in the queue (all of them, or the ones named) — after the
   * back office or the endpoint setting was fixed. They keep their key and their place
   * by id. Returns how many were re-queued.
   */
  async requeueFailed(ids?: readonly number[]): Promise<number> {
    const where = ids ? `AND id IN (${ids.map(() => '?').join(', ') || 'NULL'})` : '';
    const { changes } = await this.db.run(
      `UPDATE outbox SET state = 'pending', failed_at = NULL, next_attempt_at = 0 WHERE state = 'failed' ${where}`,
      ids ? [...ids] : [],
    );
    return changes;
  }

  /** Makes the next pending row due now ("sync now"): the backoff wait is skipped once. */
  async dueNow(): Promise<void> {
    await this.db.run("UPDATE outbox SET next_attempt_at = 0 WHERE id = (SELECT min(id) FROM outbox WHERE state = 'pending')");
  }

  /** Deletes sent rows sent before `before`; pending and failed rows are never pruned. */
  async pruneSent(before: Date): Promise<number> {
    const { changes } = await this.db.run("DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?", [before.toISOString()]);
    return changes;
  }
}

function fromRaw(row: RawRow): OutboxRow {
  return {
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
    failedAt: row.failed_at,
  };
}

function clip(reason: string): string {
  return reason.length > MAX_ERROR_CHARS ? `${reason.slice(0, MAX_ERROR_CHARS - 1)}…` : reason;
}
