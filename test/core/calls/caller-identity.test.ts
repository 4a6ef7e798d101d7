import { callerIdentity, parseNameAddr, userOf } from '../../../main/core/calls/caller-identity';

describe('caller identity from an inbound INVITE', () => {
  const identity = (from?: string, pai?: string, privacy?: string) =>
    callerIdentity({ from, pAssertedIdentity: pai, privacy });

  it('takes the number and display name from From when nothing is asserted', () => {
    expect(identity('"Wang Fang" <sip:13800138000@pbx.example>;tag=a1')).toEqual({ number: '13800138000', displayName: 'Wang Fang', withheld: false });
  });

  it('trusts P-Asserted-Identity over From, keeping From’s display name when PAI has none', () => {
    expect(identity('"王芳" <sip:spoofed@evil.example>;tag=1', '<sip:+8613800138000@carrier.example;user=phone>')).toEqual({
      number: '+8613800138000',
      displayName: '王芳',
      withheld: false,
    });
  });

  it('prefers the tel: (or numeric) entry of a PAI that lists several', () => {
    expect(identity('<sip:x@y>;tag=1', '"Carrier" <sip:alice@carrier.example>, <tel:+861065529988>').number).toBe('+861065529988');
  });

  it('shows a withheld caller as withheld: anonymous From, anonymous.invalid, Privacy: id', () => {
    const withheld = { number: null, displayName: '', withheld: true };
    expect(identity('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1')).toEqual(withheld);
    expect(identity('<sip:restricted@pbx.example>;tag=1')).toEqual(withheld);
    expect(identity('"Someone" <sip:13800138000@pbx>;tag=1', '<sip:+8613800138000@carrier>', 'id')).toEqual(withheld);
    expect(identity(undefined)).toEqual(withheld);
  });

  it('reads quoted names with escapes and addr-spec forms', () => {
    expect(parseNameAddr('"A \\"quoted\\" name" <sips:1001@h.example:5061;transport=tls>')).toEqual({
      displayName: 'A "quoted" name',
      uri: 'sips:1001@h.example:5061;transport=tls',
      user: '1001',
      host: 'h.example:5061',
    });
    expect(parseNameAddr('sip:2002@pbx.example;tag=9')).toMatchObject({ user: '2002', host: 'pbx.example', displayName: '' });
    expect(userOf('<sip:95588@bank.example>')).toBe('95588');
    expect(userOf('sip:pbx.example')).toBeNull();
    expect(parseNameAddr('"broken <sip:1@x')).toBeNull();
  });
});
