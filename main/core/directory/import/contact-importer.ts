import { randomUUID } from 'node:crypto';
import type { ImportFormat, ImportProgress, ImportReport } from '../../../common/domain';
import { ZuoxiError, isZuoxiError } from '../../../common/errors';
import type { Logger } from '../../log/logger';
import type { ContactRepository, NumberRow } from '../../store/contact-repository';
import { SqlError, type Database, type SqlExecutor } from '../../store/database';
import { draftOf, normalizeNumbers, parseContactInput } from '../contact-draft';
import { digitsOf, type PhoneNumberNormalizer } from '../phone-number';
import { readCsv } from './csv-reader';
import { planMerges, type CandidateRow } from './merge-plan';
import { decodeText, detectFormat, rowProblem, type ParsedSource, type SourceContact, type SourceRow } from './source-file';
import { readVcard } from './vcard-reader';

export interface ImportFile {
  fileName: string;
  format?: ImportFormat;
  content: Buffer;
}

// Rows per round of check → plan → write; also how often progress is reported.
const BATCH_ROWS = 1000;

/**
 * Imports a CSV or vCard file in one transaction: either every good row is in the
 * directory afterwards, or (when writing fails) nothing from the file is. Rows that
 * cannot be imported are reported with their row number and do not stop the others.
 */
export class ContactImporter {
  constructor(
    private readonly db: Database,
    private readonly contacts: ContactRepository,
    private readonly normalizer: PhoneNumberNormalizer,
    private readonly log: Logger,
    private readonly clock: () => Date,
  ) {}

  async run(file: ImportFile, listener: (progress: ImportProgress) => void): Promise<ImportReport> {
    const importId = randomUUID();
    // Progress is a courtesy: a listener that fails must not roll the import back.
    const onProgress = (progress: ImportProgress) => {
      try {
        listener(progress);
      } catch (error) {
        this.log.warn('directory.import_progress_failed', { importId, error });
      }
    };
    const { text, encoding } = decodeText(file.content);
    const format = detectFormat(file.fileName, text, file.format);
    const source = this.read(format, text);
    const total = source.rows.length;
    const now = this.clock().toISOString();
    const report: ImportReport = {
      importId,
      format,
      encoding,
      totalRows: total,
      imported: 0,
      merged: 0,
      errors: [],
      warnings: [],
      ignoredColumns: source.ignoredColumns,
    };
    this.log.info('directory.import_started', { importId, format, encoding, totalRows: total });
    onProgress({ importId, processed: 0, total });

    try {
      await this.db.transaction(async (tx) => {
        for (let start = 0; start < total; start += BATCH_ROWS) {
          await this.importBatch(tx, source.rows.slice(start, start + BATCH_ROWS), now, report);
          onProgress({ importId, processed: Math.min(total, start + BATCH_ROWS), total });
        }
      });
    } catch (error) {
      this.log.error('directory.import_failed', { importId, error });
      // SQLite's own words ("BOOM is refused", "database or disk is full"), not our SQL.
      const cause = error instanceof SqlError ? error.cause : error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ZuoxiError('import_failed', `The import could not be written and nothing from it was saved: ${reason}`);
    }
    report.errors.sort((a, b) => a.row - b.row);
    this.log.info('directory.import_finished', { importId, imported: report.imported, merged: report.merged, errors: report.errors.length });
    return report;
  }

  private read(format: ImportFormat, text: string): ParsedSource {
    try {
      return format === 'csv' ? readCsv(text) : readVcard(text);
    } catch (error) {
      if (isZuoxiError(error)) throw error;
      throw new ZuoxiError('import_failed', `The file could not be read as ${format}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async importBatch(tx: SqlExecutor, rows: readonly SourceRow[], now: string, report: ImportReport): Promise<void> {
    const candidates: CandidateRow[] = [];
    for (const row of rows) {
      if ('error' in row) report.errors.push(rowProblem(row.row, 'malformed_row', row.error, row.error));
      else this.check(row.row, row.contact, candidates, report);
    }
    // Owners are read inside the transaction, so a number an earlier batch of this same
    // file wrote merges exactly like one that was already in the directory.
    const owners = await this.contacts.findOwners(tx, [...new Set(candidates.flatMap((c) => c.draft.numbers.map((n) => n.e164)))]);
    const stored = await this.contacts.loadContacts(tx, [...new Set(owners.values())]);
    const plan = planMerges(candidates, owners, stored);
    report.errors.push(...plan.errors);
    report.imported += plan.imported;
    report.merged += plan.merged;

    const updated = plan.contacts.flatMap((contact) => (contact.contactId === null ? [] : [{ ...contact.fields, id: contact.contactId }]));
    await this.contacts.updateContacts(tx, updated, now);
    const created = plan.contacts.filter((contact) => contact.contactId === null);
    const createdIds = await this.contacts.insertContacts(tx, created.map((contact) => contact.fields), now);
    created.forEach((contact, index) => (contact.contactId = createdIds[index] ?? null));
    const numbers = plan.contacts.flatMap((contact): NumberRow[] => {
      const contactId = contact.contactId;
      if (contactId === null) throw new Error('A planned contact was not given an id');
      return contact.newNumbers.map((number) => ({ ...number, contactId }));
    });
    await this.contacts.insertNumbers(tx, numbers);
  }

  /** A row becomes a candidate, or an error; numbers that are not numbers are reported but do not sink a row that has a good one. */
  private check(row: number, contact: SourceContact, candidates: CandidateRow[], report: ImportReport): void {
    const { errors, warnings } = report;
    if (contact.name.trim() === '') {
      errors.push(rowProblem(row, 'missing_name', '', 'missing name'));
      return;
    }
    // Cells like "-" or "无" are a spreadsheet's way of saying "no number", not a bad number.
    const numbers = contact.numbers.filter((number) => digitsOf(number.raw).length > 0);
    const { valid, invalid } = normalizeNumbers(numbers, this.normalizer);
    if (valid.length === 0) {
      errors.push(
        invalid.length > 0
          ? rowProblem(row, 'no_valid_number', invalid.join(', '), `no valid phone number (${invalid.join(', ')})`)
          : rowProblem(row, 'no_number', '', 'no phone number'),
      );
      return;
    }
    const parsed = parseContactInput({ ...contact, numbers: valid.map(({ label, raw }) => ({ label, raw })) });
    if (!parsed.ok) {
      errors.push(rowProblem(row, 'invalid_field', parsed.reason, parsed.reason));
      return;
    }
    candidates.push({ row, draft: draftOf(parsed.input, valid) });
    for (const raw of invalid) {
      warnings.push(rowProblem(row, 'invalid_number_dropped', raw, `"${raw}" is not a valid phone number; the row was imported without it`));
    }
  }
}

