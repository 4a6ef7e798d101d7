import { randomUUID } from 'node:crypto';
import type { ScheduleImportReport } from '../../../common/channels/work';
import type { AgentState } from '../../../common/domain';
import { ZuoxiError } from '../../../common/errors';
import { decodeText } from '../../directory/import/source-file';
import type { Logger } from '../../log/logger';
import type { Database } from '../../store/database';
import type { NotReadyReason } from '../agent-state/work-settings';
import { checkFloorRules, type FloorFlag, type ShiftWindow, type StateLogEntry } from './floor-rules';
import { readScheduleCsv } from './schedule-csv';

export interface ScheduleServiceOptions {
  db: Database;
  log: Logger;
  now: () => Date;
  /** Read at each check: which not-ready reasons are approved (never "away"). */
  notReadyReasons: () => readonly NotReadyReason[];
  /** This seat's agent (the extension): whose flags `flags` gives when none is named. */
  agentId: () => string;
}

export interface ScheduleFlags {
  agent: string;
  shifts: number;
  flags: FloorFlag[];
  points: number;
}

/**
 * The shift schedule (imported CSV, kept in `shifts`) and the floor-rule check of the
 * agent-state log against it. The schedule is the team leader's, so it is imported, never
 * edited here; importing a shift again replaces it.
 */
export class ScheduleService {
  constructor(private readonly options: ScheduleServiceOptions) {}

  async import(file: { fileName: string; content: Buffer }): Promise<ScheduleImportReport> {
    const { text, encoding } = decodeText(file.content);
    const parsed = readScheduleCsv(text);
    const importId = randomUUID();
    const importedAt = this.options.now().toISOString();
    // One transaction: a schedule is never half imported.
    const replaced = await this.options.db.transaction(async (tx) => {
      let replacedCount = 0;
      for (const shift of parsed.shifts) {
        const existing = await tx.get<{ id: number }>('SELECT id FROM shifts WHERE agent = ? AND date = ? AND start_local = ?', [shift.agent, shift.date, shift.startLocal]);
        if (existing) replacedCount += 1;
        await tx.run(
          `INSERT INTO shifts (agent, date, start_local, end_local, start_ms, end_ms, import_id, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (agent, date, start_local) DO UPDATE SET end_local = excluded.end_local, start_ms = excluded.start_ms, end_ms = excluded.end_ms,
             import_id = excluded.import_id, imported_at = excluded.imported_at`,
          [shift.agent, shift.date, shift.startLocal, shift.endLocal, shift.startMs, shift.endMs, importId, importedAt],
        );
      }
      return replacedCount;
    });
    this.options.log.info('schedule.imported', { importId, file: file.fileName, shifts: parsed.shifts.length, errors: parsed.errors.length });
    return {
      importId,
      encoding,
      totalRows: parsed.totalRows,
      imported: parsed.shifts.length,
      replaced,
      errors: parsed.errors,
      ignoredColumns: parsed.ignoredColumns,
    };
  }

  /** Floor-rule flags for `agent`'s shifts starting in [from, to), from the state log up to now. */
  async flags(from: Date, to: Date, agent = this.options.agentId()): Promise<ScheduleFlags> {
    if (!(from.getTime() < to.getTime())) throw new ZuoxiError('invalid_input', 'The period must end after it starts');
    const shifts = (
      await this.options.db.all<{ id: number; agent: string; date: string; start_ms: number; end_ms: number }>(
        'SELECT id, agent, date, start_ms, end_ms FROM shifts WHERE agent = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms',
        [agent, from.getTime(), to.getTime()],
      )
    ).map((row): ShiftWindow => ({ id: row.id, agent: row.agent, date: row.date, startMs: row.start_ms, endMs: row.end_ms }));
    if (shifts.length === 0) return { agent, shifts: 0, flags: [], points: 0 };
    const first = shifts[0]!.startMs;
    const last = Math.max(...shifts.map((shift) => shift.endMs));
    type Row = { state: AgentState; reason: string | null; at_ms: number };
    // The state the agent was in when the first shift began, then every change up to the last end.
    const before = await this.options.db.get<Row>('SELECT state, reason, at_ms FROM agent_state_log WHERE agent = ? AND at_ms < ? ORDER BY at_ms DESC, id DESC LIMIT 1', [agent, first]);
    const during = await this.options.db.all<Row>('SELECT state, reason, at_ms FROM agent_state_log WHERE agent = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, id', [agent, first, last]);
    const log: StateLogEntry[] = [...(before ? [before] : []), ...during].map((row) => ({ state: row.state, reason: row.reason, atMs: row.at_ms }));
    const approvedReasons = new Set(this.options.notReadyReasons().filter((reason) => reason.approved).map((reason) => reason.code));
    const flags = checkFloorRules(shifts, log, { approvedReasons, nowMs: this.options.now().getTime() });
    return { agent, shifts: shifts.length, flags, points: Math.round(flags.reduce((sum, flag) => sum + flag.points, 0) * 10) / 10 };
  }
}
