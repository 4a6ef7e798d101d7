import { parse } from 'csv-parse/sync';
import { ZuoxiError } from '../../../common/errors';
import { composeName, splitList, type ParsedSource, type SourceContact, type SourceRow } from './source-file';

type TextField = 'name' | 'familyName' | 'givenName' | 'company' | 'tier' | 'tags' | 'notes';
type Column = { field: TextField } | { numberLabel: string };

// Header spellings seen in CRM and spreadsheet exports, compared after headerKey().
const FIELD_ALIASES: Record<TextField, readonly string[]> = {
  name: ['name', 'fullname', 'displayname', 'contactname', 'contact', '姓名', '名字', '联系人', '联系人姓名', '客户姓名', '客户名称', '名称'],
  familyName: ['lastname', 'familyname', 'surname', '姓'],
  givenName: ['firstname', 'givenname', '名'],
  company: ['company', 'companyname', 'organization', 'organisation', 'org', 'employer', '公司', '公司名称', '单位', '工作单位', '企业', '企业名称'],
  tier: ['tier', 'level', 'grade', 'customertier', 'customerlevel', '等级', '客户等级', '级别', '会员等级'],
  tags: ['tags', 'tag', 'labels', 'categories', 'category', '标签', '分类'],
  notes: ['notes', 'note', 'remark', 'remarks', 'comment', 'comments', 'memo', '备注', '说明'],
};

// A number column's header decides the label its numbers get.
const NUMBER_ALIASES: Record<string, readonly string[]> = {
  mobile: ['mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone', '手机', '手机号', '手机号码', '移动电话'],
  work: ['work', 'workphone', 'officephone', 'businessphone', '座机', '固话', '固定电话', '办公电话', '公司电话', '单位电话'],
  home: ['home', 'homephone', '家庭电话', '住宅电话'],
  other: ['phone', 'phones', 'phonenumber', 'tel', 'telephone', 'number', '电话', '电话号码', '联系电话', '联系方式', '号码'],
};

const HEADER_TO_COLUMN = new Map<string, Column>([
  ...Object.entries(FIELD_ALIASES).flatMap(([field, aliases]) => aliases.map((alias) => [alias, { field: field as TextField }] as const)),
  ...Object.entries(NUMBER_ALIASES).flatMap(([numberLabel, aliases]) => aliases.map((alias) => [alias, { numberLabel }] as const)),
]);

const NUMBER_SEPARATORS = /[;；,，/、|\r\n]+/;
const TAG_SEPARATORS = /[;；,，/、|\r\n]+/;

/** A row's cells, or why the row could not be read (row numbers hold either way). */
export type CsvRecord = string[] | { error: string };

/**
 * Reads a CSV (or TSV) export with a header row. Rows that cannot be read are reported
 * by number and the rest still come through; a file without a name and a number column
 * cannot be imported at all.
 */
export function readCsv(text: string): ParsedSource {
  const records = parseCsvRecords(text);
  const header = records[0];
  if (!header || !Array.isArray(header)) {
    throw new ZuoxiError('import_failed', 'The file has no readable header row');
  }
  const { columns, ignoredColumns } = mapHeader(header);
  const fields = new Set(columns.flatMap((column) => (column && 'field' in column ? [column.field] : [])));
  if (!fields.has('name') && !fields.has('familyName') && !fields.has('givenName')) {
    throw new ZuoxiError('import_failed', `The file has no name column (姓名 or name); its columns are: ${header.join(', ')}`);
  }
  if (!columns.some((column) => column && 'numberLabel' in column)) {
    throw new ZuoxiError('import_failed', `The file has no phone number column (电话, 手机 or phone); its columns are: ${header.join(', ')}`);
  }

  const rows: SourceRow[] = [];
  for (const record of records.slice(1)) {
    // Spreadsheets pad the end of a sheet with rows of empty cells; those are not rows.
    if (Array.isArray(record) && record.every((cell) => cell.trim() === '')) continue;
    const row = rows.length + 1;
    if (!Array.isArray(record)) rows.push({ row, error: record.error });
    else if (record.length !== header.length) {
      rows.push({ row, error: `malformed row: ${record.length} fields where the header has ${header.length}` });
    } else rows.push({ row, contact: toContact(record, columns) });
  }
  return { rows, ignoredColumns };
}

/** Every row of a CSV/TSV text in file order; the delimiter is sniffed from the header line. Also read by KPI fact imports. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  try {
    parse(text, {
      delimiter: sniffDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // Collected here, in file order together with the skipped ones, so row numbers hold.
      on_record: (record: string[]) => {
        records.push(record);
        return null;
      },
      on_skip: (error) => {
        records.push({ error: `malformed row: ${error?.message ?? 'unreadable'}` });
      },
    });
  } catch (error) {
    // Only the end of the file can still fail (a quote never closed): the rows before it stand.
    records.push({ error: `malformed row: ${error instanceof Error ? error.message : String(error)}` });
  }
  return records;
}

function mapHeader(header: readonly string[]): { columns: (Column | null)[]; ignoredColumns: string[] } {
  const ignoredColumns: string[] = [];
  const taken = new Set<TextField>();
  const columns = header.map((title) => {
    const column = HEADER_TO_COLUMN.get(headerKey(title));
    if (column && 'field' in column) {
      // A second "name" column is ambiguous: the first one wins, the other is reported.
      if (taken.has(column.field)) {
        ignoredColumns.push(title);
        return null;
      }
      taken.add(column.field);
    }
    if (!column && title.trim() !== '') ignoredColumns.push(title);
    return column ?? null;
  });
  return { columns, ignoredColumns };
}

function toContact(record: readonly string[], columns: readonly (Column | null)[]): SourceContact {
  const text: Record<TextField, string> = { name: '', familyName: '', givenName: '', company: '', tier: '', tags: '', notes: '' };
  const numbers: SourceContact['numbers'] = [];
  columns.forEach((column, index) => {
    const cell = (record[index] ?? '').trim();
    if (!column || cell === '') return;
    if ('field' in column) text[column.field] = cell;
    else for (const raw of splitList(cell, NUMBER_SEPARATORS)) numbers.push({ label: column.numberLabel, raw });
  });
  return {
    name: text.name || composeName(text.familyName, text.givenName),
    company: text.company,
    tier: text.tier,
    notes: text.notes,
    tags: splitList(text.tags, TAG_SEPARATORS),
    numbers,
  };
}

/** "Mobile Phone 2", "手机号码：" and "ＴＥＬ" all become their alias spelling. */
function headerKey(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:：]/g, '')
    .replace(/\d+$/, '');
}

/** Comma unless the header line says tab or semicolon (Excel's "Unicode text", European locales). */
function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', '\t', ';'].map((delimiter) => ({ delimiter, count: firstLine.split(delimiter).length - 1 }));
  const best = counts.reduce((a, b) => (b.count > a.count ? b : a));
  return best.count > 0 ? best.delimiter : ',';
}
