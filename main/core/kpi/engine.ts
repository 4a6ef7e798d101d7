/**
 * The scoring engine: pure functions from (profile, facts) to a scorecard. Nothing here
 * knows a metric by name; everything a metric means is in its profile entry.
 *
 * Rounding, stated once because pay depends on it:
 * - a raw value is rounded to 6 decimals before steps are counted, so float noise
 *   (93.00000000001 %) never costs or earns a step;
 * - steps are WHOLE steps: "−1 per 1 %" at 93.4 % against 95 % is one whole step (1.6
 *   points short) → −1;
 * - the overall score is rounded to 2 decimals; work units count whole points of it.
 */
import { FACT_REGISTRY, type FactName, type FactUse, type MonthFacts } from './facts';
import type { KpiProfile, MetricDefinition, MetricScoring, MetricSpec } from './profile';

export interface MetricResult {
  id: string;
  names: MetricSpec['names'];
  unit: MetricSpec['unit'];
  source: MetricSpec['source'];
  /** The computed raw value, or null when the metric is unavailable. */
  raw: number | null;
  target: number;
  /** score − 100 (the deduction or bonus), after caps. */
  points: number;
  /** The metric's score, or null when unavailable and excluded. */
  score: number | null;
  /** True when a cap cut the points. */
  capped: boolean;
  available: boolean;
  /** Why the metric is unavailable (a missing fact, a zero denominator). */
  unavailableReason?: string;
  /** Whether the score counts toward the overall (available or scored by the unavailable rule, and weight > 0). */
  counted: boolean;
  weight: number;
  inputs: FactUse[];
}

export interface MonthScore {
  profileId: string;
  profileVersion: number;
  agent: string;
  month: string;
  metrics: MetricResult[];
  overall: number;
  workUnits: number | null;
  /** The profile's level the overall reaches (securities grades), or null. */
  level: NonNullable<KpiProfile['levels']>[number] | null;
  /** The combination written out with this month's numbers, for the agent to check. */
  formula: string;
}

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

/** Whole steps in `gap`; the epsilon keeps 2.0000000001 / 2 from becoming 0.99999 steps after rounding. */
const wholeSteps = (gap: number, step: number): number => Math.floor(round(gap / step, 9));

type Raw = { raw: number; inputs: FactUse[] } | { raw: null; inputs: FactUse[]; reason: string };

function computeRaw(definition: MetricDefinition, month: MonthFacts): Raw {
  const inputs: FactUse[] = [];
  const missing: FactName[] = [];
  const read = (name: FactName): number => {
    const fact = month.facts[name];
    if (!fact) {
      missing.push(name);
      return Number.NaN;
    }
    inputs.push({ fact: name, value: fact.value, provenance: fact.provenance });
    return fact.value;
  };
  let raw: number;
  let denominator = 1;
  switch (definition.kind) {
    case 'ratio':
      denominator = read(definition.denominator) * (definition.denominatorFactor ?? 1);
      raw = (read(definition.numerator) * 100) / denominator;
      break;
    case 'average':
      denominator = read(definition.count);
      raw = read(definition.sum) / denominator;
      break;
    case 'value':
      raw = read(definition.fact);
      break;
    case 'count':
      raw = definition.items.reduce((sum, item) => sum + read(item.fact), 0);
      break;
    case 'relative-to-max':
      denominator = read(definition.max);
      raw = (read(definition.fact) * 100) / denominator;
      break;
  }
  if (missing.length > 0) return { raw: null, inputs, reason: `no data for ${missing.join(', ')}` };
  if (denominator === 0) return { raw: null, inputs, reason: 'the denominator is 0 (nothing to measure this month)' };
  if (!Number.isFinite(raw)) return { raw: null, inputs, reason: 'the facts do not give a finite value' };
  return { raw: round(raw, 6), inputs };
}

interface Points {
  points: number;
  /** Set when the score is not 100 + points (bands on a raw base). */
  score?: number;
  capped: boolean;
}

function clip(points: number, maxDeduction: number | undefined, maxBonus: number | undefined): Points {
  if (maxDeduction !== undefined && points < -maxDeduction) return { points: -maxDeduction, capped: true };
  if (maxBonus !== undefined && points > maxBonus) return { points: maxBonus, capped: true };
  return { points, capped: false };
}

function scorePoints(scoring: MetricScoring, definition: MetricDefinition, raw: number, month: MonthFacts): Points {
  switch (scoring.kind) {
    case 'steps': {
      const gap = scoring.better === 'higher' ? raw - scoring.target : scoring.target - raw;
      if (gap < 0) return clip(-wholeSteps(-gap, scoring.shortfall.step) * scoring.shortfall.points, scoring.shortfall.maxDeduction, undefined);
      if (gap > 0 && scoring.excess) {
        if ('flat' in scoring.excess) return { points: scoring.excess.flat, capped: false };
        return clip(wholeSteps(gap, scoring.excess.step) * scoring.excess.points, undefined, scoring.excess.maxBonus);
      }
      return { points: 0, capped: false };
    }
    case 'per-item': {
      // The definition is a count (enforced on load); each item's own points apply per item.
      const items = definition.kind === 'count' ? definition.items : [];
      const points = items.reduce((sum, item) => sum + (month.facts[item.fact]?.value ?? 0) * item.points, 0);
      return clip(points, scoring.maxDeduction, scoring.maxBonus);
    }
    case 'bands': {
      // The most severe band that applies: the one with the lowest threshold still above raw.
      const applicable = scoring.bands.filter((band) => raw < band.below).sort((a, b) => a.below - b.below)[0];
      const points = raw >= scoring.target || !applicable ? 0 : applicable.points;
      return scoring.base === 'standard' ? { points, capped: false } : { points, score: raw + points, capped: false };
    }
    case 'proportional':
      return clip((raw * 100) / scoring.target - 100, scoring.maxDeduction, scoring.maxBonus);
  }
}

export function scoreMetric(metric: MetricSpec, weight: number, month: MonthFacts): MetricResult {
  const computed = computeRaw(metric.definition, month);
  const base = { id: metric.id, names: metric.names, unit: metric.unit, source: metric.source, target: metric.scoring.target, weight, inputs: computed.inputs };
  if (computed.raw === null) {
    const score = metric.unavailable === 'standard' ? 100 : metric.unavailable === 'zero' ? 0 : null;
    return { ...base, raw: null, points: score === null ? 0 : score - 100, score, capped: false, available: false, unavailableReason: computed.reason, counted: score !== null && weight > 0 };
  }
  const { points, score, capped } = scorePoints(metric.scoring, metric.definition, computed.raw, month);
  const finalScore = round(score ?? 100 + points, 6);
  return { ...base, raw: computed.raw, points: round(finalScore - 100, 6), score: finalScore, capped, available: true, counted: weight > 0 };
}

function combine(profile: KpiProfile, metrics: readonly MetricResult[]): { overall: number; formula: string } {
  const counted = metrics.filter((m) => m.counted && m.score !== null);
  const { kind, normalise, standard } = profile.combination;
  const totalWeight = counted.reduce((sum, m) => sum + m.weight, 0);
  const fmt = (n: number) => String(round(n, 2));
  if (counted.length === 0) return { overall: standard ?? 0, formula: 'no metric could be scored this month' };
  switch (kind) {
    case 'standard-plus-weighted-points': {
      const weighted = counted.reduce((sum, m) => sum + m.weight * ((m.score ?? 100) - 100), 0);
      const divisor = normalise ? totalWeight : 1;
      const overall = round((standard ?? 0) + weighted / divisor, 2);
      const terms = counted.map((m) => `${fmt(m.weight)}×(${fmt(m.score ?? 0)}−100)`).join(' + ');
      return {
        overall,
        formula: `overall = ${fmt(standard ?? 0)} + Σ wᵢ·(scoreᵢ − 100)${normalise ? ' / Σ wᵢ' : ''} = ${fmt(standard ?? 0)} + (${terms})${normalise ? ` / ${fmt(totalWeight)}` : ''} = ${fmt(overall)}`,
      };
    }
    case 'weighted-mean': {
      const overall = round(counted.reduce((sum, m) => sum + m.weight * (m.score ?? 0), 0) / totalWeight, 2);
      const terms = counted.map((m) => `${fmt(m.weight)}×${fmt(m.score ?? 0)}`).join(' + ');
      return { overall, formula: `overall = Σ wᵢ·scoreᵢ / Σ wᵢ = (${terms}) / ${fmt(totalWeight)} = ${fmt(overall)}` };
    }
    case 'minimum': {
      const overall = round(Math.min(...counted.map((m) => m.score ?? 0)), 2);
      return { overall, formula: `overall = min(${counted.map((m) => `${m.id} ${fmt(m.score ?? 0)}`).join(', ')}) = ${fmt(overall)}` };
    }
  }
}

/**
 * Work units from the overall score, counted in whole points from each rule's baseline
 * (the profile's description says which reading of the source it implements).
 */
export function workUnitsFor(rule: NonNullable<KpiProfile['workUnits']>, overall: number): number {
  if (overall >= rule.reward.atOrAbove) return rule.reward.unitsPerPoint * Math.floor(round(overall - rule.reward.countFrom, 9));
  if (overall < rule.deduction.below) {
    const short = Math.floor(round(rule.deduction.countFrom - overall, 9));
    return short === 0 ? 0 : -rule.deduction.unitsPerPoint * short;
  }
  return 0;
}

export function scoreMonth(profile: KpiProfile, month: MonthFacts): MonthScore {
  const metrics = profile.metrics.map((metric) => scoreMetric(metric, profile.combination.weights[metric.id] ?? 0, month));
  const { overall, formula } = combine(profile, metrics);
  const levels = [...(profile.levels ?? [])].sort((a, b) => b.min - a.min);
  return {
    profileId: profile.id,
    profileVersion: profile.version,
    agent: month.agent,
    month: month.month,
    metrics,
    overall,
    workUnits: profile.workUnits ? workUnitsFor(profile.workUnits, overall) : null,
    level: levels.find((level) => overall >= level.min) ?? null,
    formula,
  };
}

/** A change to the facts, as deltas: "+10 answered calls" is {answeredCalls: 10, offeredCalls: 10, …}. */
export type FactChange = Partial<Record<FactName, number>>;

/** The deltas for `count` more offered calls, all answered, each `secondsToAnswer` after ringing. */
export function moreAnsweredCalls(count: number, secondsToAnswer: number): FactChange {
  return { offeredCalls: count, answeredCalls: count, ringToAnswerCount: count, ringToAnswerSecondsSum: count * secondsToAnswer };
}

export interface WhatIf {
  before: MonthScore;
  after: MonthScore;
  metrics: { id: string; scoreBefore: number | null; scoreAfter: number | null; delta: number }[];
  overallDelta: number;
  workUnitsDelta: number | null;
}

/** Applies the deltas and scores again with the same engine, so the what-if can never disagree with the scorecard. */
export function applyChange(month: MonthFacts, change: FactChange, at = new Date().toISOString()): MonthFacts {
  const facts = { ...month.facts };
  for (const [name, delta] of Object.entries(change) as [FactName, number][]) {
    const fact = facts[name];
    // A fact with no data yet starts from 0: "answer 10 calls" must work on the 1st of the month.
    facts[name] = fact
      ? { value: fact.value + delta, provenance: { ...fact.provenance, ref: `${fact.provenance.ref} + what-if ${delta}` } }
      : { value: delta, provenance: { source: FACT_REGISTRY[name], importedAt: at, ref: `what-if ${delta}` } };
  }
  return { ...month, facts };
}

export function whatIf(profile: KpiProfile, month: MonthFacts, change: FactChange): WhatIf {
  const before = scoreMonth(profile, month);
  const after = scoreMonth(profile, applyChange(month, change));
  return {
    before,
    after,
    metrics: before.metrics.map((metric, index) => {
      const next = after.metrics[index];
      const scoreAfter = next?.score ?? null;
      return { id: metric.id, scoreBefore: metric.score, scoreAfter, delta: round((scoreAfter ?? 0) - (metric.score ?? 0), 6) };
    }),
    overallDelta: round(after.overall - before.overall, 2),
    workUnitsDelta: before.workUnits === null || after.workUnits === null ? null : after.workUnits - before.workUnits,
  };
}
