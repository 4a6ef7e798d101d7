import net from 'node:net';
import os from 'node:os';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';
import { WireFramer } from '../../../main/core/edge/drachtio/wire';
import { parseVia, tagOf } from '../../../main/core/edge/sip/grammar';
import { SipEdge, type SipEdgeAddresses } from '../../../main/core/edge/sip-edge';
import { frameOf, UdpPeer, WireClient } from './peers';
import { parse } from './helpers';

let edge: SipEdge;
let addresses: SipEdgeAddresses;
let sink: MemorySink;
const clients: WireClient[] = [];

beforeEach(async () => {
  sink = new MemorySink();
  edge = new SipEdge({ sip: { host: '127.0.0.1', udpPort: 0 }, drachtio: {} }, new StructuredLogger(sink, 'debug'));
  addresses = await edge.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await edge.stop();
  expect(edge.activeTimers).toBe(0);
});

async function client(): Promise<WireClient> {
  const c = await WireClient.connect(addresses.drachtio.port);
  clients.push(c);
  return c;
}

async function authenticated(): Promise<WireClient> {
  const c = await client();
  c.send('auth-1', `authenticate|${addresses.drachtio.secret}|tag1,tag2`);
  const { tokens } = await c.reply('auth-1');
  expect(tokens[0]).toBe('OK');
  return c;
}

describe('drachtio wire protocol: control requests', () => {
  it('authenticates with the run secret and reports its SIP addresses and version', async () => {
    const c = await client();
    c.send('m1', `authenticate|${addresses.drachtio.secret}|`);
    const { tokens } = await c.reply('m1');
    expect(tokens).toEqual(['OK', `udp/127.0.0.1:${addresses.sip.udp}`, expect.stringMatching(/^v\d+\.\d+\.\d+/)]);
  });

  it('refuses a wrong secret with "incorrect secret" and closes the connection', async () => {
    const c = await client();
    c.send('m1', 'authenticate|not-the-secret|');
    expect((await c.reply('m1')).tokens).toEqual(['NO', 'incorrect secret']);
    await c.closed;
    expect(sink.text).toContain('drachtio.auth_failed');
    expect(sink.text).not.toContain(addresses.drachtio.secret);
  });

  it('refuses any request before authentication', async () => {
    const c = await client();
    c.send('m1', 'route|invite');
    expect((await c.reply('m1')).tokens[0]).toBe('NO');
    await c.closed;
  });

  it('acknowledges route and remove_route, and answers ping with pong', async () => {
    const c = await authenticated();
    c.send('r1', 'route|invite');
    expect((await c.reply('r1')).tokens).toEqual(['OK']);
    c.send('r2', 'remove_route|invite');
    expect((await c.reply('r2')).tokens).toEqual(['OK']);
    c.send('p1', 'ping');
    expect((await c.reply('p1')).tokens).toEqual(['OK', 'pong']);
  });

  it('answers several frames sent in one write, and frames split anywhere', async () => {
    const c = await authenticated();
    const bytes = Buffer.concat([frameOf('a|ping'), frameOf('b|route|options'), frameOf('c|ping')]);
    for (let i = 0; i < bytes.length; i += 5) {
      c.socket.write(bytes.subarray(i, i + 5));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect((await c.reply('a')).tokens).toEqual(['OK', 'pong']);
    expect((await c.reply('b')).tokens).toEqual(['OK']);
    expect((await c.reply('c')).tokens).toEqual(['OK', 'pong']);
  });

  it('drops a connection whose length prefix is not a number', async () => {
    const c = await authenticated();
    c.socket.write('12x#abc');
    await c.closed;
    expect(sink.text).toContain('drachtio.bad_frame');
  });

  it('listens on 127.0.0.1 only, with a fresh random secret each run', async () => {
    expect(addresses.drachtio.host).toBe('127.0.0.1');
    expect(addresses.drachtio.secret.length).toBeGreaterThanOrEqual(32);
    const other = new SipEdge({ sip: { host: '127.0.0.1', udpPort: 0 }, drachtio: {} }, new StructuredLogger(new MemorySink()));
    const otherAddresses = await other.start();
    await other.stop();
    expect(otherAddresses.drachtio.secret).not.toBe(addresses.drachtio.secret);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect(addresses.drachtio.port, external.address);
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });
});

describe('drachtio wire protocol: sip requests', () => {
  it('sends a request the app left incomplete, echoes what was sent, and routes the answer back', async () => {
    const c = await authenticated();
    const peer = await UdpPeer.open();
    try {
      // A UTF-8 display name makes the byte length differ from the string length.
      const sip = `OPTIONS sip:peer@127.0.0.1:${peer.port} SIP/2.0\r\nFrom: "坐席七号" <sip:agent7@localhost>\r\nX-Note: 来电\r\n\r\n`;
      const payload = Buffer.from(`o1|sip|||\r\n${sip}`, 'utf8');
      const framed = Buffer.concat([Buffer.from(`${payload.length}#`), payload]);
      const middleOfCharacter = framed.indexOf(Buffer.from('七', 'utf8')) + 1;
      c.socket.write(framed.subarray(0, middleOfCharacter));
      await new Promise((resolve) => setTimeout(resolve, 20));
      c.socket.write(framed.subarray(middleOfCharacter));

      const { tokens, sip: sent } = await c.reply('o1');
      expect(tokens.slice(0, 2)).toEqual(['OK', 'application']);
      expect(Number(tokens[2])).toBe(Buffer.byteLength(sent));
      expect(tokens.slice(3, 6)).toEqual(['udp', '127.0.0.1', String(addresses.sip.udp)]);
      expect(tokens[6]).toMatch(/^\d\d:\d\d:\d\d\.\d{6}$/);
      const transactionId = tokens[7]!;
      expect(transactionId).toMatch(/[0-9a-f-]{36}/);
      expect(tokens[8]).toBe('Msg sent:');

      const echoed = parse(Buffer.from(sent, 'utf8'));
      const request = await peer.request('OPTIONS');
      expect(request.headers.get('call-id')).toBe(echoed.headers.get('call-id'));
      expect(request.headers.get('from')).toMatch(new RegExp(`^"坐席七号" <sip:agent7@127\\.0\\.0\\.1:${addresses.sip.udp}>;tag=\\w+$`));
      expect(request.headers.get('to')).toBe(`<sip:peer@127.0.0.1:${peer.port}>`);
      expect(request.headers.get('cseq')).toBe('1 OPTIONS');
      expect(request.headers.get('max-forwards')).toBe('70');
      expect(request.headers.get('x-note')).toBe('来电');
      const via = parseVia(request.headers.values('via')[0]!);
      expect(via?.params.get('branch')).toMatch(/^z9hG4bK/);
      expect(via?.params.has('rport')).toBe(true);

      peer.send(
        `SIP/2.0 200 OK\nVia: ${request.headers.get('via')}\nFrom: ${request.headers.get('from')}\n` +
          `To: ${request.headers.get('to')};tag=peer1\nCall-ID: ${request.headers.get('call-id')}\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n`,
        addresses.sip.udp!,
      );
      const event = await c.next((f) => f.split('|')[1] === 'sip');
      const leader = event.slice(0, event.indexOf('\r\n')).split('|');
      expect(leader.slice(1, 8)).toEqual(['sip', 'network', leader[3], 'udp', '127.0.0.1', String(peer.port), leader[7]]);
      expect(leader[8]).toBe(transactionId);
      expect(leader[9]).toBe('');
      expect(tagOf(parse(Buffer.from(event.slice(event.indexOf('\r\n') + 2))).headers.get('to'))).toBe('peer1');
    } finally {
      await peer.close();
    }
  });

  it('answers NOK for an unknown dialog, an unknown transaction and an unroutable URI', async () => {
    const c = await authenticated();
    c.send('d1', 'sip||nope;from-tag=x\r\nBYE sip:placeholder SIP/2.0\r\n\r\n');
    expect((await c.reply('d1')).tokens).toEqual(['NOK', 'unable to find dialog for dialog id provided']);
    c.send('t1', 'sip|nope|\r\nSIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n');
    expect((await c.reply('t1')).tokens).toEqual(['NOK', 'Response not sent due to unknown transaction']);
    c.send('u1', 'sip|||\r\nOPTIONS tel:+861012345 SIP/2.0\r\n\r\n');
    expect((await c.reply('u1')).tokens[0]).toBe('NOK');
    c.send('x1', `sip|||\r\nOPTIONS sip:me@127.0.0.1:${addresses.sip.udp} SIP/2.0\r\n\r\n`);
    expect((await c.reply('x1')).tokens).toEqual(['NOK', 'can not send request to myself']);
    c.send('p1', 'proxy|txn|remainInDialog|fullResponse||serial|||sip:a@b\r\nINVITE sip:a@b SIP/2.0\r\n\r\n');
    expect((await c.reply('p1')).tokens[0]).toBe('NOK');
  });
});

describe('WireFramer', () => {
  it('counts UTF-8 bytes, not characters, and survives splits inside a character', () => {
    const framer = new WireFramer();
    const bytes = frameOf('id|sip|||\r\nMESSAGE sip:a@b SIP/2.0\r\n\r\n你好');
    const out = [...framer.push(bytes.subarray(0, bytes.length - 2)), ...framer.push(bytes.subarray(bytes.length - 2))];
    expect(out).toEqual([{ type: 'frame', payload: 'id|sip|||\r\nMESSAGE sip:a@b SIP/2.0\r\n\r\n你好' }]);
  });

  it('refuses a zero, huge or non-numeric length', () => {
    for (const bad of ['0#', '#x', '99999999999#', 'ab#x']) {
      expect(new WireFramer().push(Buffer.from(bad))[0]?.type).toBe('error');
    }
  });
});
