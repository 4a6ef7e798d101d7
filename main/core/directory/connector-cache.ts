/**
 * The SQL of the connector cache (migration 4): what each CRM connector last said about a
 * caller, and when. Reads are one primary-key range per lookup on the reader connection;
 * writes are single upserts outside any import transaction.
 */
import type { Logger } from '../log/logger';
import type { Database, PreparedStatement } from '../store/database';
import { ConnectorRecordSchema, type ConnectorRecord } from './connectors/connector';

export interface CachedAnswer {
  connector: string;
  /** The connector's record, or null when it answered "not known". */
  record: ConnectorRecord | null;
  fetchedAt: string;
}

interface CacheRow {
  connector: string;
  matched: number;
  record: string | null;
  fetched_at: string;
}

/** The cache key of a number: its E.164 form, or the number as signalled when it has none. */
export function cacheKeyOf(e164: string | null, raw: string | null): string | null {
  if (e164 !== null) return e164;
  return raw === null ? null : `raw:${raw}`;
}

export class ConnectorCache {
  private reading: Promise<PreparedStatement<CacheRow>> | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  /** Every connector's last answer for this caller, by connector name. A row that no longer parses is skipped (and replaced at the next answer). */
  async answers(key: string): Promise<Map<string, CachedAnswer>> {
    // Prepared once and shared by concurrent lookups; a failed prepare is tried again next time.
    this.reading ??= this.db.prepare<CacheRow>('SELECT connector, matched, record, fetched_at FROM connector_cache WHERE lookup_key = ?');
    const rows = await this.reading.then(
      (statement) => statement.all([key]),
      (error: unknown) => {
        this.reading = null;
        throw error;
      },
    );
    return new Map(this.readable(rows).map((answer) => [answer.connector, answer]));
  }

  /**
   * The records every connector gave for any of the contact's numbers (one row per number
   * and connector), latest fetched first; "not known" answers are left out. For the
   * history, not the screen pop: not prepared.
   */
  async contactRecords(contactId: number): Promise<CachedAnswer[]> {
    const rows = await this.db.all<CacheRow>(
      `SELECT c.connector, c.matched, c.record, c.fetched_at FROM contact_numbers n JOIN connector_cache c ON c.lookup_key = n.e164
       WHERE n.contact_id = ? AND c.matched = 1 ORDER BY c.fetched_at DESC, n.id, c.connector`,
      [contactId],
    );
    return this.readable(rows);
  }

  async put(key: string, answer: CachedAnswer): Promise<void> {
    await this.db.run(
      `INSERT INTO connector_cache (lookup_key, connector, matched, record, fetched_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (lookup_key, connector) DO UPDATE SET matched = excluded.matched, record = excluded.record, fetched_at = excluded.fetched_at
       WHERE excluded.fetched_at >= connector_cache.fetched_at`,
      [key, answer.connector, answer.record === null ? 0 : 1, answer.record === null ? null : JSON.stringify(answer.record), answer.fetchedAt],
    );
  }

  /** The rows as answers; a row that no longer parses is skipped (and replaced at the next answer). */
  private readable(rows: readonly CacheRow[]): CachedAnswer[] {
    const answers: CachedAnswer[] = [];
    for (const row of rows) {
      const record = row.matched === 1 ? parseRecord(row.record) : null;
      if (row.matched === 1 && record === null) {
        this.log.warn('directory.cache_row_unreadable', { connector: row.connector });
        continue;
      }
      answers.push({ connector: row.connector, record, fetchedAt: row.fetched_at });
    }
    return answers;
  }

  /** Drops answers fetched before `before` (ISO 8601): callers not heard of in that long. Returns how many. */
  async prune(before: string): Promise<number> {
    const result = await this.db.run('DELETE FROM connector_cache WHERE fetched_at < ?', [before]);
    return result.changes;
  }
}

function parseRecord(json: string | null): ConnectorRecord | null {
  if (json === null) return null;
  try {
    const parsed = ConnectorRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
