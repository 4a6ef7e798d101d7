import { parse } from 'csv-parse/sync';
import type { ScheduleRowError } from '../../../common/channels/work';
import { ZuoxiError } from '../../../common/errors';

/** One shift as the file states it, checked and placed in time. */
export interface ShiftRow {
  row: number;
  agent: string;
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM as written (normalised), for the screen. */
  startLocal: string;
  endLocal: string;
  startMs: number;
  endMs: number;
}

export interface ParsedSchedule {
  shifts: ShiftRow[];
  errors: ScheduleRowError[];
  ignoredColumns: string[];
  totalRows: number;
}

type Field = 'agent' | 'date' | 'start' | 'end';

// Header spellings of schedule exports (WFM tools, spreadsheets), compared after headerKey().
const ALIASES: Record<Field, readonly string[]> = {
  agent: ['agent', 'agentid', 'agentno', 'employee', 'employeeid', 'extension', 'ext', '工号', '坐席', '坐席工号', '座席', '座席工号', '员工', '员工编号', '分机', '分机号', '话务员'],
  date: ['date', 'day', 'shiftdate', '日期', '排班日期', '班次日期', '值班日期'],
  start: ['start', 'starttime', 'from', 'shiftstart', '上班', '上班时间', '开始', '开始时间', '班次开始'],
  end: ['end', 'endtime', 'to', 'until', 'shiftend', '下班', '下班时间', '结束', '结束时间', '班次结束'],
};
const HEADER_TO_FIELD = new Map<string, Field>(Object.entries(ALIASES).flatMap(([field, names]) => names.map((name) => [name, field as Field] as const)));

const DATE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const TIME = /^(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?$/;

/**
 * Reads a shift schedule: a header row naming agent, date, start and end (English or
 * Chinese), then one shift per row. Times are the seat's local time; a shift whose end
 * is not after its start ends the next day (a night shift). Every bad row is listed with
 * its reason and the good ones still come through; a file without the four columns is
 * refused whole.
 */
export function readScheduleCsv(text: string): ParsedSchedule {
  const records: (string[] | { error: string })[] = [];
  try {
    parse(text, {
      delimiter: text.slice(0, 2048).includes('\t') && !text.slice(0, 2048).includes(',') ? '\t' : ',',
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_record: (record: string[]) => {
        records.push(record);
        return null;
      },
      on_skip: (error) => {
        records.push({ error: error?.message ?? 'unreadable' });
      },
    });
  } catch (error) {
    records.push({ error: error instanceof Error ? error.message : String(error) });
  }
  const header = records[0];
  if (!header || !Array.isArray(header)) throw new ZuoxiError('import_failed', 'The schedule has no readable header row');
  const columns = header.map((title) => HEADER_TO_FIELD.get(headerKey(title)) ?? null);
  const ignoredColumns = header.filter((title, index) => columns[index] === null && title.trim() !== '');
  const missing = (['agent', 'date', 'start', 'end'] as const).filter((field) => !columns.includes(field));
  if (missing.length > 0) {
    throw new ZuoxiError(
      'import_failed',
      `The schedule has no ${missing.join(', ')} column (工号/agent, 日期/date, 上班时间/start, 下班时间/end); its columns are: ${header.join(', ')}`,
    );
  }

  const shifts: ShiftRow[] = [];
  const errors: ScheduleRowError[] = [];
  const seen = new Map<string, number>();
  let row = 0;
  for (const record of records.slice(1)) {
    if (Array.isArray(record) && record.every((cell) => cell.trim() === '')) continue;
    row += 1;
    const problem = (code: ScheduleRowError['code'], detail: string, reason: string) => errors.push({ row, code, detail, reason });
    if (!Array.isArray(record)) {
      problem('malformed_row', '', `row ${row}: malformed row: ${record.error}`);
      continue;
    }
    const cell = (field: Field) => (record[columns.indexOf(field)] ?? '').normalize('NFKC').trim();
    const agent = cell('agent');
    if (!agent) {
      problem('missing_agent', '', `row ${row}: no agent`);
      continue;
    }
    if (agent.length > 64) {
      problem('missing_agent', agent.slice(0, 64), `row ${row}: the agent is over 64 characters`);
      continue;
    }
    const date = parseDate(cell('date'));
    if (!date) {
      problem('invalid_date', cell('date'), `row ${row}: not a date: ${JSON.stringify(cell('date'))} (2026-03-02, 2026/3/2 or 2026年3月2日)`);
      continue;
    }
    const start = parseTime(cell('start'));
    const end = parseTime(cell('end'));
    if (!start || !end) {
      const bad = start ? cell('end') : cell('start');
      problem('invalid_time', bad, `row ${row}: not a time of day: ${JSON.stringify(bad)} (09:00)`);
      continue;
    }
    if (start.text === end.text) {
      problem('invalid_time', `${start.text}-${end.text}`, `row ${row}: the shift starts and ends at ${start.text}`);
      continue;
    }
    const startMs = new Date(date.year, date.month - 1, date.day, start.hours, start.minutes).getTime();
    // A night shift (22:00–06:00) ends on the next calendar day.
    const endDay = end.hours * 60 + end.minutes <= start.hours * 60 + start.minutes ? date.day + 1 : date.day;
    const endMs = new Date(date.year, date.month - 1, endDay, end.hours, end.minutes).getTime();
    const key = `${agent}\u0000${date.text}\u0000${start.text}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem('duplicate_shift', `${agent} ${date.text} ${start.text}`, `row ${row}: the same shift as row ${earlier}`);
      continue;
    }
    seen.set(key, row);
    shifts.push({ row, agent, date: date.text, startLocal: start.text, endLocal: end.text, startMs, endMs });
  }
  return { shifts, errors, ignoredColumns, totalRows: row };
}

function parseDate(text: string): { year: number; month: number; day: number; text: string } | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(year, month - 1, day);
  // 2026-02-30 rolls over to March in Date: not a date the schedule can mean.
  if (probe.getFullYear() !== year || probe.getMonth() !== month - 1 || probe.getDate() !== day) return null;
  return { year, month, day, text: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

function parseTime(text: string): { hours: number; minutes: number; text: string } | null {
  const match = TIME.exec(text);
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (hours > 23 || minutes > 59) return null;
  return { hours, minutes, text: `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` };
}

function headerKey(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^\ufeff/, '')
    .replace(/[\s_\-.:：()（）]/g, '');
}
