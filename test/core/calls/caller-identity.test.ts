import { callerIdentity, dialledNumber, parseNameAddr, userOf } from '../../../main/core/calls/caller-identity';

describe('caller identity from an inbound INVITE', () => {
  const identity = (from?: string, pai?: string, privacy?: string, rpid?: string) =>
    callerIdentity({ from, pAssertedIdentity: pai, privacy, remotePartyId: rpid });

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
  it('takes Remote-Party-ID when there is no PAI, and PAI over it when both come', () => {
    const from = '"Own Name" <sip:spoofed@evil.example>;tag=1';
    expect(identity(from, undefined, undefined, '"李娜" <sip:+8613911112222@carrier.example>;party=calling;screen=yes;privacy=off')).toEqual({
      number: '+8613911112222',
      displayName: '李娜',
      withheld: false,
    });
    expect(identity(from, '<tel:+8613800138000>', undefined, '<sip:+8613911112222@carrier.example>;party=calling').number).toBe('+8613800138000');
    // The called party's entry is not the caller; the calling one after it is.
    expect(
      identity(from, undefined, undefined, '<sip:95588@bank.example>;party=called, <sip:13700137000@carrier.example>;party=calling').number,
    ).toBe('13700137000');
  });

  it('withholds on RPID privacy=full or uri, and hides only the name on privacy=name', () => {
    const withheld = { number: null, displayName: '', withheld: true };
    const from = '"王芳" <sip:13800138000@pbx>;tag=1';
    expect(identity(from, undefined, undefined, '"王芳" <sip:13800138000@carrier>;party=calling;privacy=full')).toEqual(withheld);
    expect(identity(from, undefined, undefined, '<sip:13800138000@carrier>;privacy="uri"')).toEqual(withheld);
    // A PAI does not override the caller's own request for privacy in RPID.
    expect(identity(from, '<sip:+8613800138000@carrier>', undefined, '<sip:13800138000@carrier>;privacy=full')).toEqual(withheld);
    expect(identity(from, undefined, undefined, '"王芳" <sip:13800138000@carrier>;party=calling;privacy=name')).toEqual({
      number: '13800138000',
      displayName: '',
      withheld: false,
    });
  });

  it('withholds on Privacy: id, user or anonymous in any case and list, and on an anonymous From even with a PAI', () => {
    const from = '"Someone" <sip:13800138000@pbx>;tag=1';
    for (const privacy of ['id', 'ID', 'user', 'header;id', 'critical; id', 'anonymous', 'Anonymous']) {
      expect(identity(from, '<sip:+8613800138000@carrier>', privacy)).toMatchObject({ number: null, withheld: true });
    }
    expect(identity(from, '<sip:+8613800138000@carrier>', 'none')).toMatchObject({ number: '+8613800138000', withheld: false });
    expect(identity('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1', '<sip:+8613800138000@carrier>')).toMatchObject({ withheld: true, number: null });
    expect(identity('<sip:13800138000@anonymous.invalid>;tag=1')).toMatchObject({ withheld: true });
  });

  it('keeps a display name as one line of text and cuts a 10 KB one with an ellipsis', () => {
    const markup = '<img src=x onerror="alert(1)">';
    expect(identity(`"${markup.replace(/"/g, '\\"')}" <sip:13800138000@pbx>;tag=1`)).toEqual({ number: '13800138000', displayName: markup, withheld: false });
    const long = identity(`"${'名'.repeat(10_000)}" <sip:13800138000@pbx>;tag=1`).displayName;
    expect([...long]).toHaveLength(128);
    expect(long.endsWith('…')).toBe(true);
    expect(identity('"line\r\nbreak" <sip:1@pbx>;tag=1').displayName).not.toMatch(/[\r\n]/);
  });
});

describe('the dialled number (which hotline or queue the customer called)', () => {
  it('is the To user of a direct call, else the Request-URI user', () => {
    expect(dialledNumber({ to: '<sip:4008001234@pbx.example>', requestUri: 'sip:8001@10.0.0.5:5060' })).toBe('4008001234');
    expect(dialledNumber({ to: '<sip:pbx.example>', requestUri: 'sip:95588@10.0.0.5' })).toBe('95588');
    expect(dialledNumber({ to: undefined, requestUri: undefined })).toBeNull();
  });

  it('is the number first dialled when a queue or forward diverted the call (the last Diversion entry)', () => {
    expect(
      dialledNumber({
        to: '<sip:8001@pbx.example>',
        requestUri: 'sip:8001@10.0.0.5',
        diversion: '<sip:600@pbx.example>;reason=unconditional;counter=1,<sip:4008001234@pbx.example>;reason=unconditional',
      }),
    ).toBe('4008001234');
  });

  it('is P-Called-Party-ID when the network says what was dialled', () => {
    expect(
      dialledNumber({ to: '<sip:8001@pbx>', requestUri: 'sip:8001@h', diversion: '<sip:600@pbx>', pCalledPartyId: '<tel:+864008001234>' }),
    ).toBe('+864008001234');
  });
});
