import type { CallSummary } from '../../../main/common/domain';

// What the agent may do with a call in each state, in one place: the call bar's
// buttons, the hotkeys and the dial pad all ask here, so they can never disagree.
// The core refuses the same things (invalid_input); this only keeps buttons honest.

export const CALL_ACTIONS = [
  'answer',
  'reject',
  'hold',
  'resume',
  'transfer',
  'consult',
  'completeTransfer',
  'hangup',
  'dtmf',
] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

/** The consult call (attended transfer) running for `call`, if any. */
export function consultOf(call: CallSummary, calls: readonly CallSummary[]): CallSummary | undefined {
  return calls.find((other) => other.consultFor === call.id && other.state !== 'ended');
}

export function isAllowed(action: CallAction, call: CallSummary, calls: readonly CallSummary[]): boolean {
  const { state } = call;
  const ringingInbound = call.direction === 'inbound' && state === 'ringing';
  const connected = state === 'active' || state === 'held';
  // A consult call is only ever hung up (abandon) or completed from its parent's row.
  const isConsult = call.consultFor !== null;
  const consult = consultOf(call, calls);
  switch (action) {
    case 'answer':
    case 'reject':
      return ringingInbound;
    case 'hold':
      return state === 'active' && !isConsult && !consult;
    case 'resume':
      // The core refuses to resume while a consult call holds the desk phone.
      return state === 'held' && !isConsult && !consult;
    case 'transfer':
    case 'consult':
      return connected && !isConsult && !consult;
    case 'completeTransfer':
      return connected && consult?.state === 'active';
    case 'hangup':
      // A ringing call is refused with Reject, which says what it does.
      return state === 'dialing' || connected;
    case 'dtmf':
      return connected;
  }
}

/** The ringing inbound call the agent would answer now: the one that has waited longest. */
export function ringingCall(calls: readonly CallSummary[]): CallSummary | undefined {
  return calls.find((call) => call.direction === 'inbound' && call.state === 'ringing');
}

/**
 * The call the agent is talking on (what Hang up, Hold and the dial pad's tones act
 * on): the newest active call — during a consult that is the consult call, the
 * customer being held — else the newest one being dialled, else the newest held one.
 */
export function currentCall(calls: readonly CallSummary[]): CallSummary | undefined {
  for (const state of ['active', 'dialing', 'held'] as const) {
    const found = calls.findLast((call) => call.state === state);
    if (found) return found;
  }
  return undefined;
}

/** What can be dialled as it is (the contract's pattern for a number or extension). */
const DIALLABLE = /^(sips?:[^\s<>"]+|[0-9A-Za-z+*#().\s_-]+)$/;

export function isDiallable(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= 256 && DIALLABLE.test(trimmed);
}

/** DTMF digits the contract accepts. */
export const DTMF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
