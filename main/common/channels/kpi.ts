import { z } from 'zod';
import { CALL_OUTCOMES } from '../domain';

// The personal KPI scorecard (issue 6): the engine in main/core/kpi scores this seat's
// agent's month from the store's facts and the imported ones (CSV or the center's REST
// endpoint); a fact nobody supplied scores by the profile's unavailable rule. Spread into
// `channels` in ../contract.ts.

const channel = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });

/** YYYY-MM, the agent's local calendar month. */
export const KpiMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month is written YYYY-MM');
const ProfileId = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/);
const Names = z.object({ 'zh-CN': z.string(), en: z.string() });

export const KpiProvenanceSchema = z.object({
  source: z.string(),
  /** When the number was read or imported (ISO 8601). */
  importedAt: z.string(),
  /** What it was read from (a query window, a file and row, a URL). */
  ref: z.string(),
});

export const KpiMetricSchema = z.object({
  id: z.string(),
  names: Names,
  unit: z.string(),
  /** Where the metric's data comes from (call_log, survey, …). */
  source: z.string(),
  raw: z.number().nullable(),
  target: z.number(),
  /** score − 100 after caps. */
  points: z.number(),
  score: z.number().nullable(),
  capped: z.boolean(),
  available: z.boolean(),
  unavailableReason: z.string().optional(),
  counted: z.boolean(),
  weight: z.number(),
  inputs: z.array(z.object({ fact: z.string(), value: z.number(), provenance: KpiProvenanceSchema })),
});
export type KpiMetric = z.infer<typeof KpiMetricSchema>;

export const KpiScorecardSchema = z.object({
  profileId: z.string(),
  profileVersion: z.number(),
  agent: z.string(),
  month: z.string(),
  metrics: z.array(KpiMetricSchema),
  overall: z.number(),
  workUnits: z.number().nullable(),
  level: z.object({ min: z.number(), names: Names }).nullable(),
  /** The combination written out with this month's numbers. */
  formula: z.string(),
  /** The center's month now (YYYY-MM): the one that moves as calls end, whatever this PC's clock zone says. */
  currentMonth: KpiMonth,
});
export type KpiScorecard = z.infer<typeof KpiScorecardSchema>;

const Count = z.number().int().min(0).max(100_000);

/** What the agent imagines: more calls answered within some seconds, and/or raw fact deltas. */
export const KpiChangeSchema = z
  .object({
    answeredWithinSeconds: z.object({ calls: Count, seconds: z.number().min(0).max(3600) }).strict().optional(),
    /** Deltas on named facts (the engine's FACT_REGISTRY); an unknown fact is refused. */
    facts: z.record(z.string().max(64), z.number().min(-1_000_000).max(1_000_000)).optional(),
  })
  .strict();
export type KpiChange = z.infer<typeof KpiChangeSchema>;

export const KpiWhatIfSchema = z.object({
  overallBefore: z.number(),
  overallAfter: z.number(),
  overallDelta: z.number(),
  workUnitsBefore: z.number().nullable(),
  workUnitsAfter: z.number().nullable(),
  workUnitsDelta: z.number().nullable(),
  metrics: z.array(z.object({ id: z.string(), scoreBefore: z.number().nullable(), scoreAfter: z.number().nullable(), delta: z.number() })),
});
export type KpiWhatIf = z.infer<typeof KpiWhatIfSchema>;

/** A CSV is a few thousand rows at most; this is ~7 MB of file. */
const MAX_FACTS_FILE_BASE64 = 10 * 1024 * 1024;

export const KpiFactImportSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['csv', 'rest']),
  /** The file name or the URL fetched. */
  origin: z.string(),
  importedAt: z.string(),
  factCount: z.number().int(),
  months: z.array(z.string()),
});
export type KpiFactImport = z.infer<typeof KpiFactImportSchema>;

/** What an import took in and what it refused (row by row), so a wrong file is fixed, not guessed at. */
export const KpiFactImportReportSchema = z.object({
  import: KpiFactImportSchema,
  /** Figures for this seat's agent (`agent`), the team (N1) and other agents (kept, not shown). */
  forThisAgent: z.number().int(),
  teamFacts: z.number().int(),
  otherAgents: z.number().int(),
  agent: z.string(),
  problemCount: z.number().int(),
  problems: z.array(z.object({ ref: z.string(), reason: z.string() })),
  /** Columns that name no fact: a misspelt fact name shows up here. */
  ignoredColumns: z.array(z.string()),
  /** When exactly this content was imported before, or null. */
  importedBefore: z.string().nullable(),
});
export type KpiFactImportReport = z.infer<typeof KpiFactImportReportSchema>;

export const kpiChannels = {
  /** The month's scorecard for this seat's agent; profileId defaults to customer-service. */
  'kpi.scorecard': channel(z.object({ month: KpiMonth, profileId: ProfileId.optional() }).strict(), KpiScorecardSchema),
  /** The same month scored again with the change applied: the deltas, by the same engine. */
  'kpi.whatIf': channel(z.object({ month: KpiMonth, profileId: ProfileId.optional(), change: KpiChangeSchema }).strict(), KpiWhatIfSchema),
  /** The overall score of `months` months ending with `month` (oldest first), for the trend line. */
  'kpi.trend': channel(
    z.object({ month: KpiMonth, months: z.number().int().min(1).max(24).default(6), profileId: ProfileId.optional() }).strict(),
    z.array(z.object({ month: z.string(), overall: z.number(), workUnits: z.number().nullable() })),
  ),
  /** Drill-down of the call-log metrics: the month's inbound calls (newest first) the numbers were counted from. */
  'kpi.calls': channel(
    z.object({ month: KpiMonth, limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.object({
      total: z.number().int(),
      calls: z.array(
        z.object({
          callId: z.string(),
          ringAt: z.string(),
          answered: z.boolean(),
          secondsToAnswer: z.number().nullable(),
          /** How it ended: an unanswered call was missed (rang out, caller gave up) or rejected by the agent. */
          outcome: z.enum(CALL_OUTCOMES),
        }),
      ),
    }),
  ),
  /**
   * Facts from a CSV (survey, complaints, QA, exams, training, supervisor, sales, the team's
   * N1; long or wide layout, English or Chinese headers, UTF-8 or GBK). Good rows are kept
   * in one transaction; an import with no good row is refused (import_failed) whole.
   */
  'kpi.importFacts': channel(
    z.object({ fileName: z.string().min(1).max(255), contentBase64: z.base64().max(MAX_FACTS_FILE_BASE64) }).strict(),
    KpiFactImportReportSchema,
  ),
  /** This agent's month fetched from settings.kpi.factsEndpoint (unavailable when none is set or it fails). */
  'kpi.fetchFacts': channel(z.object({ month: KpiMonth }).strict(), KpiFactImportReportSchema),
  /** The newest fact imports. */
  'kpi.factImports': channel(z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(), z.array(KpiFactImportSchema)),
  /** The built-in profiles. */
  'kpi.profiles': channel(z.object({}).strict(), z.array(z.object({ id: z.string(), version: z.number(), names: Names }))),
} as const;
