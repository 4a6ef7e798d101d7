import { parseNameAddr, parseUri, parseVia, tagOf, isSipUri } from '../../../main/core/edge/sip/grammar';
import { SipHeaders, serialize, splitList, type SipRequest } from '../../../main/core/edge/sip/message';
import { parseApplicationMessage, parseDatagram, SipStreamFramer, type FramerOutput } from '../../../main/core/edge/sip/parser';
import { loadTorture, TORTURE_CASES } from '../../fixtures/sip/rfc4475';

const crlf = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

const OPTIONS = (callId: string, body = '') =>
  crlf(
    `OPTIONS sip:agent@example.com SIP/2.0\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK${callId}\n` +
      `To: <sip:agent@example.com>\nFrom: <sip:caller@example.net>;tag=1\nCall-ID: ${callId}\nCSeq: 1 OPTIONS\n` +
      `Max-Forwards: 70\nContent-Length: ${Buffer.byteLength(body.replace(/\n/g, '\r\n'))}\n\n${body}`,
  );

describe('RFC 4475 torture messages through parseDatagram', () => {
  it.each(TORTURE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = parseDatagram(loadTorture(c.name));
    if (c.parses === true) {
      if (!result.ok) throw new Error(`${c.name}: ${result.error.code} ${result.error.reason}`);
      expect(result.ok).toBe(true);
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(c.parses);
      expect(result.error.status).toBe(c.parseStatus);
    }
  });

  it('reads the folded, spaced and compact headers of wsinv', () => {
    const result = parseDatagram(loadTorture('wsinv'));
    if (!result.ok) throw new Error(result.error.reason);
    const { headers } = result.message;
    expect(headers.get('max-forwards')).toBe('0068');
    expect(headers.get('CSeq')).toBe('0009 INVITE');
    expect(headers.get('subject')).toBe('');
    expect(headers.get('NovelHeader')).toBe('a novel value continued novel value');
    expect(headers.values('via').map((v) => parseVia(v)?.params.get('branch'))).toEqual([
      '390skdjuw',
      'z9hG4bK9ikj8',
      'z9hG4bK30239',
    ]);
    expect(tagOf(headers.get('to'))).toBe('4711rrq');
    expect(tagOf(headers.get('from'))).toBe('77sdfk2');
    const contact = parseNameAddr(headers.get('m')!);
    expect(contact?.display).toBe('"Quoted \\"\\" string"');
    expect(contact?.params.get('q')).toBe('0.33');
    expect(result.message.body.length).toBe(149);
  });

  it('keeps the body bytes of a multipart message exactly', () => {
    const result = parseDatagram(loadTorture('mpart01'));
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.message.body.length).toBe(273);
    expect(result.message.body.includes(Buffer.from([0x30, 0x82, 0x01, 0x52]))).toBe(true);
  });

  it('takes only the first request of a datagram carrying two (dblreq)', () => {
    const result = parseDatagram(loadTorture('dblreq'));
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.message.kind === 'request' && result.message.method).toBe('REGISTER');
    expect(result.message.body.length).toBe(0);
  });

  it('accepts a UTF-8 reason phrase and an empty one', () => {
    const unreason = parseDatagram(loadTorture('unreason'));
    const noreason = parseDatagram(loadTorture('noreason'));
    expect(unreason.ok && unreason.message.kind === 'response' && unreason.message.reason).toContain('质数');
    expect(noreason.ok && noreason.message.kind === 'response' && noreason.message.reason).toBe('');
  });

  it('keeps enough of a bad request to answer it', () => {
    const result = parseDatagram(loadTorture('badinv01'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.partial?.headers.get('call-id')).toBe('badinv01.0ha0isndaksdjasdf3234nas');
    expect(result.error.partial?.method).toBe('INVITE');
  });

  it('drops bad responses instead of answering them', () => {
    for (const name of ['bigcode', 'scalarlg']) {
      const result = parseDatagram(loadTorture(name));
      expect(!result.ok && result.error.status).toBeUndefined();
    }
  });
});

describe('parseDatagram edge cases', () => {
  it('never throws on arbitrary bytes', () => {
    const samples = [
      Buffer.alloc(0),
      Buffer.from('\r\n\r\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a]),
      Buffer.from('INVITE'),
      Buffer.from('SIP/2.0 200\r\n\r\n'),
      Buffer.from(':\r\n:\r\n\r\n'),
      Buffer.from('INVITE sip:a@b SIP/2.0\r\n via: x\r\n\r\n'),
    ];
    let seed = 7;
    for (let n = 0; n < 200; n += 1) {
      const bytes = Buffer.alloc(64 + (n % 50));
      for (let i = 0; i < bytes.length; i += 1) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        bytes[i] = seed % 4 === 0 ? 0x0d + (seed % 2) * -3 : 32 + (seed % 95);
      }
      samples.push(bytes);
    }
    for (const sample of samples) expect(() => parseDatagram(sample)).not.toThrow();
    expect(parseDatagram(Buffer.alloc(0))).toEqual({ ok: false, error: { code: 'empty', reason: 'no message' } });
  });

  it('refuses a header section that is not UTF-8 with a 400', () => {
    const bytes = Buffer.concat([OPTIONS('utf').subarray(0, 20), Buffer.from([0xc3, 0x28]), OPTIONS('utf').subarray(20)]);
    const result = parseDatagram(bytes);
    expect(!result.ok && [result.error.code, result.error.status]).toEqual(['not-utf8', 400]);
  });

  it('enforces the header size limit', () => {
    const big = crlf(`OPTIONS sip:a@example.com SIP/2.0\nX-Big: ${'a'.repeat(2000)}\n\n`);
    const result = parseDatagram(big, { maxHeaderBytes: 1000, maxBodyBytes: 1000 });
    expect(!result.ok && result.error.code).toBe('too-large');
  });

  it('skips CRLFs before the start line and tolerates a missing blank line', () => {
    const withoutBlank = OPTIONS('noblank').subarray(0, -2);
    const result = parseDatagram(Buffer.concat([Buffer.from('\r\n\r\n'), withoutBlank]));
    expect(result.ok).toBe(true);
  });

  it('answers an unknown SIP version of a request with 505', () => {
    const result = parseDatagram(loadTorture('badvers'));
    expect(!result.ok && result.error.status).toBe(505);
  });
});

describe('grammar', () => {
  it('parses SIP URIs with escapes, params and IPv6', () => {
    const uri = parseUri('sip:user;par=u%40example.net@example.com');
    expect(uri && isSipUri(uri) && [uri.user, uri.host]).toEqual(['user;par=u%40example.net', 'example.com']);
    const v6 = parseUri('sips:[2001:db8::10]:5061;transport=tcp;lr');
    expect(v6 && isSipUri(v6) && [v6.host, v6.port, v6.params.get('transport'), v6.params.has('lr')]).toEqual([
      '[2001:db8::10]',
      5061,
      'tcp',
      true,
    ]);
    expect(parseUri('sip:user@exa mple.com')).toBeNull();
    expect(parseUri('sip:user@host:99999')).toBeNull();
    expect(parseUri('sip:a@b;=x')).toBeNull();
    expect(parseUri('sip:%zz@host')).toBeNull();
    expect(parseUri('tel:+86-10-1234')).toEqual({ scheme: 'tel', opaque: '+86-10-1234' });
  });

  it('parses name-addr and addr-spec forms', () => {
    expect(parseNameAddr('"坐席 7" <sip:7@pbx.example.cn>;tag=abc')?.display).toBe('"坐席 7"');
    expect(parseNameAddr('sip:a@b;tag=1')?.params.get('tag')).toBe('1');
    expect(parseNameAddr('Agent Seven<sip:7@pbx>')?.display).toBe('Agent Seven');
    expect(parseNameAddr('sip:a@b?x=y')).toBeNull();
    expect(parseNameAddr('<sip:a@b>;;')).toBeNull();
  });

  it('accepts what real peers send although the grammar frowns on it', () => {
    const result = parseDatagram(
      crlf(
        'INVITE sip:*97#@pbx_host.local SIP/2.0\n' +
          'Via: SIP/2.0/UDP [2001:db8::5]:5060;branch=z9hG4bKv6;received=2001:db8::5;rport=5060\n' +
          'From: 张三 <sip:1001@pbx_host.local>;tag=a\nTo: <sip:*97#@pbx_host.local>\nCall-ID: YWJj/ZGVm==@10.0.0.1\n' +
          'CSeq: 1 INVITE\nDate: Fri, 01 Jan 2010 16:00:00 EST\nContent-Length: 0\n\n',
      ),
    );
    if (!result.ok) throw new Error(result.error.reason);
    expect(parseNameAddr(result.message.headers.get('from')!)?.display).toBe('张三');
    expect(parseVia(result.message.headers.get('via')!)?.params.get('received')).toBe('2001:db8::5');
    // …but a comma in an unquoted name is still wrong (RFC 4475 baddn).
    expect(parseNameAddr('张, 三 <sip:1001@pbx>')).toBeNull();
  });

  it('splits lists only outside quotes and brackets', () => {
    expect(splitList('"a, b" <sip:x@y;p=1,2>, <sip:z@w>')).toEqual(['"a, b" <sip:x@y;p=1,2>', '<sip:z@w>']);
  });
});

describe('SipHeaders and serialize', () => {
  it('looks headers up case-insensitively and by compact form', () => {
    const headers = new SipHeaders([
      { name: 'v', value: 'SIP/2.0/UDP a;branch=z9hG4bK1' },
      { name: 'VIA', value: 'SIP/2.0/UDP b;branch=z9hG4bK2, SIP/2.0/UDP c;branch=z9hG4bK3' },
      { name: 'i', value: 'abc' },
    ]);
    expect(headers.values('Via')).toHaveLength(3);
    expect(headers.get('call-id')).toBe('abc');
    headers.setFirst('via', 'SIP/2.0/UDP a;branch=z9hG4bK1;received=192.0.2.1');
    expect(headers.lines('via')[0]).toContain('received');
    expect([...headers].map((h) => h.name)).toEqual(['Via', 'Via', 'Call-ID']);
  });

  it('writes Content-Length from the byte length of the body', () => {
    const message: SipRequest = {
      kind: 'request',
      method: 'MESSAGE',
      uri: 'sip:a@b',
      version: 'SIP/2.0',
      headers: new SipHeaders([{ name: 'content-length', value: '2' }]),
      body: Buffer.from('来电', 'utf8'),
    };
    expect(serialize(message).toString()).toContain('Content-Length: 6\r\n\r\n来电');
  });

  it('reads what drachtio-srf sends, ignoring its Content-Length', () => {
    const result = parseApplicationMessage('INVITE sip:a@b SIP/2.0\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\n来电');
    expect(result.ok && result.message.body.toString()).toBe('来电');
    expect(result.ok && result.message.headers.has('content-length')).toBe(false);
  });
});

describe('SipStreamFramer', () => {
  const messages = (outputs: FramerOutput[]) =>
    outputs.filter((o) => o.type === 'message').map((o) => (o.type === 'message' ? o.message.headers.get('call-id') : ''));

  it('cuts several messages out of one chunk', () => {
    const framer = new SipStreamFramer();
    const out = framer.push(Buffer.concat([OPTIONS('one', 'hello\n'), OPTIONS('two'), OPTIONS('three', 'x')]));
    expect(messages(out)).toEqual(['one', 'two', 'three']);
    expect(framer.pending).toBe(0);
  });

  it('joins a message split at every possible byte', () => {
    const whole = Buffer.concat([OPTIONS('split', 'body text\n'), OPTIONS('next')]);
    for (let cut = 1; cut < whole.length; cut += 7) {
      const framer = new SipStreamFramer();
      const out = [...framer.push(whole.subarray(0, cut)), ...framer.push(whole.subarray(cut))];
      expect(messages(out)).toEqual(['split', 'next']);
    }
  });

  it('answers keep-alive pings and ignores stray CRLFs', () => {
    const framer = new SipStreamFramer();
    const out = [...framer.push(Buffer.from('\r\n\r')), ...framer.push(Buffer.concat([Buffer.from('\n\r\n'), OPTIONS('after')]))];
    expect(out.map((o) => o.type)).toEqual(['ping', 'message']);
  });

  it('reports a bad message and keeps going when the length is known', () => {
    const bad = crlf('OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nContent-Length: 0\n\n');
    const out = new SipStreamFramer().push(Buffer.concat([bad, OPTIONS('good')]));
    expect(out.map((o) => o.type)).toEqual(['invalid', 'message']);
  });

  it('gives up on the stream when Content-Length is unusable (RFC 4475 ncl)', () => {
    const framer = new SipStreamFramer();
    const out = framer.push(Buffer.concat([loadTorture('ncl'), OPTIONS('never')]));
    expect(out.map((o) => o.type)).toEqual(['invalid', 'fatal']);
    expect(out[0]?.type === 'invalid' && out[0].error.status).toBe(400);
    expect(framer.push(OPTIONS('later'))).toEqual([]);
  });

  it('gives up when the header section never ends', () => {
    const framer = new SipStreamFramer({ maxHeaderBytes: 100, maxBodyBytes: 100 });
    expect(framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(40))).map((o) => o.type)).toEqual(['fatal']);
  });

  it('waits for the rest of a body (RFC 4475 clerr on a stream)', () => {
    const framer = new SipStreamFramer();
    expect(framer.push(loadTorture('clerr'))).toEqual([]);
    expect(framer.pending).toBeGreaterThan(0);
  });
});
