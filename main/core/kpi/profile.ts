/**
 * A KPI profile: the whole scorecard as data (JSON), so a call center tunes targets,
 * steps, caps and weights by editing a file, never code. This module is the format and
 * its gatekeeper: `loadProfile` refuses a profile that could not be scored as written,
 * naming the metric and the path, rather than scoring it half-right.
 *
 * Formula kinds are a small closed set (see MetricDefinition / Scoring below); a kind
 * this build does not know is refused, not skipped.
 */
import { z } from 'zod';
import { FACT_SOURCES, isFactName, type FactName } from './facts';

const KNOWN_DEFINITIONS = ['ratio', 'average', 'value', 'count', 'relative-to-max'] as const;
const KNOWN_SCORINGS = ['steps', 'per-item', 'bands', 'proportional'] as const;
const KNOWN_COMBINATIONS = ['standard-plus-weighted-points', 'weighted-mean', 'minimum'] as const;

const factName = z.string().refine(isFactName, { error: (issue) => `unknown fact "${String(issue.input)}"` }) as unknown as z.ZodType<FactName>;

/** Deduction / bonus caps are written as positive point counts; a negative one is a mistake, not a bonus. */
const cap = z.number({ error: 'a cap must be a number' }).nonnegative({ error: 'a cap must not be negative (write a deduction cap as a positive number of points)' });
const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be greater than 0` });
const target = z.number({ error: (issue) => (issue.input === undefined ? 'missing target' : 'target must be a number') });

const names = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) });

/** How the raw value is computed from facts. */
const definition = z.discriminatedUnion(
  'kind',
  [
    // raw = numerator × 100 / (denominator × denominatorFactor), a percentage.
    // denominatorFactor lets metric 10 say "planned = 5 % of answered calls".
    z.object({ kind: z.literal('ratio'), numerator: factName, denominator: factName, denominatorFactor: positive('denominatorFactor').optional() }),
    // raw = sum / count, e.g. mean seconds from ring to answer.
    z.object({ kind: z.literal('average'), sum: factName, count: factName }),
    // raw = the fact itself (an exam score, a supervisor's mark, assets in yuan).
    z.object({ kind: z.literal('value'), fact: factName }),
    // raw = Σ item counts; each item carries its own points (complaint levels −3/−5/−8).
    z.object({ kind: z.literal('count'), items: z.array(z.object({ fact: factName, points: z.number() })).min(1) }),
    // raw = fact × 100 / max, e.g. metric 1: N × 100 / N1.
    z.object({ kind: z.literal('relative-to-max'), fact: factName, max: factName }),
  ],
  { error: (issue) => `unknown metric kind ${JSON.stringify((issue.input as { kind?: unknown } | undefined)?.kind)}; known: ${KNOWN_DEFINITIONS.join(', ')}` },
);

/** How raw becomes points; score = 100 + points unless a band says otherwise. */
const scoring = z.discriminatedUnion(
  'kind',
  [
    // Whole steps from the target: "−1 per 1 %" is −1 for each whole percentage point short.
    z.object({
      kind: z.literal('steps'),
      target,
      better: z.enum(['higher', 'lower']),
      shortfall: z.object({ step: positive('shortfall.step'), points: cap, maxDeduction: cap.optional() }),
      // Either per-step points above target, or a flat bonus for being above it at all (metric 7).
      excess: z
        .union([z.object({ step: positive('excess.step'), points: cap, maxBonus: cap.optional() }), z.object({ flat: cap })])
        .optional(),
    }),
    // Points per counted item (the items' own points), clipped to the caps. Target is the standard count (0).
    z.object({ kind: z.literal('per-item'), target, maxDeduction: cap.optional(), maxBonus: cap.optional() }),
    // Threshold bands: the most severe band whose `below` the raw value is under applies.
    // base "standard": score = 100 + band points; base "raw": score = raw + band points.
    z.object({
      kind: z.literal('bands'),
      target,
      base: z.enum(['standard', 'raw']),
      bands: z.array(z.object({ below: z.number(), points: z.number().max(0, { error: 'band points are deductions (≤ 0)' }) })).min(1),
    }),
    // score = raw × 100 / target (metric 1 with target 100 scores N × 100 / N1 itself).
    z.object({ kind: z.literal('proportional'), target: target.refine((t) => t > 0, { error: 'target must be greater than 0' }), maxDeduction: cap.optional(), maxBonus: cap.optional() }),
  ],
  { error: (issue) => `unknown scoring kind ${JSON.stringify((issue.input as { kind?: unknown } | undefined)?.kind)}; known: ${KNOWN_SCORINGS.join(', ')}` },
);

const metric = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'metric ids are kebab-case' }),
  /** The rules file's row number, for people cross-checking the source. */
  number: z.number().int().positive().optional(),
  names,
  unit: z.enum(['percent', 'seconds', 'count', 'score', 'yuan', 'points']),
  source: z.enum(FACT_SOURCES, { error: (issue) => `unknown data source ${JSON.stringify(issue.input)}; known: ${FACT_SOURCES.join(', ')}` }),
  definition,
  scoring,
  /** A metric whose facts are missing (or whose denominator is 0): left out, scored at standard (100), or scored 0. */
  unavailable: z.enum(['exclude', 'standard', 'zero']),
  note: z.string().optional(),
});

const combination = z.object({
  kind: z.enum(KNOWN_COMBINATIONS, { error: (issue) => `unknown combination kind ${JSON.stringify(issue.input)}; known: ${KNOWN_COMBINATIONS.join(', ')}` }),
  /** Only for standard-plus-weighted-points: the overall score of an agent exactly at every target. */
  standard: z.number().optional(),
  /** Divide by the sum of the counted metrics' weights (so excluded metrics do not drag the score). */
  normalise: z.boolean(),
  /** One weight per metric id; 0 shows a metric without counting it. */
  weights: z.record(z.string(), z.number({ error: 'a weight must be a number' })),
});

/** Whole points from a baseline, 50 units each: see the customer-service profile's description. */
const workUnits = z.object({
  reward: z.object({ atOrAbove: z.number(), countFrom: z.number(), unitsPerPoint: z.number().nonnegative() }),
  deduction: z.object({ below: z.number(), countFrom: z.number(), unitsPerPoint: z.number().nonnegative() }),
});

const level = z.object({ min: z.number(), names });

export const profileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    names,
    description: z.string(),
    /** Bumped on every edit so a stored score says which rules made it. */
    version: z.number().int().positive(),
    metrics: z.array(metric).min(1),
    combination,
    workUnits: workUnits.optional(),
    levels: z.array(level).optional(),
  })
  .superRefine((profile, ctx) => {
    const ids = profile.metrics.map((m) => m.id);
    profile.metrics.forEach((m, index) => {
      if (ids.indexOf(m.id) !== index) ctx.addIssue({ code: 'custom', path: ['metrics', index, 'id'], message: `duplicate metric id "${m.id}"` });
      // per-item scoring takes its points from the items, so only a count definition has any.
      if ((m.scoring.kind === 'per-item') !== (m.definition.kind === 'count')) {
        ctx.addIssue({ code: 'custom', path: ['metrics', index, 'scoring', 'kind'], message: 'per-item scoring goes with a count definition, and a count definition with per-item scoring' });
      }
      if (m.scoring.kind === 'bands') {
        const t = m.scoring.target;
        m.scoring.bands.forEach((band, b) => {
          if (band.below > t) ctx.addIssue({ code: 'custom', path: ['metrics', index, 'scoring', 'bands', b, 'below'], message: `band threshold ${band.below} is above the target ${t}` });
        });
      }
    });
    const weights = profile.combination.weights;
    for (const key of Object.keys(weights)) {
      if (!ids.includes(key)) ctx.addIssue({ code: 'custom', path: ['combination', 'weights', key], message: `weight for unknown metric "${key}"` });
    }
    let total = 0;
    for (const id of ids) {
      const weight = weights[id];
      if (weight === undefined) ctx.addIssue({ code: 'custom', path: ['combination', 'weights', id], message: `metric "${id}" has no weight (write 0 to show it without counting it)` });
      else if (!Number.isFinite(weight) || weight < 0) ctx.addIssue({ code: 'custom', path: ['combination', 'weights', id], message: `weight ${weight} for "${id}" must be a finite number ≥ 0` });
      else total += weight;
    }
    if (total <= 0) ctx.addIssue({ code: 'custom', path: ['combination', 'weights'], message: 'every weight is 0: nothing would count toward the overall score' });
    if (profile.combination.kind === 'standard-plus-weighted-points' && profile.combination.standard === undefined) {
      ctx.addIssue({ code: 'custom', path: ['combination', 'standard'], message: 'standard-plus-weighted-points needs the standard overall score' });
    }
    if (profile.combination.kind === 'weighted-mean' && !profile.combination.normalise) {
      ctx.addIssue({ code: 'custom', path: ['combination', 'normalise'], message: 'a weighted mean is normalised by definition' });
    }
  });

export type KpiProfile = z.infer<typeof profileSchema>;
export type MetricSpec = KpiProfile['metrics'][number];
export type MetricDefinition = MetricSpec['definition'];
export type MetricScoring = MetricSpec['scoring'];

/** A refused profile: the first reason with its path, and every reason for the log. */
export class ProfileError extends Error {
  constructor(
    readonly reasons: readonly string[],
    readonly profileId: string,
  ) {
    super(`KPI profile "${profileId}" refused: ${reasons.join('; ')}`);
    this.name = 'ProfileError';
  }
}

export type ProfileResult = { ok: true; profile: KpiProfile } | { ok: false; error: ProfileError };

/** Parses without throwing; each reason names the metric id (when there is one) and the path. */
export function parseProfile(input: unknown): ProfileResult {
  const parsed = profileSchema.safeParse(input);
  if (parsed.success) return { ok: true, profile: parsed.data };
  const raw = (typeof input === 'object' && input !== null ? input : {}) as { id?: unknown; metrics?: unknown };
  const reasons = parsed.error.issues.map((issue) => {
    const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
    const metricIndex = issue.path[0] === 'metrics' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
    const metricId = metricIndex !== undefined && Array.isArray(raw.metrics) ? (raw.metrics[metricIndex] as { id?: unknown } | undefined)?.id : undefined;
    const where = typeof metricId === 'string' ? `metric "${metricId}" (${path})` : path || '(profile)';
    return `${where}: ${issue.message}`;
  });
  return { ok: false, error: new ProfileError(reasons, typeof raw.id === 'string' ? raw.id : '?') };
}

/** Loads a profile or throws ProfileError with the reasons. */
export function loadProfile(input: unknown): KpiProfile {
  const result = parseProfile(input);
  if (!result.ok) throw result.error;
  return result.profile;
}
