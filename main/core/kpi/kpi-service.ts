import type { KpiChange } from '../../common/channels/kpi';
import { ZuoxiError } from '../../common/errors';
import type { SqlExecutor } from '../store/database';
import { moreAnsweredCalls, scoreMonth, whatIf, type FactChange } from './engine';
import { isFactName } from './facts';
import { monthWindow } from './facts/month-window';
import type { CallbackStatsSource } from './facts/callback-facts';
import { storeFacts } from './facts/store-facts';
import type { KpiProfile } from './profile';
import { BUILT_IN_PROFILES } from './profiles';

export interface KpiServiceDeps {
  db: SqlExecutor;
  callbacks: CallbackStatsSource;
  /** Whose month: the seat's extension, as the attendance rows and schedule name agents. */
  agent: () => string;
  /** The work clock's now (ms): a month's facts are read as of it. */
  nowMs: () => number;
}

/**
 * This seat's agent's scorecard, from the store's own facts. Facts that live elsewhere
 * (surveys, complaints, QA…) are not imported yet, so those metrics score by the
 * profile's unavailable rule.
 */
export class KpiService {
  constructor(private readonly deps: KpiServiceDeps) {}

  profiles() {
    return BUILT_IN_PROFILES.map(({ id, version, names }) => ({ id, version, names }));
  }

  async scorecard(month: string, profileId: string | undefined) {
    return scoreMonth(profileNamed(profileId), await this.monthFacts(month));
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
    const rows = await this.deps.db.all<{ call_id: string; ring_at: string; answer_at: string | null }>(
      `SELECT call_id, ring_at, answer_at ${where} ORDER BY ring_at DESC LIMIT ?`,
      [window.fromIso, window.toIso, limit],
    );
    return {
      total: total?.n ?? 0,
      calls: rows.map((row) => ({
        callId: row.call_id,
        ringAt: row.ring_at,
        answered: row.answer_at !== null,
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

  private monthFacts(month: string) {
    const nowMs = this.deps.nowMs();
    return storeFacts(this.deps.db, this.deps.callbacks, { agent: this.deps.agent(), month, utcOffsetMinutes: this.utcOffsetMinutes(), nowMs });
  }

  /** The center's local month: the machine's offset from UTC at the work clock's now. */
  private utcOffsetMinutes(): number {
    return -new Date(this.deps.nowMs()).getTimezoneOffset();
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
