// Properties of the engine over arbitrary months (fast-check).
import fc from 'fast-check';
import { scoreMonth } from '../../../main/core/kpi/engine';
import type { FactName } from '../../../main/core/kpi/facts';
import { loadProfile, type MetricSpec } from '../../../main/core/kpi/profile';
import { customerServiceProfile } from '../../../main/core/kpi/profiles';
import customerServiceJson from '../../../main/core/kpi/profiles/customer-service.json';
import { monthOf } from './month-facts';

const count = (max = 2000) => fc.integer({ min: 0, max });

/** A plausible month: every fact present, counts consistent (answered ≤ offered and so on). */
const months = fc
  .record({
    offered: count(),
    answeredShare: fc.double({ min: 0, max: 1, noNaN: true }),
    extra: count(),
    seconds: fc.double({ min: 0, max: 120, noNaN: true }),
    ratios: fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: 8, maxLength: 8 }),
    counts: fc.array(count(20), { minLength: 7, maxLength: 7 }),
    exam: fc.integer({ min: 0, max: 100 }),
    execution: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ offered, answeredShare, extra, seconds, ratios, counts, exam, execution }) => {
    const answered = Math.round(offered * answeredShare);
    const r = (i: number, of: number) => Math.round((ratios[i] ?? 0) * of);
    const c = (i: number) => counts[i] ?? 0;
    return {
      offeredCalls: offered,
      answeredCalls: answered,
      teamMaxAnsweredCalls: answered + extra,
      ringToAnswerCount: answered,
      ringToAnswerSecondsSum: answered * seconds,
      evaluations: r(0, answered),
      validEvaluations: r(1, answered),
      satisfiedEvaluations: r(2, r(0, answered)),
      callbacksRequired: c(0) + 10,
      callbacksMade: r(3, c(0) + 10),
      callbacksEffective: r(4, c(0) + 10),
      complaintsHotline: c(1),
      complaintsCity: c(2),
      complaintsProvince: c(3),
      complaintsHandled: c(4) + 1,
      complaintsClosedOnTime: r(5, c(4) + 1),
      qaReviewsDone: r(6, Math.ceil(answered * 0.05)),
      reportErrors: c(5),
      adoptedSuggestions: c(6),
      trainingsRequired: 10,
      trainingsAttended: r(7, 10),
      examScore: exam,
      absences: c(1),
      executionScore: execution,
      salesTarget: 10,
      salesCompleted: c(2),
    } satisfies Partial<Record<FactName, number>>;
  });

/** The caps a metric's spec declares, as the bounds of its points. */
function bounds(metric: MetricSpec): { min: number; max: number } {
  const s = metric.scoring;
  switch (s.kind) {
    case 'steps': {
      const max = !s.excess ? 0 : 'flat' in s.excess ? s.excess.flat : (s.excess.maxBonus ?? Infinity);
      return { min: -(s.shortfall.maxDeduction ?? Infinity), max };
    }
    case 'per-item':
    case 'proportional':
      return { min: -(s.maxDeduction ?? Infinity), max: s.maxBonus ?? Infinity };
    case 'bands':
      return { min: Math.min(0, ...s.bands.map((b) => b.points)), max: 0 };
  }
}

describe('engine properties', () => {
  it('points never exceed a metric’s caps', () => {
    fc.assert(
      fc.property(months, (values) => {
        const scored = scoreMonth(customerServiceProfile, monthOf(values));
        scored.metrics.forEach((result, i) => {
          const metric = customerServiceProfile.metrics[i] as MetricSpec;
          const { min, max } = bounds(metric);
          expect(result.points).toBeGreaterThanOrEqual(min);
          expect(result.points).toBeLessThanOrEqual(max);
        });
      }),
    );
  });

  it('caps bind: the capped flag is set exactly when the points sit on a cap they were cut to', () => {
    fc.assert(
      fc.property(months, (values) => {
        for (const result of scoreMonth(customerServiceProfile, monthOf(values)).metrics) {
          if (result.capped) expect([-30, -20]).toContain(result.points);
        }
      }),
    );
  });

  it('more answered calls never lower metric 1 (team max fixed) or metric 2 (offered fixed)', () => {
    fc.assert(
      fc.property(months, count(500), (values, more) => {
        const answered = values.answeredCalls;
        // Metric 2 gets only the calls offered can hold; metric 1 gets all `more`, with N1 raised to match.
        const extra = Math.min(more, values.offeredCalls - answered);
        const metric = (id: string, v: typeof values) => scoreMonth(customerServiceProfile, monthOf(v)).metrics.find((m) => m.id === id)?.score ?? Number.NaN;
        const after = { ...values, answeredCalls: answered + extra };
        expect(metric('answer-rate', after)).toBeGreaterThanOrEqual(metric('answer-rate', values));
        // N1 is the team's highest count, so it is at least this agent's new count and never 0 (at 0 metric 1 is unavailable, not scored).
        const fixedMax = { ...values, teamMaxAnsweredCalls: values.teamMaxAnsweredCalls + more + 1 };
        expect(metric('calls-answered', { ...fixedMax, answeredCalls: answered + more })).toBeGreaterThanOrEqual(metric('calls-answered', fixedMax));
      }),
    );
  });

  it('a profile edit (a target) changes scores with no code change', () => {
    fc.assert(
      fc.property(months, fc.integer({ min: 50, max: 99 }), (values, newTarget) => {
        const json = structuredClone(customerServiceJson) as { metrics: { id: string; scoring: { target: number } }[] };
        const answerRate = json.metrics.find((m) => m.id === 'answer-rate');
        if (!answerRate) throw new Error('answer-rate is in the profile');
        answerRate.scoring.target = newTarget;
        const edited = loadProfile(json);
        const month = monthOf(values);
        const before = scoreMonth(customerServiceProfile, month).metrics[1];
        const after = scoreMonth(edited, month).metrics[1];
        if (before?.raw === null || before?.raw === undefined || after?.raw == null) return;
        // Same facts, same code: the score moves exactly as the whole-step rule over the new target says.
        const gap = after.raw - newTarget;
        const expected = gap < 0 ? 100 - Math.min(30, Math.floor(-gap + 1e-9)) : 100 + Math.floor(gap + 1e-9);
        expect(after.score).toBe(expected);
        expect(after.target).toBe(newTarget);
        if (newTarget < 95) expect(after.score).toBeGreaterThanOrEqual(before.score ?? 0);
      }),
    );
  });
});
