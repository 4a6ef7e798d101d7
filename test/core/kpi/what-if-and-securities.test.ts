import { applyChange, moreAnsweredCalls, scoreMonth, whatIf } from '../../../main/core/kpi/engine';
import { loadProfile } from '../../../main/core/kpi/profile';
import { customerServiceProfile, securitiesSalesProfile } from '../../../main/core/kpi/profiles';
import customerServiceJson from '../../../main/core/kpi/profiles/customer-service.json';
import { monthOf } from './month-facts';

describe('whatIf', () => {
  const month = monthOf({ offeredCalls: 400, answeredCalls: 372, ringToAnswerSecondsSum: 372 * 11, ringToAnswerCount: 372, teamMaxAnsweredCalls: 500 });

  it('"answer 10 more calls within 8 s" moves metrics 1, 2 and 6 and the overall, by the same engine', () => {
    const result = whatIf(customerServiceProfile, month, moreAnsweredCalls(10, 8));
    const delta = Object.fromEntries(result.metrics.filter((m) => m.delta !== 0).map((m) => [m.id, m.delta]));
    // Metric 1: 372/500 = 74.4 → 382/500 = 76.4 (+2).
    // Metric 2: 372/400 = 93 % (2 steps short, 98) → 382/410 = 93.17 % (1.83 short, 1 whole step, 99): +1.
    // Metric 6: 11 s (3 over, 94) → (4092 + 80) / 382 = 10.92 s (2 whole seconds over, 96): +2.
    expect(delta).toEqual({ 'calls-answered': 2, 'answer-rate': 1, 'response-time': 2 });
    // The other 15 metrics have no data and sit at standard, so all 18 count:
    // before 80 + (−25.6 − 2 − 6) / 18 = 78.13; after 80 + (−23.6 − 1 − 4) / 18 = 78.41.
    expect([result.before.overall, result.after.overall, result.overallDelta]).toEqual([78.13, 78.41, 0.28]);
    expect(result.after.overall).toBe(scoreMonth(customerServiceProfile, applyChange(month, moreAnsweredCalls(10, 8))).overall);
    expect(result.after.metrics.find((m) => m.id === 'answer-rate')?.inputs[0]?.provenance.ref).toBe('test:offeredCalls + what-if 10');
  });

  it('works on a month with no calls yet', () => {
    const result = whatIf(customerServiceProfile, monthOf({}), moreAnsweredCalls(10, 6));
    expect(result.after.metrics.find((m) => m.id === 'response-time')?.score).toBe(104);
    expect(result.before.metrics.find((m) => m.id === 'response-time')?.available).toBe(false);
  });
});

describe('securities-sales profile (probation)', () => {
  const passing = { probationCumulativePoints: 6200, probationNewClientAssets: 1_200_000, probationMonth4ClientAssets: 10_500_000, annualisedPoints: 150_000, monthlyPoints: 1800 };

  it('passes probation only when all three conditions hold', () => {
    const scored = scoreMonth(securitiesSalesProfile, monthOf(passing));
    expect(scored.overall).toBe(100);
    expect(scored.level?.names.en).toBe('Account manager (probation passed)');
    expect(scored.workUnits).toBeNull();
    // Shown but not counted: 150000 / 200000 → 75, 1800 / 1500 → 120.
    expect(scored.metrics.filter((m) => !m.counted).map((m) => [m.id, m.score])).toEqual([
      ['annualised-points', 75],
      ['monthly-points', 120],
    ]);
  });

  it.each([
    ['probationCumulativePoints', 5999],
    ['probationNewClientAssets', 999_999],
    ['probationMonth4ClientAssets', 9_000_000],
  ])('fails probation when %s is %i', (fact, value) => {
    const scored = scoreMonth(securitiesSalesProfile, monthOf({ ...passing, [fact]: value }));
    expect(scored.overall).toBe(0);
    expect(scored.level?.names.en).toBe('Trainee (probation not yet passed)');
    expect(scored.formula).toMatch(/^overall = min\(/);
  });

  it('a condition with no data counts as not met', () => {
    const rest: Record<string, number> = { ...passing };
    delete rest.probationMonth4ClientAssets;
    expect(scoreMonth(securitiesSalesProfile, monthOf(rest)).overall).toBe(0);
  });
});

describe('profile edits rescore with no code change', () => {
  const edit = (change: (json: { metrics: { id: string; scoring: Record<string, unknown> }[]; combination: { weights: Record<string, number> } }) => void) => {
    const json = structuredClone(customerServiceJson) as Parameters<typeof change>[0];
    change(json);
    return loadProfile(json);
  };
  const month = monthOf({ trainingsAttended: 5, trainingsRequired: 8, examScore: 70 });

  it('metric 14 read the other way (score = 100 × A + band) is a one-field edit', () => {
    const raw = edit((json) => {
      const training = json.metrics.find((m) => m.id === 'training-attendance');
      if (training) training.scoring.base = 'raw';
    });
    // 5 / 8 = 62.5 %: under 70, not under 60 → −10; standard reading 90, raw reading 62.5 − 10 = 52.5.
    const score = (profile: typeof customerServiceProfile) => scoreMonth(profile, month).metrics.find((m) => m.id === 'training-attendance')?.score;
    expect([score(customerServiceProfile), score(raw)]).toEqual([90, 52.5]);
  });

  it('a weight edit changes the overall', () => {
    // Equal weights, all 18 at standard but 14 (90) and 15 (95): 80 + (−10 − 5) / 17 (metric 1 has no N1) = 79.12.
    expect(scoreMonth(customerServiceProfile, month).overall).toBe(79.12);
    const heavier = edit((json) => {
      json.combination.weights['monthly-exam'] = 3;
    });
    // 80 + (−10 − 3 × 5) / 19 = 78.68
    expect(scoreMonth(heavier, month).overall).toBe(78.68);
  });
});
