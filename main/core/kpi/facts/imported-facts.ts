/**
 * The store side of imported KPI facts (migration 9). An import is all or nothing: its
 * checked records go in with their batch row in one transaction, so a crash mid-import
 * leaves either the whole file or none of it. Scoring reads the newest import of each
 * fact; older imports stay, so "what did the scorecard say before the correction" can
 * still be answered.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../../store/database';
import { FACT_REGISTRY, isFactName, TEAM_FACTS, type Fact, type FactName, type MonthFacts } from '../facts';
import { TEAM_AGENT, type FactProblem, type FactRecord } from './fact-records';

export type ImportKind = 'csv' | 'rest';

/** 6 parameters a row, well under SQLite's 32,766 per statement. */
const ROWS_PER_INSERT = 500;

export interface FactImport {
  id: number;
  kind: ImportKind;
  /** The file name or the URL. */
  origin: string;
  importedAt: string;
  factCount: number;
}

export interface FactImportSummary extends FactImport {
  months: string[];
}

export function checksumOf(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The same agent, month and fact twice in one source: the last one stands (a sheet
 * corrected further down), the earlier ones are reported, not silently dropped.
 */
export function lastOfEach(records: readonly FactRecord[]): { records: FactRecord[]; problems: FactProblem[] } {
  const last = new Map<string, FactRecord>();
  for (const record of records) last.set(`${record.agent}\u0000${record.month}\u0000${record.fact}`, record);
  const kept = new Set(last.values());
  const problems = records
    .filter((record) => !kept.has(record))
    .map((record) => ({ ref: record.ref, reason: `${record.fact} for ${record.agent} in ${record.month} is given again later (${last.get(`${record.agent}\u0000${record.month}\u0000${record.fact}`)?.ref}); the later one is used` }));
  return { records: records.filter((record) => kept.has(record)), problems };
}

export class ImportedFacts {
  constructor(private readonly db: Database) {}

  /** Stores one source's records (already checked and de-duplicated) as one import. */
  async save(source: { kind: ImportKind; origin: string; checksum: string; importedAt: string }, records: readonly FactRecord[]): Promise<FactImport> {
    return this.db.transaction(async (tx) => {
      const batch = await tx.run('INSERT INTO kpi_fact_imports (kind, origin, checksum, imported_at, fact_count) VALUES (?, ?, ?, ?, ?)', [
        source.kind,
        source.origin,
        source.checksum,
        source.importedAt,
        records.length,
      ]);
      // Many rows per statement: a team sheet is thousands of figures, and each statement is a round trip to the sqlite thread.
      for (let start = 0; start < records.length; start += ROWS_PER_INSERT) {
        const chunk = records.slice(start, start + ROWS_PER_INSERT);
        await tx.run(
          `INSERT INTO kpi_facts (import_id, agent, month, fact, value, ref) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
          chunk.flatMap((record) => [batch.lastId, record.agent, record.month, record.fact, record.value, record.ref]),
        );
      }
      return { id: batch.lastId, kind: source.kind, origin: source.origin, importedAt: source.importedAt, factCount: records.length };
    });
  }

  /** When the same content was imported before (the newest time), or null. */
  async importedBefore(checksum: string): Promise<string | null> {
    const row = await this.db.get<{ imported_at: string }>('SELECT imported_at FROM kpi_fact_imports WHERE checksum = ? ORDER BY id DESC LIMIT 1', [checksum]);
    return row?.imported_at ?? null;
  }

  /** The newest imported value of each fact for this agent's month (team facts from the team rows). */
  async forMonth(agent: string, month: string): Promise<MonthFacts['facts']> {
    const rows = await this.db.all<{ agent: string; fact: string; value: number; ref: string; origin: string; imported_at: string }>(
      `SELECT f.agent, f.fact, f.value, f.ref, i.origin, i.imported_at
         FROM kpi_facts f JOIN kpi_fact_imports i ON i.id = f.import_id
        WHERE f.month = ? AND f.agent IN (?, ?)
        ORDER BY f.import_id DESC`,
      [month, agent, TEAM_AGENT],
    );
    const facts: Partial<Record<FactName, Fact>> = {};
    for (const row of rows) {
      if (!isFactName(row.fact) || facts[row.fact]) continue;
      if (TEAM_FACTS.has(row.fact) !== (row.agent === TEAM_AGENT)) continue;
      facts[row.fact] = {
        value: row.value,
        provenance: { source: FACT_REGISTRY[row.fact], importedAt: row.imported_at, ref: `${row.origin}, ${row.ref}` },
      };
    }
    return facts;
  }

  /** The newest imports first, each with the months it gave figures for. */
  async recent(limit: number): Promise<FactImportSummary[]> {
    const rows = await this.db.all<{ id: number; kind: ImportKind; origin: string; imported_at: string; fact_count: number; months: string | null }>(
      `SELECT i.id, i.kind, i.origin, i.imported_at, i.fact_count,
              (SELECT group_concat(month) FROM (SELECT DISTINCT month FROM kpi_facts WHERE import_id = i.id ORDER BY month)) AS months
         FROM kpi_fact_imports i ORDER BY i.id DESC LIMIT ?`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      origin: row.origin,
      importedAt: row.imported_at,
      factCount: row.fact_count,
      months: row.months ? row.months.split(',') : [],
    }));
  }
}
