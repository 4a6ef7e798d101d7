// A profile that cannot be scored as written is refused on load, with the metric and path.
import { loadProfile, parseProfile, ProfileError } from '../../../main/core/kpi/profile';
import customerServiceJson from '../../../main/core/kpi/profiles/customer-service.json';

type Json = Record<string, unknown> & { metrics: Record<string, unknown>[]; combination: { weights: Record<string, number> } & Record<string, unknown> };

/** A deep copy of the shipped profile to break one thing in. */
const edited = (edit: (profile: Json) => void): Json => {
  const copy = structuredClone(customerServiceJson) as unknown as Json;
  edit(copy);
  return copy;
};

const reasonsOf = (input: unknown): string[] => {
  const result = parseProfile(input);
  if (result.ok) throw new Error('expected the profile to be refused');
  return [...result.error.reasons];
};

type MetricJson = { definition: Record<string, unknown>; scoring: Record<string, unknown> };
const metricAt = (profile: Json, index: number) => profile.metrics[index] as MetricJson;

describe('loadProfile refuses', () => {
  it('accepts the shipped profile unchanged', () => {
    expect(loadProfile(customerServiceJson).metrics).toHaveLength(18);
  });

  it('an unknown metric kind', () => {
    const input = edited((p) => {
      metricAt(p, 1).definition = { kind: 'median', fact: 'answeredCalls' };
    });
    expect(reasonsOf(input)).toEqual([expect.stringMatching(/^metric "answer-rate" \(metrics\[1\]\.definition\.kind\): unknown metric kind "median"; known: ratio, average/)]);
    expect(() => loadProfile(input)).toThrow(ProfileError);
  });

  it('an unknown scoring kind', () => {
    const input = edited((p) => {
      metricAt(p, 5).scoring = { kind: 'curve', target: 8 };
    });
    expect(reasonsOf(input)).toEqual([expect.stringMatching(/^metric "response-time" \(metrics\[5\]\.scoring\.kind\): unknown scoring kind "curve"/)]);
  });

  it('a negative cap', () => {
    const input = edited((p) => {
      (metricAt(p, 1).scoring as { shortfall: Record<string, number> }).shortfall.maxDeduction = -30;
    });
    expect(reasonsOf(input)).toEqual(['metric "answer-rate" (metrics[1].scoring.shortfall.maxDeduction): a cap must not be negative (write a deduction cap as a positive number of points)']);
  });

  it('a missing target', () => {
    const input = edited((p) => {
      delete metricAt(p, 4).scoring.target;
    });
    expect(reasonsOf(input)).toEqual(['metric "satisfaction" (metrics[4].scoring.target): missing target']);
  });

  it('an unknown fact name', () => {
    const input = edited((p) => {
      metricAt(p, 1).definition.numerator = 'answerdCalls';
    });
    expect(reasonsOf(input)).toEqual(['metric "answer-rate" (metrics[1].definition.numerator): unknown fact "answerdCalls"']);
  });

  it('an unknown data source', () => {
    const input = edited((p) => {
      (p.metrics[0] as Record<string, unknown>).source = 'crm';
    });
    expect(reasonsOf(input)[0]).toMatch(/^metric "calls-answered" \(metrics\[0\]\.source\): unknown data source "crm"/);
  });

  it.each<[string, (weights: Record<string, number>) => void, RegExp]>([
    ['a negative weight', (w) => (w['answer-rate'] = -1), /^combination\.weights\.answer-rate: weight -1 for "answer-rate" must be a finite number ≥ 0$/],
    ['a missing weight', (w) => delete w['attendance'], /^combination\.weights\.attendance: metric "attendance" has no weight/],
    ['a weight for no metric', (w) => (w['speed'] = 1), /^combination\.weights\.speed: weight for unknown metric "speed"$/],
    ['all weights zero', (w) => Object.keys(w).forEach((k) => (w[k] = 0)), /^combination\.weights: every weight is 0/],
  ])('weights that make no sense: %s', (_label, edit, reason) => {
    expect(reasonsOf(edited((p) => edit(p.combination.weights)))).toEqual([expect.stringMatching(reason)]);
  });

  it('a duplicate metric id and per-item scoring on a ratio', () => {
    const input = edited((p) => {
      (p.metrics[2] as Record<string, unknown>).id = 'answer-rate';
      metricAt(p, 1).scoring = { kind: 'per-item', target: 0 };
    });
    const reasons = reasonsOf(input);
    expect(reasons).toContain('metric "answer-rate" (metrics[2].id): duplicate metric id "answer-rate"');
    expect(reasons).toContain('metric "answer-rate" (metrics[1].scoring.kind): per-item scoring goes with a count definition, and a count definition with per-item scoring');
  });

  it('names the profile in the thrown message', () => {
    expect(() => loadProfile(edited((p) => delete metricAt(p, 4).scoring.target))).toThrow(/^KPI profile "customer-service" refused: metric "satisfaction"/);
  });
});
