/**
 * KPI facts from a spreadsheet export. Two layouts, both common in call centers:
 *
 * - long: one figure per row — columns agent, month, fact, value
 *   (`8001,2026-11,evaluations,132`);
 * - wide: one agent-month per row, one column per fact — `工号,月份,评价数,有效评价数,…`.
 *
 * Headers are matched in English or Chinese (fact-records.ts). Each row is checked on
 * its own: a bad row is reported by number and the others still count.
 */
import { ZuoxiError } from '../../../common/errors';
import { parseCsvRecords } from '../../directory/import/csv-reader';
import { checkFactRecord, factNamed, headerKey, type FactProblem, type FactRecord, type RawFactRecord } from './fact-records';

export interface ParsedFacts {
  records: FactRecord[];
  problems: FactProblem[];
  /** Columns that are neither agent, month nor a known fact (a typo in a fact name shows up here). */
  ignoredColumns: string[];
}

const AGENT_HEADERS = new Set(['agent', 'agentid', 'extension', 'ext', 'employee', 'employeeid', '工号', '坐席', '座席', '坐席工号', '座席工号', '分机', '分机号', '员工', '员工编号'].map(headerKey));
const MONTH_HEADERS = new Set(['month', 'period', '月份', '考核月份', '统计月份', '月度'].map(headerKey));
const FACT_HEADERS = new Set(['fact', 'metric', 'item', 'name', '指标', '指标名', '指标名称', '项目'].map(headerKey));
const VALUE_HEADERS = new Set(['value', 'count', 'amount', '数值', '值', '数量', '数据'].map(headerKey));

export function readFactsCsv(text: string): ParsedFacts {
  const rows = parseCsvRecords(text);
  const header = rows[0];
  if (!header || !Array.isArray(header)) throw new ZuoxiError('import_failed', 'The file has no readable header row');
  const keys = header.map(headerKey);
  const column = (names: ReadonlySet<string>) => keys.findIndex((key) => names.has(key));
  const agentColumn = column(AGENT_HEADERS);
  const monthColumn = column(MONTH_HEADERS);
  if (monthColumn < 0) throw new ZuoxiError('import_failed', `The file has no month column (月份 or month); its columns are: ${header.join(', ')}`);
  const factColumn = column(FACT_HEADERS);
  const valueColumn = column(VALUE_HEADERS);
  const long = factColumn >= 0 && valueColumn >= 0;

  const used = new Set([agentColumn, monthColumn, ...(long ? [factColumn, valueColumn] : [])]);
  const factColumns = long ? [] : header.flatMap((title, index) => (!used.has(index) && factNamed(title) ? [index] : []));
  if (!long && factColumns.length === 0) {
    throw new ZuoxiError(
      'import_failed',
      `The file has neither fact and value columns nor a column named after a fact (评价数, evaluations, …); its columns are: ${header.join(', ')}`,
    );
  }
  factColumns.forEach((index) => used.add(index));
  const ignoredColumns = header.filter((title, index) => !used.has(index) && title.trim() !== '');

  const records: FactRecord[] = [];
  const problems: FactProblem[] = [];
  const take = (raw: RawFactRecord) => {
    const checked = checkFactRecord(raw);
    if ('record' in checked) records.push(checked.record);
    else problems.push(checked.problem);
  };
  let rowNumber = 0;
  for (const row of rows.slice(1)) {
    if (Array.isArray(row) && row.every((cell) => cell.trim() === '')) continue;
    rowNumber += 1;
    const ref = `row ${rowNumber}`;
    if (!Array.isArray(row)) {
      problems.push({ ref, reason: row.error });
      continue;
    }
    const cell = (index: number) => (index >= 0 ? (row[index] ?? '') : '');
    const base = { agent: cell(agentColumn), month: cell(monthColumn) };
    if (long) take({ ...base, fact: cell(factColumn), value: cell(valueColumn), ref });
    else {
      for (const index of factColumns) {
        // An empty cell in a wide sheet is "not reported", not zero.
        if (cell(index).trim() === '') continue;
        take({ ...base, fact: header[index], value: cell(index), ref: `${ref}, ${header[index]?.trim()}` });
      }
    }
  }
  return { records, problems, ignoredColumns };
}
