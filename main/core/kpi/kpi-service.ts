import type { KpiChange, KpiFactImportReport } from '../../common/channels/kpi';
import type { CallOutcome } from '../../common/domain';
import { ZuoxiError } from '../../common/errors';
import { decodeText } from '../directory/import/source-file';
import type { SecretProvider } from '../secrets';
import type { Database } from '../store/database';
import { moreAnsweredCalls, scoreMonth, whatIf, type FactChange } from './engine';
import { isFactName, type MonthFacts } from './facts';
import type { CallbackStatsSource } from './facts/callback-facts';
import { TEAM_AGENT, type FactProblem, type FactRecord } from './facts/fact-records';
import { readFactsCsv } from './facts/facts-csv';
import { fetchFacts } from './facts/facts-endpoint';
import { checksumOf, ImportedFacts, lastOfEach, type ImportKind } from './facts/imported-facts';
import { monthWindow } from './facts/month-window';
import { storeFacts } from './facts/store-facts';
import type { KpiSettings } from './kpi-settings';
import type { KpiProfile } from './profile';
import { BUILT_IN_PROFILES } from './profiles';

export interface KpiServiceDeps {
  db: Database;
  callbacks: CallbackStatsSource;
  secrets: SecretProvider;
  settings: () => KpiSettings;
  /** Whose month: the seat's extension, as the attendance rows and schedule name agents. */
  agent: () => string;
  /** The work clock's now (ms): a month's facts are read as of it. */
  nowMs: () => number;
}

/** A report lists this many refused rows; the count says how many there were in all. */
const MAX_REPORTED_PROBLEMS = 200;

/**
 * This seat's agent's scorecard: the store's own facts (calls, attendance, callbacks)
 * with the imported ones (survey, complaints, QA, …, the team's N1) on top. A fact
 * nobody supplied scores by the profile's unavailable rule.
 */
export class KpiService {
  private readonly imported: ImportedFacts;

  constructor(private readonly deps: KpiServiceDeps) {
    this.imported = new ImportedFacts(deps.db);
  }

  profiles() {
    return BUILT_IN_PROFILES.map(({ id, version, names }) => ({ id, version, names }));
  }

  async scorecard(month: string, profileId: string | undefined) {
    return { ...scoreMonth(profileNamed(profileId), await this.monthFacts(month)), currentMonth: this.currentMonth() };
  }

  /** The center's month now (work clock, settings.kpi offset): what "this month" means on every seat. */
  currentMonth(): string {
    const local = new Date(this.deps.nowMs() + this.utcOffsetMinutes() * 60_000);
    return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
  }

  /** The overall score of `months` months ending with `month`, oldest first. */
  async trend(month: string, months: number, profileId: string | undefined) {
    const profile = profileNamed(profileId);
    const points = [];
    // Sequential: one connection runs one statement at a time anyway.
    for (const m of monthsUpTo(month, months)) {
      const score = scoreMonth(profile, await this.monthFacts(m));
      points.push({ month: m, overall: score.overall, workUnits: score.workUnits });
    }
    return points;
  }

  /** The calls behind the call-log metrics: the same rows and window facts/call-log-facts.ts counts. */
  async calls(month: string, limit: number) {
    const window = monthWindow(month, this.utcOffsetMinutes());
    const where = `FROM calls WHERE ring_at >= ? AND ring_at < ? AND direction = 'inbound'`;
    const total = await this.deps.db.get<{ n: number }>(`SELECT COUNT(*) AS n ${where}`, [window.fromIso, window.toIso]);
    const rows = await this.deps.db.all<{ call_id: string; ring_at: string; answer_at: string | null; outcome: CallOutcome }>(
      `SELECT call_id, ring_at, answer_at, outcome ${where} ORDER BY ring_at DESC LIMIT ?`,
      [window.fromIso, window.toIso, limit],
    );
    return {
      total: total?.n ?? 0,
      calls: rows.map((row) => ({
        callId: row.call_id,
        ringAt: row.ring_at,
        answered: row.answer_at !== null,
        outcome: row.outcome,
        secondsToAnswer: row.answer_at === null ? null : Math.round(Date.parse(row.answer_at) - Date.parse(row.ring_at)) / 1000,
      })),
    };
  }

  async whatIf(month: string, profileId: string | undefined, change: KpiChange) {
    const result = whatIf(profileNamed(profileId), await this.monthFacts(month), factChangeOf(change));
    return {
      overallBefore: result.before.overall,
      overallAfter: result.after.overall,
      overallDelta: result.overallDelta,
      workUnitsBefore: result.before.workUnits,
      workUnitsAfter: result.after.workUnits,
      workUnitsDelta: result.workUnitsDelta,
      metrics: result.metrics,
    };
  }

  /** Takes in a CSV of facts (long or wide, see facts/facts-csv.ts): every good row in one transaction, every bad one reported. */
  async importCsv(fileName: string, content: Buffer): Promise<KpiFactImportReport> {
    const { text } = decodeText(content);
    const parsed = readFactsCsv(text);
    return this.take({ kind: 'csv', origin: fileName, checksum: checksumOf(content) }, parsed.records, parsed.problems, parsed.ignoredColumns);
  }

  /** Fetches this agent's month from settings.kpi.factsEndpoint and takes it in like a CSV. */
  async fetch(month: string): Promise<KpiFactImportReport> {
    const endpoint = this.deps.settings().factsEndpoint;
    if (!endpoint) throw new ZuoxiError('unavailable', 'No KPI facts endpoint is configured (settings: kpi.factsEndpoint); import a CSV instead');
    const agent = this.requireAgent();
    const fetched = await fetchFacts(endpoint, this.deps.secrets, agent, month);
    return this.take({ kind: 'rest', origin: fetched.url, checksum: checksumOf(fetched.body) }, fetched.records, fetched.problems, []);
  }

  /** The newest fact imports, for the scorecard's "where the numbers come from" list. */
  imports(limit: number) {
    return this.imported.recent(limit);
  }

  private async take(
    source: { kind: ImportKind; origin: string; checksum: string },
    checked: readonly FactRecord[],
    refused: readonly FactProblem[],
    ignoredColumns: string[],
  ): Promise<KpiFactImportReport> {
    const { records, problems: repeats } = lastOfEach(checked);
    const problems = [...refused, ...repeats];
    if (records.length === 0) {
      const reasons = problems.slice(0, 5).map((p) => `${p.ref}: ${p.reason}`).join('; ');
      throw new ZuoxiError('import_failed', `No usable figure in ${source.origin}${reasons ? ` (${reasons})` : ''}; nothing was imported`);
    }
    const importedBefore = await this.imported.importedBefore(source.checksum);
    const saved = await this.imported.save({ ...source, importedAt: new Date(this.deps.nowMs()).toISOString() }, records);
    const agent = this.deps.agent();
    const forThisAgent = records.filter((r) => r.agent === agent).length;
    const teamFacts = records.filter((r) => r.agent === TEAM_AGENT).length;
    return {
      import: { ...saved, months: [...new Set(records.map((r) => r.month))].sort() },
      forThisAgent,
      teamFacts,
      otherAgents: records.length - forThisAgent - teamFacts,
      agent,
      problemCount: problems.length,
      problems: problems.slice(0, MAX_REPORTED_PROBLEMS),
      ignoredColumns,
      importedBefore,
    };
  }

  private async monthFacts(month: string): Promise<MonthFacts> {
    const nowMs = this.deps.nowMs();
    const agent = this.deps.agent();
    const own = await storeFacts(this.deps.db, this.deps.callbacks, { agent, month, utcOffsetMinutes: this.utcOffsetMinutes(), nowMs });
    const imported = await this.imported.forMonth(agent, month);
    const facts = { ...imported, ...own.facts };
    // N1 is the team's highest count and this agent is on the team: a figure below the
    // agent's own count is out of date (imported before the month ended), not a 120 % score.
    const n1 = facts.teamMaxAnsweredCalls;
    const answered = facts.answeredCalls;
    if (n1 && answered && answered.value > n1.value) {
      facts.teamMaxAnsweredCalls = {
        value: answered.value,
        provenance: {
          ...answered.provenance,
          ref: `this agent's own count, above the imported N1 ${n1.value} (${n1.provenance.ref}, ${n1.provenance.importedAt})`,
        },
      };
    }
    return { ...own, facts };
  }

  private requireAgent(): string {
    const agent = this.deps.agent();
    if (agent === '') throw new ZuoxiError('unavailable', 'This seat has no agent yet (no SIP account configured), so there is no month to fetch');
    return agent;
  }

  /** The center's local month: settings.kpi's offset, else this machine's at the work clock's now. */
  private utcOffsetMinutes(): number {
    return this.deps.settings().centerUtcOffsetMinutes ?? -new Date(this.deps.nowMs()).getTimezoneOffset();
  }
}

function profileNamed(profileId: string | undefined): KpiProfile {
  const id = profileId ?? 'customer-service';
  const profile = BUILT_IN_PROFILES.find((p) => p.id === id);
  if (!profile) throw new ZuoxiError('not_found', `No KPI profile "${id}"`);
  return profile;
}

/** `count` months ending with `month`, oldest first (YYYY-MM). */
export function monthsUpTo(month: string, count: number): string[] {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(Date.UTC(year, monthNumber - 1 - (count - 1 - i), 1));
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

function factChangeOf(change: KpiChange): FactChange {
  const deltas: FactChange = {};
  const add = (more: FactChange) => {
    for (const [name, delta] of Object.entries(more) as [keyof FactChange, number][]) deltas[name] = (deltas[name] ?? 0) + delta;
  };
  if (change.answeredWithinSeconds) add(moreAnsweredCalls(change.answeredWithinSeconds.calls, change.answeredWithinSeconds.seconds));
  for (const [name, delta] of Object.entries(change.facts ?? {})) {
    if (!isFactName(name)) throw new ZuoxiError('invalid_input', `Unknown KPI fact "${name}"`);
    add({ [name]: delta });
  }
  return deltas;
}
