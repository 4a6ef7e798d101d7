// The worked examples of kpi-rules.md, and one whole fictional month worked by hand.
import { scoreMonth, workUnitsFor } from '../../../main/core/kpi/engine';
import { customerServiceProfile } from '../../../main/core/kpi/profiles';
import { monthOf } from './month-facts';

const metric = (id: string, values: Parameters<typeof monthOf>[0]) => {
  const result = scoreMonth(customerServiceProfile, monthOf(values)).metrics.find((m) => m.id === id);
  if (!result) throw new Error(`no metric ${id}`);
  return result;
};

describe('kpi-rules.md worked examples', () => {
  it.each([
    [380, 400, 100],
    [372, 400, 98],
    [300, 400, 80],
    [392, 400, 103],
    // Past the cap: 200/400 = 50 % is 45 whole points short, capped at −30.
    [200, 400, 70],
    // Whole steps: 94.5 % is 0.5 short, not a whole step → still 100.
    [378, 400, 100],
  ])('metric 2: %i of %i answered scores %i', (answered, offered, score) => {
    expect(metric('answer-rate', { answeredCalls: answered, offeredCalls: offered }).score).toBe(score);
  });

  it.each([
    [11, 94, false],
    [6, 104, false],
    [30, 70, true],
    [8, 100, false],
    // 11.9 s is 3 whole seconds over, not 4.
    [11.9, 94, false],
  ])('metric 6: average %d s to answer scores %i (capped %s)', (seconds, score, capped) => {
    const result = metric('response-time', { ringToAnswerSecondsSum: seconds * 100, ringToAnswerCount: 100 });
    expect(result.score).toBe(score);
    expect(result.capped).toBe(capped);
  });

  it('metric 7 earns +1 flat above target however far above', () => {
    expect(metric('repair-callback-rate', { callbacksMade: 100, callbacksRequired: 100 }).score).toBe(101);
    expect(metric('repair-callback-rate', { callbacksMade: 99, callbacksRequired: 100 }).score).toBe(100);
    expect(metric('repair-callback-rate', { callbacksMade: 97, callbacksRequired: 100 }).score).toBe(96);
  });

  it('metric 9 weighs complaints by level and caps at −30', () => {
    expect(metric('complaints', { complaintsHotline: 1, complaintsCity: 1, complaintsProvince: 1 }).score).toBe(84);
    const capped = metric('complaints', { complaintsHotline: 0, complaintsCity: 0, complaintsProvince: 4 });
    expect([capped.score, capped.capped, capped.raw]).toEqual([70, true, 4]);
  });

  it.each([
    [70, 100],
    [69, 90],
    [59, 80],
    [49, 70],
  ])('metric 14: attendance %i %% scores %i', (attended, score) => {
    expect(metric('training-attendance', { trainingsAttended: attended, trainingsRequired: 100 }).score).toBe(score);
  });

  it.each([
    [85, 100],
    [84, 95],
    [59, 90],
  ])('metric 15: exam %i scores %i', (exam, score) => {
    expect(metric('monthly-exam', { examScore: exam }).score).toBe(score);
  });

  it('metric 18: below 60 % completion −20, at 60 % standard', () => {
    expect(metric('marketing', { salesCompleted: 59, salesTarget: 100 }).score).toBe(80);
    expect(metric('marketing', { salesCompleted: 6, salesTarget: 10 }).score).toBe(100);
  });

  it('metric 1 is N × 100 / N1', () => {
    expect(metric('calls-answered', { answeredCalls: 420, teamMaxAnsweredCalls: 600 }).score).toBe(70);
  });
});

describe('work units (our reading, written in the profile description)', () => {
  const rule = customerServiceProfile.workUnits;
  if (!rule) throw new Error('customer-service has a work-unit rule');
  it.each([
    [95, 250],
    [93.7, 150],
    [91, 50],
    [90, 0],
    [89.99, 0],
    [80, 0],
    [79.5, 0],
    [79, -50],
    [75.2, -200],
  ])('overall %d earns %i units', (overall, units) => {
    expect(workUnitsFor(rule, overall)).toBe(units);
  });

  it('the other reading (count from 80 once at 90) is one field away', () => {
    expect(workUnitsFor({ ...rule, reward: { ...rule.reward, countFrom: 80 } }, 90)).toBe(500);
  });
});

describe('a whole fictional month (agent 007, October 2026), worked by hand', () => {
  // Facts, and each metric by hand:
  //  1 answered 462, team max N1 550: 462 × 100 / 550 = 84 → score 84 (points −16)
  //  2 answered 462 / offered 480 = 96.25 %: 1.25 over 95 → 1 whole step × +1 → 101
  //  3 evaluations 270 / 462 = 58.44 %: 1.56 short of 60 → 0 whole 2 % steps → 100
  //  4 valid 150 / 462 = 32.47 %: 2.47 over 30 → 1 whole 2 % step × +1 → 101
  //  5 satisfied 258 / 270 = 95.56 %: 2.44 short of 98 → 2 steps × −1 → 98
  //  6 ring-to-answer 4851 s / 462 = 10.5 s: 2.5 over 8 → 2 whole seconds × −2 → 96
  //  7 callbacks made 40 / required 40 = 100 % > 99 → +1 flat → 101
  //  8 effective 36 / 40 = 90 %: 10 over 80 → 2 whole 5 % steps × +2 → 104
  //  9 complaints: 1 hotline (−3) + 1 city (−5) → 92
  // 10 QA 22 done / (5 % × 462 = 23.1) = 95.24 %: 0.76 short of 96 → 0 steps → 100
  // 11 complaints closed on time 3 / 4 = 75 %: 20 short of 95 → 20 × −2 = −40, capped −30 → 70
  // 12 report errors 1 → −2 → 98
  // 13 adopted suggestions 2 → +4 → 104
  // 14 training 5 / 8 = 62.5 %: under 70, not under 60 → −10 → 90
  // 15 exam 88 ≥ 85 → 100
  // 16 absences 1 → −5 → 95
  // 17 execution 92 / 100: 8 short → −8 → 92
  // 18 marketing 7 / 10 = 70 % ≥ 60 → 100
  // Points: −16 +1 +0 +1 −2 −4 +1 +4 −8 +0 −30 −2 +4 −10 +0 −5 −8 +0 = −74
  // Overall = 80 + (−74) / 18 = 80 − 4.111… = 75.89 (2 decimals)
  // Work units: 80 − 75.89 = 4.11 short → 4 whole points × −50 = −200
  const month = monthOf({
    answeredCalls: 462,
    teamMaxAnsweredCalls: 550,
    offeredCalls: 480,
    evaluations: 270,
    validEvaluations: 150,
    satisfiedEvaluations: 258,
    ringToAnswerSecondsSum: 4851,
    ringToAnswerCount: 462,
    callbacksMade: 40,
    callbacksRequired: 40,
    callbacksEffective: 36,
    complaintsHotline: 1,
    complaintsCity: 1,
    complaintsProvince: 0,
    qaReviewsDone: 22,
    complaintsClosedOnTime: 3,
    complaintsHandled: 4,
    reportErrors: 1,
    adoptedSuggestions: 2,
    trainingsAttended: 5,
    trainingsRequired: 8,
    examScore: 88,
    absences: 1,
    executionScore: 92,
    salesCompleted: 7,
    salesTarget: 10,
  });
  const result = scoreMonth(customerServiceProfile, month);

  it('scores every metric as worked out above', () => {
    expect(result.metrics.map((m) => m.score)).toEqual([84, 101, 100, 101, 98, 96, 101, 104, 92, 100, 70, 98, 104, 90, 100, 95, 92, 100]);
    expect(result.metrics.filter((m) => m.capped).map((m) => m.id)).toEqual(['complaint-handling-on-time']);
    expect(result.metrics.every((m) => m.available && m.counted)).toBe(true);
  });

  it('combines to the overall score and work units', () => {
    expect(result.overall).toBe(75.89);
    expect(result.workUnits).toBe(-200);
    expect(result.formula).toMatch(/^overall = 80 \+ Σ wᵢ·\(scoreᵢ − 100\) \/ Σ wᵢ = 80 \+ \(1×\(84−100\) \+ .* \/ 18 = 75\.89$/);
  });

  it('keeps the facts behind each metric with their provenance', () => {
    const rate = result.metrics.find((m) => m.id === 'answer-rate');
    expect(rate?.raw).toBe(96.25);
    expect(rate?.inputs.map((i) => [i.fact, i.value, i.provenance.source, i.provenance.ref])).toEqual([
      ['offeredCalls', 480, 'call_log', 'test:offeredCalls'],
      ['answeredCalls', 462, 'call_log', 'test:answeredCalls'],
    ]);
  });

  it('scores a metric with no data by its unavailable rule, and says why', () => {
    const withoutSurvey = { ...month, facts: { ...month.facts } };
    delete withoutSurvey.facts.satisfiedEvaluations;
    delete withoutSurvey.facts.teamMaxAnsweredCalls;
    const scored = scoreMonth(customerServiceProfile, withoutSurvey);
    const satisfaction = scored.metrics.find((m) => m.id === 'satisfaction');
    expect([satisfaction?.available, satisfaction?.score, satisfaction?.unavailableReason]).toEqual([false, 100, 'no data for satisfiedEvaluations']);
    const answered = scored.metrics.find((m) => m.id === 'calls-answered');
    expect([answered?.score, answered?.counted]).toEqual([null, false]);
    // 17 metrics count; points −74 + 16 (metric 1 gone) + 2 (metric 5 at standard) = −56 → 80 − 56/17 = 76.71
    expect(scored.overall).toBe(76.71);
  });
});
