import { nextStep, type AttemptFacts } from '../../../../main/core/work/callbacks/retry-policy';

const now = new Date('2026-03-02T08:00:00.000Z');
const policy = { maxAttempts: 3, retrySpacingMinutes: [10, 60] };
const facts = (over: Partial<AttemptFacts>): AttemptFacts => ({ attempts: 1, sipOutcome: null, agentOutcome: null, now, ...over });
const after = (minutes: number) => ({ kind: 'retry', dueAt: new Date(now.getTime() + minutes * 60_000) });

describe('callback retry policy', () => {
  it('spaces retries by the attempt number, repeating the last spacing', () => {
    expect(nextStep(facts({ attempts: 1, sipOutcome: 'busy' }), { ...policy, maxAttempts: 5 })).toEqual(after(10));
    expect(nextStep(facts({ attempts: 2, sipOutcome: 'no_answer' }), { ...policy, maxAttempts: 5 })).toEqual(after(60));
    expect(nextStep(facts({ attempts: 4, sipOutcome: 'network' }), { ...policy, maxAttempts: 5 })).toEqual(after(60));
  });

  it('abandons once the attempts are spent', () => {
    expect(nextStep(facts({ attempts: 2, sipOutcome: 'busy' }), policy)).toEqual(after(60));
    expect(nextStep(facts({ attempts: 3, sipOutcome: 'busy' }), policy)).toEqual({ kind: 'abandoned', resolution: 'max_attempts' });
    expect(nextStep(facts({ attempts: 3, sipOutcome: 'answered', agentOutcome: 'wrong_person' }), policy)).toEqual({ kind: 'abandoned', resolution: 'max_attempts' });
  });

  it('abandons a number that does not exist at once, whatever attempts are left', () => {
    expect(nextStep(facts({ sipOutcome: 'invalid_number' }), policy)).toEqual({ kind: 'abandoned', resolution: 'invalid_number' });
    expect(nextStep(facts({ sipOutcome: 'gone' }), policy)).toEqual({ kind: 'abandoned', resolution: 'gone' });
    expect(nextStep(facts({ sipOutcome: 'answered', agentOutcome: 'invalid_number' }), policy)).toEqual({ kind: 'abandoned', resolution: 'invalid_number' });
  });

  it('is done when the agent reached the customer', () => {
    for (const agentOutcome of ['reached_resolved', 'reached_unresolved', 'refused'] as const) {
      expect(nextStep(facts({ attempts: 3, sipOutcome: 'answered', agentOutcome }), policy)).toEqual({ kind: 'done', resolution: agentOutcome });
    }
  });

  it('waits for the agent after an answered call, and changes nothing for a call never placed', () => {
    expect(nextStep(facts({ sipOutcome: 'answered' }), policy)).toEqual({ kind: 'keep' });
    expect(nextStep(facts({ attempts: 3, sipOutcome: 'not_placed' }), policy)).toEqual({ kind: 'keep' });
  });

  it('lets the agent’s word win over SIP: a 200 from a voicemail box is retried', () => {
    expect(nextStep(facts({ sipOutcome: 'answered', agentOutcome: 'voicemail' }), policy)).toEqual(after(10));
    expect(nextStep(facts({ sipOutcome: 'answered', agentOutcome: 'wrong_person' }), policy)).toEqual(after(10));
  });
});
