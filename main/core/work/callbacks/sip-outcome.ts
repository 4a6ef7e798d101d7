import type { CallSummary } from '../../../common/domain';
import type { CallbackSipOutcome } from '../../../common/channels/callbacks';

/**
 * What a callback call's SIP final response says about the customer's line. The seed
 * asks for a dialer that "recognises unreachable outcomes — empty number, wrong number,
 * busy, switched off" (篇一), and the retry policy needs to tell a busy line (try again
 * soon) from a number that does not exist (never try again).
 */
const BY_STATUS: ReadonlyMap<number, CallbackSipOutcome> = new Map([
  [486, 'busy'],
  [600, 'busy'],
  [480, 'no_answer'], // Temporarily Unavailable: switched off, not registered
  [408, 'no_answer'], // Request Timeout: rang out
  [404, 'invalid_number'],
  [484, 'invalid_number'], // Address Incomplete
  [604, 'invalid_number'], // Does Not Exist Anywhere
  [410, 'gone'], // the number was given up
  [603, 'declined'],
]);

export interface SipClassification {
  outcome: CallbackSipOutcome;
  /** The SIP status line behind it, when the call ended with one. */
  detail: string | null;
}

/** The SIP status code at the start of an endDetail such as "486 Busy Here". */
export function sipStatusOf(detail: string | null): number | null {
  const match = /^\s*([1-6]\d\d)\b/.exec(detail ?? '');
  return match ? Number(match[1]) : null;
}

/** Maps one SIP final response code to its outcome class. */
export function classifySipStatus(status: number): CallbackSipOutcome {
  const known = BY_STATUS.get(status);
  if (known) return known;
  if (status >= 200 && status < 300) return 'answered';
  // 5xx is the network or the carrier failing, not the customer: retried like busy.
  if (status >= 500 && status < 600) return 'network';
  return 'unknown';
}

/**
 * Classifies an ended click-to-call. An answered call is answered whatever ended it.
 * A call that failed before the customer's side was tried (the agent's desk phone did
 * not pick up, or the agent cancelled) is `not_placed`: it says nothing about the
 * customer and costs no attempt.
 */
export function classifyEndedCall(call: Pick<CallSummary, 'answerAt' | 'outcome' | 'endCause' | 'endDetail'>): SipClassification {
  const detail = call.endDetail ?? null;
  if (call.answerAt !== null || call.outcome === 'answered' || call.outcome === 'transferred') return { outcome: 'answered', detail };
  if (call.endCause === 'desk_phone_failed' || call.endCause === 'local_hangup' || call.endCause === 'shutdown') return { outcome: 'not_placed', detail };
  const status = sipStatusOf(detail);
  if (status === null) return { outcome: 'unknown', detail };
  // The agent cancelling a ringing callback ends it with 487: their choice, not the line's.
  if (status === 487) return { outcome: 'not_placed', detail };
  return { outcome: classifySipStatus(status), detail };
}
