import type { CallSummary } from '../../../../main/common/domain';
import { classifyEndedCall, classifySipStatus, sipStatusOf } from '../../../../main/core/work/callbacks/sip-outcome';
import { dialStringFor } from '../../../../main/core/work/callbacks/dial-string';

type Ended = Pick<CallSummary, 'answerAt' | 'outcome' | 'endCause' | 'endDetail'>;
const failed = (endDetail: string | null, endCause: Ended['endCause'] = 'remote_failed'): Ended => ({ answerAt: null, outcome: 'failed', endCause, endDetail });

describe('SIP final response → callback outcome', () => {
  it.each([
    ['486 Busy Here', 'busy'],
    ['600 Busy Everywhere', 'busy'],
    ['480 Temporarily Unavailable', 'no_answer'],
    ['408 Request Timeout', 'no_answer'],
    ['404 Not Found', 'invalid_number'],
    ['484 Address Incomplete', 'invalid_number'],
    ['604 Does Not Exist Anywhere', 'invalid_number'],
    ['410 Gone', 'gone'],
    ['500 Server Internal Error', 'network'],
    ['502 Bad Gateway', 'network'],
    ['503 Service Unavailable', 'network'],
    ['504 Server Time-out', 'network'],
    ['603 Decline', 'declined'],
    ['403 Forbidden', 'unknown'],
    ['487 Request Terminated', 'not_placed'],
    ['connect ECONNREFUSED', 'unknown'],
    [null, 'unknown'],
  ])('%s → %s', (detail, outcome) => {
    expect(classifyEndedCall(failed(detail))).toEqual({ outcome, detail });
  });

  it('an answered call is answered however it ended', () => {
    expect(classifyEndedCall({ answerAt: '2026-03-02T08:00:05.000Z', outcome: 'answered', endCause: 'remote_hangup', endDetail: null }).outcome).toBe('answered');
    expect(classifySipStatus(200)).toBe('answered');
  });

  it('a call that never left the agent’s desk phone, or that the agent cancelled, is not_placed', () => {
    expect(classifyEndedCall(failed('480 Temporarily Unavailable', 'desk_phone_failed')).outcome).toBe('not_placed');
    expect(classifyEndedCall(failed('486 Busy Here', 'local_hangup')).outcome).toBe('not_placed');
    expect(classifyEndedCall(failed(null, 'shutdown')).outcome).toBe('not_placed');
  });

  it('reads the status code only at the start of the detail', () => {
    expect(sipStatusOf('486 Busy Here')).toBe(486);
    expect(sipStatusOf('call failed after 486 ms')).toBeNull();
    expect(sipStatusOf('')).toBeNull();
  });
});

describe('what the PBX is sent for a stored number', () => {
  it.each([
    ['+8613900139000', 'domestic', '13900139000'],
    ['+861065529988', 'domestic', '01065529988'],
    ['+85221234567', 'domestic', '+85221234567'],
    ['+8613900139000', 'e164', '+8613900139000'],
  ] as const)('%s (%s) → %s', (e164, format, dialled) => {
    expect(dialStringFor(e164, 'CN', format)).toBe(dialled);
  });
});
