import { audioTargetOf, blackHoleAnswer, directionOf, LegOrigin, originOf, withDirection } from '../../../main/core/calls/sdp';

const PHONE = [
  'v=0',
  'o=- 1234 5 IN IP4 127.0.0.1',
  's=baresip',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'a=sendrecv',
  'm=audio 20000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'm=video 0 RTP/AVP 96',
  '',
].join('\r\n');

describe('SDP for a signalling-only B2BUA', () => {
  it('sets one direction on every media section and drops the session-level one', () => {
    const held = withDirection(PHONE, 'sendonly');
    expect(directionOf(held)).toBe('sendonly');
    expect(held.match(/a=(sendrecv|sendonly|recvonly|inactive)/g)).toEqual(['a=sendonly', 'a=sendonly']);
    expect(held.endsWith('\r\n')).toBe(true);
    expect(directionOf(PHONE)).toBe('sendrecv');
    expect(directionOf(withDirection(held, 'inactive'))).toBe('inactive');
  });

  it('keeps each leg’s o= line and raises its version for every SDP sent on it, whoever’s media it carries', () => {
    const leg = new LegOrigin();
    expect(leg.stamp(PHONE)).toBe(PHONE);
    const other = PHONE.replace('o=- 1234 5', 'o=colleague 999 77').replace('20000', '30000');
    const second = leg.stamp(other);
    expect(originOf(second)).toEqual({ username: '-', sessionId: '1234', version: 6n, rest: 'IN IP4 127.0.0.1' });
    expect(audioTargetOf(second)).toBe('127.0.0.1:30000');
    expect(originOf(leg.stamp(PHONE))?.version).toBe(7n);
  });

  it('answers an offer with a black hole: same audio formats, no media, other streams refused', () => {
    const answer = blackHoleAnswer(PHONE, '42');
    expect(answer).toContain('o=zuoxi 42 1 IN IP4 0.0.0.0');
    expect(answer).toContain('c=IN IP4 0.0.0.0');
    expect(answer).toContain('m=audio 9 RTP/AVP 0 8 101');
    expect(answer).toContain('a=rtpmap:101 telephone-event/8000');
    expect(answer).toContain('m=video 0 RTP/AVP 96');
    expect(directionOf(answer)).toBe('inactive');
    expect(audioTargetOf(answer)).toBe('0.0.0.0:9');
  });
});
