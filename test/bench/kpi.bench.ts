// One agent's KPI month, from a store holding a million calls:
//
//   npm run bench -- kpi                  (BENCH_CALLS=200000 for a quicker run)
//
// The store is the real schema (openStore runs every migration) filled in SQL: calls
// only inside 09:00–18:00 local day shifts, ~1400 a working day over about two years,
// every 29th day an empty post (a shift with no log-in), two state-log rows per answered
// call plus the day's log-in and log-out, and a repair work-order callback (with its
// attempt) for every tenth answered call. Imported facts as a center would have them: a
// team sheet per month (200 agents × every importable fact, SQL-filled), and this month's
// sheet taken in through the real CSV import (timed, reported above). One month is then
// scored the way the scorecard is: KpiService.scorecard (three SQL aggregates, callbacks
// through the real CallbackService, the newest imported facts, the customer-service
// profile). Timed warm, 30 runs; month_ms on the last line is the median. The first, cold
// run and a what-if are reported above it. The last line is machine-readable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PhoneNumberNormalizer } from '../../main/core/directory/phone-number';
import { systemClock } from '../../main/core/edge/clock';
import { FACT_NAMES, isImportableFact, TEAM_FACTS } from '../../main/core/kpi/facts';
import { KpiService } from '../../main/core/kpi/kpi-service';
import { silentLogger } from '../../main/core/log/logger';
import { MemorySecretProvider } from '../../main/core/secrets';
import type { Database } from '../../main/core/store/database';
import { openStore } from '../../main/core/store/migrations';
import { Outbox } from '../../main/core/sync/outbox';
import { CallbackService } from '../../main/core/work/callbacks/callback-service';
import { DEFAULT_CALLBACK_SETTINGS } from '../../main/core/work/callbacks/callback-settings';
import { formatSummary, monotonicMs, summarize } from './support/stats';

const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const AGENT = '8001';
const OFFSET_MINUTES = 480; // China Standard Time
const PER_DAY = 1400;
// Day 0 is 2025-01-01 local; day d's 09:00 local is BASE_S + d·86400 + 9·3600 (UTC seconds).
const BASE_S = Date.UTC(2025, 0, 1) / 1000 - OFFSET_MINUTES * 60;
const SHIFT_S = 9 * 3600;
// A full month in the middle of the data (BENCH_MONTH=2025-01 for a quicker run with fewer calls).
const MONTH = process.env.BENCH_MONTH ?? '2025-11';
const TEAM = 200;
const IMPORTED_FACTS = FACT_NAMES.filter((name) => isImportableFact(name) && !TEAM_FACTS.has(name));

/** Working day w (0, 1, …) → calendar day: every 29th calendar day (d % 29 = 28) has no calls and no log-in. */
const workingDaySql = (w: string) => `(${w} + ${w} / 28)`;

async function fill(db: Database, calls: number): Promise<void> {
  const days = Math.ceil(calls / PER_DAY) + Math.ceil(calls / PER_DAY / 28) + 1;
  const lastWorkingDay = Math.floor((calls - 1) / PER_DAY);
  const lastCallMs = (BASE_S + (lastWorkingDay + Math.floor(lastWorkingDay / 28)) * 86400 + 18 * 3600) * 1000;
  // Ring times spread over the shift; 1 in 20 missed; 2–14 s to answer; 5 minutes on the call.
  await db.exec(`
    CREATE TEMP TABLE bench_calls AS
    WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${calls - 1})
    SELECT i,
           ${BASE_S} + ${workingDaySql('(i / ' + PER_DAY + ')')} * 86400 + 9 * 3600 + (i % ${PER_DAY}) * ${SHIFT_S / PER_DAY} AS ring_s,
           CASE WHEN i % 20 = 0 THEN NULL ELSE 2 + (i * 7) % 13 END AS answer_after,
           CASE WHEN i % 10 = 3 THEN 'outbound' ELSE 'inbound' END AS direction
      FROM seq;
    INSERT INTO calls (call_id, direction, ring_at, answer_at, end_at, outcome, cause)
      SELECT 'bench-' || i, direction,
             strftime('%Y-%m-%dT%H:%M:%fZ', ring_s, 'unixepoch'),
             CASE WHEN answer_after IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ring_s + answer_after, 'unixepoch') END,
             strftime('%Y-%m-%dT%H:%M:%fZ', ring_s + 300, 'unixepoch'),
             CASE WHEN answer_after IS NULL THEN 'missed' ELSE 'answered' END, 'bench'
        FROM bench_calls;
    INSERT INTO agent_state_log (agent, state, reason, call_id, at, at_ms)
      SELECT '${AGENT}', state, NULL, call_id, strftime('%Y-%m-%dT%H:%M:%fZ', at_s, 'unixepoch'), CAST(at_s * 1000 AS INTEGER)
        FROM (SELECT 'bench-' || i AS call_id, 'on_call' AS state, ring_s + answer_after AS at_s FROM bench_calls WHERE answer_after IS NOT NULL
              UNION ALL
              SELECT 'bench-' || i, 'ready', ring_s + 300 FROM bench_calls WHERE answer_after IS NOT NULL)
       ORDER BY at_s;
    WITH RECURSIVE day(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM day WHERE d < ${days - 1})
    INSERT INTO shifts (agent, date, start_local, end_local, start_ms, end_ms, import_id, imported_at)
      SELECT '${AGENT}', date(${BASE_S} + d * 86400 + 8 * 3600, 'unixepoch'), '09:00', '18:00',
             (${BASE_S} + d * 86400 + 9 * 3600) * 1000, (${BASE_S} + d * 86400 + 18 * 3600) * 1000, 'bench', 'bench'
        FROM day;
    -- Log in five minutes early, log out five minutes late, on every working day up to the last call's.
    INSERT INTO agent_state_log (agent, state, reason, at, at_ms)
      SELECT '${AGENT}', state, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', at_ms / 1000, 'unixepoch'), at_ms
        FROM (SELECT 'ready' AS state, start_ms - 300000 AS at_ms, start_ms FROM shifts
              UNION ALL
              SELECT 'logged_out', end_ms + 300000, start_ms FROM shifts)
       WHERE ((start_ms / 1000 - ${BASE_S} - 9 * 3600) / 86400) % 29 <> 28
         AND start_ms <= ${lastCallMs}
       ORDER BY at_ms;
    -- A repair work order on every tenth answered call; called back within an hour, 9 in 10 resolved.
    INSERT INTO callbacks (number, subject, source, source_ref, created_at, deadline_at, due_at, status, attempts, last_attempt_at, resolution, resolved_at)
      SELECT '+86138' || printf('%08d', i), '维修回访', 'work_order', 'wo-' || i,
             strftime('%Y-%m-%dT%H:%M:%fZ', ring_s + 300, 'unixepoch'),
             strftime('%Y-%m-%dT%H:%M:%fZ', ring_s + 300 + 86400, 'unixepoch'),
             strftime('%Y-%m-%dT%H:%M:%fZ', ring_s + 300 + 86400, 'unixepoch'),
             'done', 1, strftime('%Y-%m-%dT%H:%M:%fZ', ring_s + 3900, 'unixepoch'), 'done',
             strftime('%Y-%m-%dT%H:%M:%fZ', ring_s + 4200, 'unixepoch')
        FROM bench_calls WHERE answer_after IS NOT NULL AND i % 10 = 1;
    INSERT INTO callback_attempts (callback_id, call_id, started_at, ended_at, sip_outcome, agent_outcome)
      SELECT c.id, 'cb-' || c.id, c.last_attempt_at, c.resolved_at, 'answered', CASE WHEN c.id % 10 = 0 THEN 'reached_unresolved' ELSE 'reached_resolved' END
        FROM callbacks c;
    DROP TABLE bench_calls;
    ANALYZE;
  `);
}

/** One import per month before MONTH and after it, each with every importable fact of every agent on the team. */
async function fillImported(db: Database): Promise<void> {
  const agents = Array.from({ length: TEAM }, (_, i) => (i === 0 ? AGENT : String(8001 + i)));
  const months = Array.from({ length: 24 }, (_, i) => `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`).filter((m) => m !== MONTH);
  await db.transaction(async (tx) => {
    for (const month of months) {
      const batch = await tx.run("INSERT INTO kpi_fact_imports (kind, origin, checksum, imported_at, fact_count) VALUES ('csv', ?, ?, ?, ?)", [
        `team-${month}.csv`,
        `bench-${month}`,
        new Date().toISOString(),
        agents.length * IMPORTED_FACTS.length + 1,
      ]);
      const values = agents.flatMap((agent, a) => IMPORTED_FACTS.map((fact, f) => `(${batch.lastId}, '${agent}', '${month}', '${fact}', ${(a * 7 + f * 13) % 97}, 'row ${a + 1}')`));
      values.push(`(${batch.lastId}, '*', '${month}', 'teamMaxAnsweredCalls', 40000, 'row ${agents.length + 1}')`);
      await tx.exec(`INSERT INTO kpi_facts (import_id, agent, month, fact, value, ref) VALUES ${values.join(',')}`);
    }
  });
}

/** MONTH's team sheet in the wide layout a supervisor exports: one row per agent, one column per fact, and the N1 row. */
function teamSheet(): Buffer {
  const header = ['工号', '月份', ...IMPORTED_FACTS, 'N1'];
  const rows = Array.from({ length: TEAM }, (_, a) => [a === 0 ? AGENT : String(8001 + a), MONTH, ...IMPORTED_FACTS.map((_, f) => String((a * 7 + f * 13) % 97)), '']);
  rows.push(['班组', MONTH, ...IMPORTED_FACTS.map(() => ''), '40000']);
  return Buffer.from([header, ...rows].map((row) => row.join(',')).join('\r\n'), 'utf8');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-bench-kpi-'));
  const db = await openStore(path.join(dir, 'kpi.db'), silentLogger);
  try {
    let started = monotonicMs();
    await fill(db, CALLS);
    const count = async (table: string) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? 0;
    console.log(
      `filled in ${((monotonicMs() - started) / 1000).toFixed(1)} s: calls=${await count('calls')} agent_state_log=${await count('agent_state_log')} ` +
        `shifts=${await count('shifts')} callbacks=${await count('callbacks')} callback_attempts=${await count('callback_attempts')}`,
    );

    const normalizer = new PhoneNumberNormalizer({ defaultRegion: 'CN' });
    const callbacks = new CallbackService({
      db,
      outbox: new Outbox(db),
      log: silentLogger,
      clock: systemClock,
      settings: () => DEFAULT_CALLBACK_SETTINGS,
      toE164: (raw) => normalizer.toE164(raw),
      dialer: { dial: () => Promise.reject(new Error('the KPI benchmark places no calls')) },
      onChanged: () => undefined,
      onReminder: () => undefined,
    });
    await fillImported(db);
    const kpi = new KpiService({
      db,
      callbacks,
      secrets: new MemorySecretProvider(),
      settings: () => ({ centerUtcOffsetMinutes: OFFSET_MINUTES, factsEndpoint: null }),
      agent: () => AGENT,
      nowMs: () => Date.now(),
    });
    started = monotonicMs();
    const imported = await kpi.importCsv(`team-${MONTH}.csv`, teamSheet());
    const importMs = monotonicMs() - started;
    console.log(
      `imported facts: kpi_facts=${await count('kpi_facts')}; ${MONTH}'s team sheet (${TEAM} agents × ${IMPORTED_FACTS.length} facts + N1) through the CSV import: ` +
        `${imported.import.factCount} figures, ${imported.problemCount} refused, ${importMs.toFixed(1)} ms`,
    );
    const scoreOnce = () => kpi.scorecard(MONTH, 'customer-service');

    started = monotonicMs();
    const first = await scoreOnce();
    const coldMs = monotonicMs() - started;
    const timings: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      started = monotonicMs();
      await scoreOnce();
      timings.push(monotonicMs() - started);
    }
    started = monotonicMs();
    const what = await kpi.whatIf(MONTH, 'customer-service', { answeredWithinSeconds: { calls: 10, seconds: 8 } });
    const whatIfMs = monotonicMs() - started;

    const input = (name: string) => first.metrics.flatMap((m) => m.inputs).find((i) => i.fact === name)?.value;
    console.log(
      `month ${MONTH}: offered=${input('offeredCalls')} answered=${input('answeredCalls')} mean_answer_s=${((input('ringToAnswerSecondsSum') ?? 0) / (input('ringToAnswerCount') ?? 1)).toFixed(2)} ` +
        `absences=${input('absences')} callbacks=${input('callbacksRequired')}/${input('callbacksMade')}/${input('callbacksEffective')} N1=${input('teamMaxAnsweredCalls')}`,
    );
    console.log(`overall=${first.overall} work_units=${first.workUnits} (${first.metrics.filter((m) => m.available).length} of 18 metrics with data)`);
    console.log(`cold first month: ${coldMs.toFixed(3)} ms; what-if (+10 calls within 8 s, facts read again and two scorings): ${whatIfMs.toFixed(3)} ms, overall ${what.overallDelta >= 0 ? '+' : ''}${what.overallDelta}`);
    const summary = summarize(timings);
    console.log(formatSummary('month (KpiService.scorecard)', summary));
    console.log(`kpi month_ms=${summary.p50.toFixed(3)} calls=${CALLS}`);
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
