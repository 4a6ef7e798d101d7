import type { SqlExecutor } from '../../store/database';
import type { MonthFacts } from '../facts';
import type { MonthWindow } from './month-window';

/**
 * Metric 2 and 6's facts from the calls table (migration 2; this database is one
 * agent's): calls offered to the agent are the inbound ones that rang in the month;
 * answered are those with an answer time (a call answered and then transferred was
 * answered); ring-to-answer seconds are summed over the answered ones, so the engine
 * computes the mean without seeing a row. One aggregate over the ring_at index.
 *
 * N1 (the team's highest answered count, metric 1) is not here: this store holds one
 * agent's calls, so it is imported with the team's figures.
 */
export async function callLogFacts(db: SqlExecutor, window: MonthWindow, readAt: string): Promise<MonthFacts['facts']> {
  const row = await db.get<{ offered: number; answered: number; ring_seconds: number | null }>(
    `SELECT COUNT(*) AS offered,
            COUNT(answer_at) AS answered,
            SUM((julianday(answer_at) - julianday(ring_at)) * 86400.0) AS ring_seconds
       FROM calls
      WHERE ring_at >= ? AND ring_at < ? AND direction = 'inbound'`,
    [window.fromIso, window.toIso],
  );
  const provenance = { source: 'call_log' as const, importedAt: readAt, ref: `calls: inbound, ring_at in [${window.fromIso}, ${window.toIso})` };
  const answered = row?.answered ?? 0;
  // julianday keeps about 10 µs; round the sum to whole milliseconds so the same calls give the same number.
  const seconds = Math.round((row?.ring_seconds ?? 0) * 1000) / 1000;
  return {
    offeredCalls: { value: row?.offered ?? 0, provenance },
    answeredCalls: { value: answered, provenance },
    ringToAnswerSecondsSum: { value: seconds, provenance },
    ringToAnswerCount: { value: answered, provenance },
  };
}
