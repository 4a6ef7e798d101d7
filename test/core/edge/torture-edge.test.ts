/**
 * RFC 4475's torture messages thrown at a running edge with drachtio-srf behind it,
 * over UDP and over TCP: valid requests reach the app, invalid ones are answered
 * 400/505 (or dropped), nothing crashes, and a normal call still works afterwards.
 */
import type Srf from 'drachtio-srf';
import { parseVia } from '../../../main/core/edge/sip/grammar';
import type { SipMessage } from '../../../main/core/edge/sip/message';
import { loadTorture, TORTURE_CASES, type TortureCase, type TortureVerdict } from '../../fixtures/sip/rfc4475';
import { TcpPeer, UdpPeer } from './peers';
import { harness, loose, PEER_SDP, SDP, sleep, until, type Harness } from './srf-harness';

let h: Harness;
const seen: string[] = [];

beforeAll(async () => {
  h = await harness(
    (srf) => {
      const record = (req: Srf.SrfRequest) => seen.push(req.get('Call-ID'));
      srf.invite((req, res) => {
        record(req);
        if (req.get('Call-ID').startsWith('normal-')) void srf.createUAS(req, res, { localSdp: SDP }).catch(() => {});
        else res.send(480);
      });
      loose(srf).options((req, res) => (record(req), res.send(200)));
      srf.use('register', (req, res) => (record(req), res.send(200)));
      srf.use('message', (req, res) => (record(req), res.send(202)));
    },
    ['invite', 'options', 'register', 'message'],
  );
});

afterAll(async () => {
  await h.stop();
  expect(h.edge.activeTimers).toBe(0);
});

/** Our own top Via, so answers come back to the test peer whatever the fixture's Vias say. */
function withOurVia(message: Buffer, via: string): Buffer {
  if (message.subarray(0, 4).toString() === 'SIP/') return message;
  const end = message.indexOf('\r\n');
  return Buffer.concat([message.subarray(0, end + 2), Buffer.from(`Via: ${via}\r\n`), message.subarray(end + 2)]);
}

function callIdOf(name: string): string {
  return /^(?:Call-ID|i|I)\s*:\s*(\S+)/m.exec(loadTorture(name).toString('latin1'))?.[1] ?? `(none in ${name})`;
}

const branchOf = (m: SipMessage) => parseVia(m.headers.values('via')[0] ?? '')?.params.get('branch');

/** On a stream, two RFC 4475 cases mean something else than in a datagram. */
function verdictFor(c: TortureCase, transport: 'udp' | 'tcp'): TortureVerdict {
  if (transport === 'tcp' && c.name === 'clerr') return { edge: 'silent' }; // waits for the promised 9999 octets
  return c.verdict;
}

async function check(c: TortureCase, transport: 'udp' | 'tcp', peer: UdpPeer | TcpPeer, send: (bytes: Buffer) => void): Promise<void> {
  const branch = `z9hG4bK-torture-${transport}-${c.name}`;
  const before = seen.length;
  send(withOurVia(loadTorture(c.name), `SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${peer.port};branch=${branch};rport`));
  const verdict = verdictFor(c, transport);
  const ours = (m: SipMessage) => m.kind === 'response' && m.status >= 200 && branchOf(m) === branch;
  if (verdict.edge === 'app') {
    await until(() => seen.slice(before).includes(callIdOf(c.name)), `${c.name} to reach the app`);
  } else if (verdict.edge === 'status') {
    const reply = await peer.next(ours, `${verdict.status} for ${c.name}`);
    expect([c.name, reply.kind === 'response' && reply.status]).toEqual([c.name, verdict.status]);
  } else {
    await sleep(200);
    expect([c.name, peer.count(ours), seen.length - before]).toEqual([c.name, 0, 0]);
  }
}

async function normalCall(transport: 'udp' | 'tcp', peer: UdpPeer | TcpPeer, send: (text: string) => void): Promise<void> {
  const callId = `normal-${transport}@test`;
  const line = (method: string, cseq: number, branch: string, to: string, extra = '', body = '') =>
    `${method} sip:agent@127.0.0.1 SIP/2.0\nVia: SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${peer.port};branch=${branch};rport\n` +
    `Max-Forwards: 70\nFrom: <sip:customer@127.0.0.1>;tag=normal\nTo: ${to}\nCall-ID: ${callId}\nCSeq: ${cseq} ${method}\n` +
    `Contact: <sip:customer@127.0.0.1:${peer.port}${transport === 'tcp' ? ';transport=tcp' : ''}>\n${extra}Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
  send(line('INVITE', 1, `z9hG4bK-normal-${transport}-1`, '<sip:agent@127.0.0.1>', 'Content-Type: application/sdp\n', PEER_SDP));
  const ok = await peer.response(200, 'INVITE');
  send(line('ACK', 1, `z9hG4bK-normal-${transport}-2`, ok.headers.get('to')!));
  send(line('BYE', 2, `z9hG4bK-normal-${transport}-3`, ok.headers.get('to')!));
  await peer.response(200, 'BYE');
}

describe('RFC 4475 torture messages against the running edge', () => {
  it('over UDP: each gets its verdict, and a normal call still works', async () => {
    const peer = await UdpPeer.open();
    try {
      for (const c of TORTURE_CASES) await check(c, 'udp', peer, (bytes) => peer.send(bytes, h.addresses.sip.udp!));
      // dblreq's second request rides in the same datagram and must be ignored.
      expect(seen).not.toContain('dblreq.0ha0isnda977644900765@192.0.2.15');
      await normalCall('udp', peer, (text) => peer.send(text, h.addresses.sip.udp!));
    } finally {
      await peer.close();
    }
    expect(h.sink.text).not.toContain('handler_failed');
  }, 60_000);

  it('over TCP, one connection per message: same verdicts; unframeable streams are closed', async () => {
    for (const c of TORTURE_CASES) {
      const peer = await TcpPeer.connect(h.addresses.sip.tcp!);
      try {
        await check(c, 'tcp', peer, (bytes) => peer.send(bytes));
        if (c.name === 'ncl' || c.name === 'mcl01') {
          await peer.closed;
          expect(peer.destroyed).toBe(true);
        }
      } finally {
        await peer.close();
      }
    }
    const peer = await TcpPeer.connect(h.addresses.sip.tcp!);
    try {
      await normalCall('tcp', peer, (text) => peer.send(text));
    } finally {
      await peer.close();
    }
    expect(h.sink.text).not.toContain('handler_failed');
  }, 60_000);

  it('survives a burst of garbage and still answers', async () => {
    const peer = await UdpPeer.open();
    try {
      let seed = 42;
      for (let i = 0; i < 300; i += 1) {
        const junk = Buffer.alloc(20 + (i % 200));
        for (let j = 0; j < junk.length; j += 1) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          junk[j] = seed & 0xff;
        }
        peer.send(i % 3 === 0 ? Buffer.concat([Buffer.from('INVITE sip:x@y SIP/2.0\r\n'), junk]) : junk, h.addresses.sip.udp!);
        // Paced, so the kernel's receive buffer (not the edge) is never what drops a datagram.
        if (i % 25 === 24) await sleep(5);
      }
      await sleep(100);
      peer.send(
        `OPTIONS sip:agent@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-after-junk;rport\nMax-Forwards: 70\n` +
          `From: <sip:x@127.0.0.1>;tag=1\nTo: <sip:agent@127.0.0.1>\nCall-ID: after-junk@test\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n`,
        h.addresses.sip.udp!,
      );
      const ok = await peer.response(200, 'OPTIONS');
      expect(ok.headers.get('call-id')).toBe('after-junk@test');
    } finally {
      await peer.close();
    }
  });
});
