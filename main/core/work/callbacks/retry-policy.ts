import type { CallbackAgentOutcome, CallbackSipOutcome } from '../../../common/channels/callbacks';
import type { CallbackSettings } from './callback-settings';

/** The agent reached the customer: the callback was made (KPI 7), whatever they said. */
export const REACHED_OUTCOMES: ReadonlySet<CallbackAgentOutcome> = new Set(['reached_resolved', 'reached_unresolved', 'refused']);

/** What follows an attempt. `keep`: nothing changes (the attempt told us nothing yet). */
export type NextStep =
  | { kind: 'keep' }
  | { kind: 'retry'; dueAt: Date }
  | { kind: 'done'; resolution: CallbackAgentOutcome }
  | { kind: 'abandoned'; resolution: 'invalid_number' | 'gone' | 'max_attempts' };

export interface AttemptFacts {
  /** Counted attempts including this one (not_placed ones excluded). */
  attempts: number;
  sipOutcome: CallbackSipOutcome | null;
  agentOutcome: CallbackAgentOutcome | null;
  now: Date;
}

/**
 * The retry policy, in one place so it can be read and tested as a table:
 * - reached (resolved, unresolved, refused) → done;
 * - a number that does not exist (agent's word, or SIP 404/484/604, 410) → abandoned at
 *   once: calling it again cannot reach anyone;
 * - an answered call the agent has not judged yet, or a call that never left the agent's
 *   desk phone → nothing changes;
 * - anything else (busy, no answer, network, declined, wrong person, voicemail) → due
 *   again after the spacing for this attempt, or abandoned once `maxAttempts` is spent.
 * The agent's own outcome wins over what SIP said: a 200 from a voicemail box is no answer.
 */
export function nextStep(facts: AttemptFacts, policy: Pick<CallbackSettings, 'maxAttempts' | 'retrySpacingMinutes'>): NextStep {
  const { agentOutcome, sipOutcome } = facts;
  if (agentOutcome && REACHED_OUTCOMES.has(agentOutcome)) return { kind: 'done', resolution: agentOutcome };
  if (agentOutcome === 'invalid_number') return { kind: 'abandoned', resolution: 'invalid_number' };
  if (!agentOutcome) {
    if (sipOutcome === 'invalid_number' || sipOutcome === 'gone') return { kind: 'abandoned', resolution: sipOutcome };
    if (sipOutcome === null || sipOutcome === 'answered' || sipOutcome === 'not_placed') return { kind: 'keep' };
  }
  if (facts.attempts >= policy.maxAttempts) return { kind: 'abandoned', resolution: 'max_attempts' };
  const spacing = policy.retrySpacingMinutes;
  const minutes = spacing[Math.min(Math.max(facts.attempts, 1), spacing.length) - 1] ?? spacing[spacing.length - 1] ?? 60;
  return { kind: 'retry', dueAt: new Date(facts.now.getTime() + minutes * 60_000) };
}
