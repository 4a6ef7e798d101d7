import type { SqlExecutor } from '../../store/database';
import type { MonthFacts } from '../facts';
import type { MonthWindow } from './month-window';

/**
 * Metric 16's facts from the shift schedule and the agent-state log (migration 6). An
 * absence is the floor rules' "post left empty" (work/schedule/floor-rules.ts): a shift
 * that is over and during which the agent was never logged in — no row other than
 * logged_out inside it, and not already logged in when it started (the last row before
 * its start). Computed in SQL per shift over the (agent, at_ms) index, so a month of
 * state changes is never loaded; a shift still running is not judged yet.
 */
export async function agentStateFacts(db: SqlExecutor, agent: string, window: MonthWindow, nowMs: number, readAt: string): Promise<MonthFacts['facts']> {
  const row = await db.get<{ shifts: number; absences: number | null }>(
    `SELECT COUNT(*) AS shifts,
            SUM(s.end_ms <= ?
                AND NOT EXISTS (SELECT 1 FROM agent_state_log l
                                 WHERE l.agent = s.agent AND l.at_ms >= s.start_ms AND l.at_ms < s.end_ms AND l.state <> 'logged_out')
                AND COALESCE((SELECT l.state FROM agent_state_log l
                               WHERE l.agent = s.agent AND l.at_ms < s.start_ms
                               ORDER BY l.at_ms DESC LIMIT 1), 'logged_out') = 'logged_out') AS absences
       FROM shifts s
      WHERE s.agent = ? AND s.start_ms >= ? AND s.start_ms < ?`,
    [nowMs, agent, window.fromMs, window.toMs],
  );
  const provenance = { source: 'agent_state' as const, importedAt: readAt, ref: `shifts of ${agent} starting in [${window.fromIso}, ${window.toIso}) against agent_state_log` };
  return {
    scheduledShifts: { value: row?.shifts ?? 0, provenance },
    absences: { value: row?.absences ?? 0, provenance },
  };
}
