/**
 * Real drachtio-srf as UAS behind the edge; raw SIP clients on the network side.
 */
import type Srf from 'drachtio-srf';
import { parseNameAddr, tagOf } from '../../../main/core/edge/sip/grammar';
import type { SipRequest, SipResponse } from '../../../main/core/edge/sip/message';
import { TcpPeer, UdpPeer } from './peers';
import { request as parseRequest } from './helpers';
import { answer, harness, loose, looseDialog, PEER_SDP, SDP, sleep, until, type Harness } from './srf-harness';

let h: Harness;
let peer: UdpPeer;
const events: string[] = [];
let answerMode: 'answer' | 'ring' | 'reject' = 'answer';
let lastUas: Srf.Dialog | undefined;

beforeEach(async () => {
  events.length = 0;
  answerMode = 'answer';
  lastUas = undefined;
  h = await harness(
    (srf) => {
      srf.invite((req, res) => {
        events.push(`invite:${req.get('Call-ID')}`);
        req.on('cancel', () => events.push('cancel'));
        if (answerMode === 'reject') {
          res.send(486);
          return;
        }
        res.send(180);
        if (answerMode === 'ring') return;
        srf
          .createUAS(req, res, { localSdp: SDP })
          .then((dialog) => {
            lastUas = dialog;
            events.push('dialog');
            dialog.on('ack', () => events.push('ack'));
            dialog.on('destroy', () => events.push('destroy'));
            dialog.on('info', (infoReq: Srf.SrfRequest, infoRes: Srf.SrfResponse) => {
              events.push(`info:${infoReq.body}`);
              infoRes.send(200);
            });
          })
          .catch((err: { status?: number }) => events.push(`uas-error:${err.status}`));
      });
      srf.use('subscribe', (req, res) => {
        void srf.createUAS(req, res, { localSdp: '', headers: { Expires: '60' } }).then((dialog) => {
          void looseDialog(dialog).request({
            method: 'NOTIFY',
            headers: { Event: 'presence', 'Subscription-State': 'active;expires=60', 'Content-Type': 'application/pidf+xml' },
            body: '<presence entity="sip:agent@zuoxi"/>',
          });
        });
      });
      loose(srf).options((req, res) => {
        events.push(`options:${req.get('Call-ID')}`);
        res.send(200, { headers: { Allow: 'INVITE, ACK, BYE, CANCEL, OPTIONS' } });
      });
    },
    ['invite', 'options', 'subscribe'],
  );
  peer = await UdpPeer.open();
});

afterEach(async () => {
  await peer.close();
  await h.stop();
  expect(h.edge.activeTimers).toBe(0);
});

let seq = 0;
function invite(callId: string, branch = `z9hG4bK-inv-${++seq}`): string {
  const body = PEER_SDP;
  return (
    `INVITE sip:agent@127.0.0.1:${h.addresses.sip.udp} SIP/2.0\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport\nMax-Forwards: 70\n` +
    `From: "客户" <sip:customer@127.0.0.1>;tag=cust-${seq}\nTo: <sip:agent@127.0.0.1>\nCall-ID: ${callId}\nCSeq: 1 INVITE\n` +
    `Contact: <sip:customer@127.0.0.1:${peer.port}>\nContent-Type: application/sdp\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`
  );
}

function inDialog(method: string, invite: SipRequest, ok: SipResponse, cseq: number, branch: string, body = ''): string {
  return (
    `${method} ${parseNameAddr(ok.headers.get('contact')!)!.uri} SIP/2.0\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport\nMax-Forwards: 70\n` +
    `From: ${invite.headers.get('from')}\nTo: ${ok.headers.get('to')}\nCall-ID: ${invite.headers.get('call-id')}\nCSeq: ${cseq} ${method}\n` +
    (body ? 'Content-Type: text/plain\n' : '') +
    `Content-Length: ${Buffer.byteLength(body)}\n\n${body}`
  );
}

const sent = (text: string): SipRequest => parseRequest(text);

describe('srf as UAS behind the edge', () => {
  it('(a) answers an INVITE with 100, 180 and 200, resends the 200 until the ACK, and ends on BYE', async () => {
    const text = invite('uas-a@test');
    peer.send(text, h.addresses.sip.udp!);
    await peer.response(100, 'INVITE');
    const ringing = await peer.response(180, 'INVITE');
    const ok = await peer.response(200, 'INVITE');
    expect(tagOf(ok.headers.get('to'))).toBe(tagOf(ringing.headers.get('to')));
    expect(tagOf(ok.headers.get('to'))).toBeTruthy();
    expect(ok.headers.get('contact')).toBe(`<sip:127.0.0.1:${h.addresses.sip.udp}>`);
    expect(ok.body.toString()).toBe(SDP);
    expect(ok.headers.values('via')[0]).toContain(`rport=${peer.port}`);

    // Not ACKed yet: the edge resends the 200 (T1 = 100 ms in this test).
    await peer.response(200, 'INVITE');
    await until(() => events.includes('dialog'), 'the dialog');
    const request = sent(text);
    peer.send(inDialog('ACK', request, ok, 1, 'z9hG4bK-ack-a'), h.addresses.sip.udp!);
    await until(() => events.includes('ack'), 'srf to see the ACK');
    const okCount = peer.count((m) => m.kind === 'response' && m.status === 200);
    await sleep(600);
    expect(peer.count((m) => m.kind === 'response' && m.status === 200)).toBe(okCount);

    peer.send(inDialog('INFO', request, ok, 2, 'z9hG4bK-info-a', 'hello 你好'), h.addresses.sip.udp!);
    await peer.response(200, 'INFO');
    expect(events).toContain('info:hello 你好');

    peer.send(inDialog('BYE', request, ok, 3, 'z9hG4bK-bye-a'), h.addresses.sip.udp!);
    await peer.response(200, 'BYE');
    await until(() => events.includes('destroy'), 'srf to see the BYE');
    expect(h.edge.status().dialogs).toBe(0);
  });

  it('sends a BYE of its own and tells srf when the 200 is never ACKed', async () => {
    peer.send(invite('uas-noack@test'), h.addresses.sip.udp!);
    await peer.response(200, 'INVITE');
    const bye = await peer.request('BYE', 10_000);
    expect(bye.headers.get('reason')).toContain('ACK timeout');
    peer.send(answer(bye, 200), h.addresses.sip.udp!);
    await until(() => events.includes('destroy'), 'srf to hear of the unsolicited BYE');
    expect(h.edge.status().dialogs).toBe(0);
  }, 15_000);

  it('(c) CANCEL while ringing: 200 to the CANCEL, 487 to the INVITE, and srf sees the cancel', async () => {
    answerMode = 'ring';
    const text = invite('uas-cancel@test', 'z9hG4bK-cancel-me');
    peer.send(text, h.addresses.sip.udp!);
    await peer.response(180, 'INVITE');
    const request = sent(text);
    peer.send(
      `CANCEL ${request.uri} SIP/2.0\nVia: ${request.headers.get('via')}\nMax-Forwards: 70\nFrom: ${request.headers.get('from')}\n` +
        `To: ${request.headers.get('to')}\nCall-ID: ${request.headers.get('call-id')}\nCSeq: 1 CANCEL\nContent-Length: 0\n\n`,
      h.addresses.sip.udp!,
    );
    await peer.response(200, 'CANCEL');
    const terminated = await peer.response(487, 'INVITE');
    await until(() => events.includes('cancel'), 'srf to see the cancel');

    // The 487 is resent until ACKed (same branch as the INVITE), then it stops.
    await peer.response(487, 'INVITE');
    peer.send(
      `ACK ${request.uri} SIP/2.0\nVia: ${request.headers.get('via')}\nMax-Forwards: 70\nFrom: ${request.headers.get('from')}\n` +
        `To: ${terminated.headers.get('to')}\nCall-ID: ${request.headers.get('call-id')}\nCSeq: 1 ACK\nContent-Length: 0\n\n`,
      h.addresses.sip.udp!,
    );
    await sleep(150);
    const count = peer.count((m) => m.kind === 'response' && m.status === 487);
    await sleep(700);
    expect(peer.count((m) => m.kind === 'response' && m.status === 487)).toBe(count);
  });

  it('(c) a CANCEL that matches no INVITE gets 481', async () => {
    peer.send(
      `CANCEL sip:agent@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-orphan;rport\nMax-Forwards: 70\n` +
        `From: <sip:x@y>;tag=1\nTo: <sip:agent@127.0.0.1>\nCall-ID: orphan@test\nCSeq: 1 CANCEL\nContent-Length: 0\n\n`,
      h.addresses.sip.udp!,
    );
    await peer.response(481, 'CANCEL');
  });

  it('(d) answers 481 to requests in an unknown dialog and 503 to methods no app routed', async () => {
    const base = (method: string, extra = '') =>
      `${method} sip:agent@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-${method}-d;rport\nMax-Forwards: 70\n` +
      `From: <sip:x@127.0.0.1>;tag=1\nTo: <sip:agent@127.0.0.1>${extra}\nCall-ID: d-${method}@test\nCSeq: 5 ${method}\nContent-Length: 0\n\n`;
    peer.send(base('BYE', ';tag=nosuchdialog'), h.addresses.sip.udp!);
    peer.send(base('INFO', ';tag=nosuchdialog'), h.addresses.sip.udp!);
    peer.send(base('MESSAGE'), h.addresses.sip.udp!);
    peer.send(base('REGISTER'), h.addresses.sip.udp!);
    await peer.response(481, 'BYE');
    await peer.response(481, 'INFO');
    await peer.response(503, 'MESSAGE');
    await peer.response(503, 'REGISTER');
    peer.send(base('OPTIONS'), h.addresses.sip.udp!);
    const ok = await peer.response(200, 'OPTIONS');
    expect(ok.headers.get('allow')).toBe('INVITE, ACK, BYE, CANCEL, OPTIONS');
  });

  it('passes srf’s rejection to the caller with a To tag and keeps no dialog', async () => {
    answerMode = 'reject';
    peer.send(invite('uas-reject@test'), h.addresses.sip.udp!);
    const busy = await peer.response(486, 'INVITE');
    expect(tagOf(busy.headers.get('to'))).toBeTruthy();
    expect(h.edge.status().dialogs).toBe(0);
  });

  it('works the same over TCP, on one connection', async () => {
    const tcp = await TcpPeer.connect(h.addresses.sip.tcp!);
    try {
      const body = PEER_SDP;
      const text = (method: string, cseq: number, branch: string, to: string, extra = '', content = '') =>
        `${method} sip:agent@127.0.0.1:${h.addresses.sip.tcp};transport=tcp SIP/2.0\n` +
        `Via: SIP/2.0/TCP 127.0.0.1:${tcp.port};branch=${branch};rport\nMax-Forwards: 70\n` +
        `From: <sip:customer@127.0.0.1>;tag=tcp-1\nTo: ${to}\nCall-ID: tcp-call@test\nCSeq: ${cseq} ${method}\n` +
        `Contact: <sip:customer@127.0.0.1:${tcp.port};transport=tcp>\n${extra}Content-Length: ${Buffer.byteLength(content)}\n\n${content}`;
      tcp.send(text('INVITE', 1, 'z9hG4bK-tcp-1', '<sip:agent@127.0.0.1>', 'Content-Type: application/sdp\n', body));
      await tcp.response(100, 'INVITE');
      const ok = await tcp.response(200, 'INVITE');
      expect(ok.headers.get('contact')).toBe(`<sip:127.0.0.1:${h.addresses.sip.tcp};transport=tcp>`);
      tcp.send(text('ACK', 1, 'z9hG4bK-tcp-2', ok.headers.get('to')!));
      await until(() => events.includes('ack'), 'the ACK over TCP');
      // No retransmissions over a reliable transport.
      await sleep(400);
      expect(tcp.count((m) => m.kind === 'response' && m.status === 200)).toBe(1);
      tcp.send(text('BYE', 2, 'z9hG4bK-tcp-3', ok.headers.get('to')!));
      await tcp.response(200, 'BYE');
      await until(() => events.includes('destroy'), 'the BYE over TCP');
      expect(h.edge.status().tcpConnections).toBe(1);
    } finally {
      await tcp.close();
    }
  });

  it('accepts a SUBSCRIBE for srf and carries srf’s NOTIFY inside the new dialog', async () => {
    peer.send(
      `SUBSCRIBE sip:agent@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-sub-1;rport\nMax-Forwards: 70\n` +
        `From: <sip:supervisor@127.0.0.1>;tag=sup-1\nTo: <sip:agent@127.0.0.1>\nCall-ID: sub@test\nCSeq: 10 SUBSCRIBE\n` +
        `Contact: <sip:supervisor@127.0.0.1:${peer.port}>\nEvent: presence\nExpires: 60\nContent-Length: 0\n\n`,
      h.addresses.sip.udp!,
    );
    const accepted = await peer.response(202, 'SUBSCRIBE');
    expect(accepted.headers.get('contact')).toBe(`<sip:127.0.0.1:${h.addresses.sip.udp}>`);
    const notify = await peer.request('NOTIFY');
    expect(notify.uri).toBe(`sip:supervisor@127.0.0.1:${peer.port}`);
    expect(notify.headers.get('to')).toBe('<sip:supervisor@127.0.0.1>;tag=sup-1');
    expect(notify.headers.get('from')).toBe(accepted.headers.get('to'));
    expect(notify.headers.get('call-id')).toBe('sub@test');
    expect(notify.headers.get('subscription-state')).toBe('active;expires=60');
    expect(notify.body.toString()).toBe('<presence entity="sip:agent@zuoxi"/>');
    peer.send(answer(notify, 200), h.addresses.sip.udp!);
    expect(h.edge.status().dialogs).toBe(1);
  });

  it('lets srf end the call: its BYE goes to the caller’s Contact with the dialog’s tags and next CSeq', async () => {
    const text = invite('uas-appbye@test');
    peer.send(text, h.addresses.sip.udp!);
    const ok = await peer.response(200, 'INVITE');
    const request = sent(text);
    peer.send(inDialog('ACK', request, ok, 1, 'z9hG4bK-ack-appbye'), h.addresses.sip.udp!);
    await until(() => events.includes('ack') && lastUas !== undefined, 'the ACK');
    const destroyed = lastUas!.destroy();
    const bye = await peer.request('BYE');
    expect(bye.uri).toBe(`sip:customer@127.0.0.1:${peer.port}`);
    expect(bye.headers.get('from')).toBe(ok.headers.get('to'));
    expect(bye.headers.get('to')).toBe(request.headers.get('from'));
    expect(bye.headers.get('call-id')).toBe('uas-appbye@test');
    expect(bye.headers.get('cseq')).toMatch(/^\d+ BYE$/);
    peer.send(answer(bye, 200), h.addresses.sip.udp!);
    await destroyed;
    expect(h.edge.status().dialogs).toBe(0);
  });
});
