/**
 * Real drachtio-srf as UAC (and B2BUA) through the edge, against raw SIP peers.
 */
import { createHash } from 'node:crypto';
import type Srf from 'drachtio-srf';
import { parseVia, tagOf } from '../../../main/core/edge/sip/grammar';
import type { SipRequest } from '../../../main/core/edge/sip/message';
import { UdpPeer } from './peers';
import { answer, harness, loose, looseDialog, PEER_SDP, SDP, sleep, until, type Harness } from './srf-harness';

let h: Harness;
let peer: UdpPeer;
let caller: UdpPeer;
const events: string[] = [];

beforeEach(async () => {
  events.length = 0;
  peer = await UdpPeer.open();
  caller = await UdpPeer.open();
  h = await harness(
    (srf) => {
      srf.invite((req, res) => {
        // B2BUA: the caller's INVITE goes on to the peer.
        srf
          .createB2BUA(req, res, `sip:callee@127.0.0.1:${peer.port}`, { localSdpB: req.body })
          .then(({ uas, uac }) => {
            events.push('b2b');
            uas.on('destroy', () => {
              events.push('a-hangup');
              void uac.destroy();
            });
            uac.on('destroy', () => {
              events.push('b-hangup');
              void uas.destroy();
            });
          })
          .catch((err: { status?: number }) => events.push(`b2b-error:${err.status}`));
      });
      loose(srf).notify((req, res) => {
        events.push(`notify:${req.get('Subscription-State')}`);
        res.send(200);
      });
    },
    ['invite', 'notify'],
  );
});

afterEach(async () => {
  await h.stop();
  await peer.close();
  await caller.close();
  expect(h.edge.activeTimers).toBe(0);
});

const udp = () => h.addresses.sip.udp!;

/** The peer answers an INVITE with 180 and 200 and waits for the ACK. */
async function answerInvite(invite: SipRequest, toTag = 'callee-1'): Promise<string> {
  peer.send(answer(invite, 180, { toTag }), udp());
  peer.send(answer(invite, 200, { toTag, contact: `<sip:callee@127.0.0.1:${peer.port}>`, body: PEER_SDP }), udp());
  return toTag;
}

function inDialogRequest(method: string, from: SipRequest, cseq: number, branch: string, extra = ''): string {
  // A request from the peer inside a dialog the edge's UAC created (tags swapped).
  return (
    `${method} ${from.headers.get('contact')!.replace(/^<|>$/g, '')} SIP/2.0\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport\nMax-Forwards: 70\n` +
    `From: ${from.headers.get('to')};tag=callee-1\nTo: ${from.headers.get('from')}\nCall-ID: ${from.headers.get('call-id')}\n` +
    `CSeq: ${cseq} ${method}\nContact: <sip:callee@127.0.0.1:${peer.port}>\n${extra}Content-Length: 0\n\n`
  );
}

describe('srf as UAC through the edge', () => {
  it('(b) createUAC: INVITE completed by the edge, ACK and re-ACK, re-INVITE, INFO, REFER and BYE', async () => {
    const dialogPromise = h.srf.createUAC(`sip:callee@127.0.0.1:${peer.port}`, {
      localSdp: SDP,
      headers: { From: '"坐席 7" <sip:agent7@localhost>', 'X-Call-Reason': 'callback' },
    });
    const invite = await peer.request('INVITE');
    const via = parseVia(invite.headers.values('via')[0]!);
    expect([via?.transport, via?.host, via?.port, via?.params.has('rport')]).toEqual(['UDP', '127.0.0.1', udp(), true]);
    expect(via?.params.get('branch')).toMatch(/^z9hG4bK.{8,}/);
    expect(invite.headers.get('from')).toMatch(new RegExp(`^"坐席 7" <sip:agent7@127\\.0\\.0\\.1:${udp()}>;tag=\\w+`));
    expect(invite.headers.get('to')).toBe(`<sip:callee@127.0.0.1:${peer.port}>`);
    expect(invite.headers.get('cseq')).toMatch(/^\d+ INVITE$/);
    expect(invite.headers.get('max-forwards')).toBe('70');
    expect(invite.headers.get('contact')).toBe(`<sip:127.0.0.1:${udp()}>`);
    expect(invite.headers.get('x-call-reason')).toBe('callback');
    expect(invite.headers.get('content-type')).toBe('application/sdp');
    expect(invite.body.toString()).toBe(SDP);

    await answerInvite(invite);
    const dialog = await dialogPromise;
    expect(dialog.remote.sdp).toBe(PEER_SDP);
    const ack = await peer.request('ACK');
    expect(ack.uri).toBe(`sip:callee@127.0.0.1:${peer.port}`);
    expect(ack.headers.get('cseq')).toBe(`${invite.headers.get('cseq')!.split(' ')[0]} ACK`);
    expect(tagOf(ack.headers.get('to'))).toBe('callee-1');
    expect(parseVia(ack.headers.values('via')[0]!)?.params.get('branch')).not.toBe(via?.params.get('branch'));

    // The 200 crosses the ACK: the edge ACKs the retransmission itself.
    peer.send(answer(invite, 200, { toTag: 'callee-1', contact: `<sip:callee@127.0.0.1:${peer.port}>`, body: PEER_SDP }), udp());
    await peer.request('ACK');

    const seq = Number(invite.headers.get('cseq')!.split(' ')[0]);
    const modified = dialog.modify(SDP.replace('a=sendrecv', 'a=sendonly'));
    const reinvite = await peer.request('INVITE');
    expect(reinvite.uri).toBe(`sip:callee@127.0.0.1:${peer.port}`);
    expect(reinvite.headers.get('cseq')).toBe(`${seq + 1} INVITE`);
    expect(reinvite.headers.get('contact')).toBeTruthy();
    expect(reinvite.body.toString()).toContain('a=sendonly');
    peer.send(answer(reinvite, 200, { contact: `<sip:callee@127.0.0.1:${peer.port}>`, body: PEER_SDP }), udp());
    await modified;
    expect((await peer.request('ACK')).headers.get('cseq')).toBe(`${seq + 1} ACK`);

    const info = looseDialog(dialog).request({ method: 'INFO', headers: { 'Content-Type': 'application/dtmf-relay' }, body: 'Signal=5\r\nDuration=160\r\n' });
    const infoReq = await peer.request('INFO');
    expect(infoReq.headers.get('cseq')).toBe(`${seq + 2} INFO`);
    expect(infoReq.body.toString()).toContain('Signal=5');
    peer.send(answer(infoReq, 200), udp());
    expect((await info).status).toBe(200);

    const refer = looseDialog(dialog).request({ method: 'REFER', headers: { 'Refer-To': '<sip:colleague@127.0.0.1>' } });
    const referReq = await peer.request('REFER');
    expect(referReq.headers.get('refer-to')).toBe('<sip:colleague@127.0.0.1>');
    expect(referReq.headers.get('contact')).toBeTruthy();
    peer.send(answer(referReq, 202), udp());
    expect((await refer).status).toBe(202);

    // The peer reports on the transfer inside the same dialog.
    peer.send(inDialogRequest('NOTIFY', invite, 1, 'z9hG4bK-notify-1', 'Event: refer\nSubscription-State: terminated;reason=noresource\n'), udp());
    const notified = new Promise<string>((resolve) => dialog.on('notify', (req, res) => (res.send(200), resolve(req.get('Event')))));
    expect(await notified).toBe('refer');
    await peer.response(200, 'NOTIFY');

    const destroyed = dialog.destroy();
    const bye = await peer.request('BYE');
    expect(bye.headers.get('cseq')).toBe(`${seq + 4} BYE`);
    expect(bye.headers.get('from')).toBe(invite.headers.get('from'));
    expect(tagOf(bye.headers.get('to'))).toBe('callee-1');
    peer.send(answer(bye, 200), udp());
    await destroyed;
    expect(h.edge.status().dialogs).toBe(0);
  });

  it('(b) a peer that rejects: srf gets the 486, the edge sends the ACK itself', async () => {
    const failed = h.srf.createUAC(`sip:callee@127.0.0.1:${peer.port}`, { localSdp: SDP }).catch((err: { status: number }) => err.status);
    const invite = await peer.request('INVITE');
    peer.send(answer(invite, 486, { toTag: 'busy' }), udp());
    expect(await failed).toBe(486);
    const ack = await peer.request('ACK');
    expect(parseVia(ack.headers.values('via')[0]!)?.params.get('branch')).toBe(parseVia(invite.headers.values('via')[0]!)?.params.get('branch'));
    expect(h.edge.status().dialogs).toBe(0);
  });

  it('(b) cancel while the peer rings: CANCEL with the INVITE’s branch, then the 487 reaches srf', async () => {
    let request: Srf.SrfRequest | undefined;
    const failed = h.srf
      .createUAC(`sip:callee@127.0.0.1:${peer.port}`, { localSdp: SDP }, {
        // drachtio-srf calls cbRequest(err, req), whatever its typings say.
        cbRequest: ((_err: unknown, req: Srf.SrfRequest) => (request = req)) as unknown as (req: Srf.SrfRequest) => void,
      })
      .catch((err: { status: number }) => err.status);
    const invite = await peer.request('INVITE');
    peer.send(answer(invite, 180, { toTag: 'ring' }), udp());
    await until(() => request !== undefined, 'the sent INVITE');
    await sleep(50);
    request!.cancel(() => {});
    const cancel = await peer.request('CANCEL');
    expect(cancel.headers.get('cseq')).toBe(`${invite.headers.get('cseq')!.split(' ')[0]} CANCEL`);
    expect(cancel.headers.values('via')[0]).toBe(invite.headers.values('via')[0]);
    peer.send(answer(cancel, 200), udp());
    peer.send(answer(invite, 487, { toTag: 'ring' }), udp());
    expect(await failed).toBe(487);
    await peer.request('ACK');
  });

  it('times out an unanswered INVITE with a 408 for srf', async () => {
    const failed = h.srf.createUAC(`sip:nobody@127.0.0.1:${peer.port}`, { localSdp: SDP }).catch((err: { status: number }) => err.status);
    await peer.request('INVITE');
    expect(await failed).toBe(408);
    expect(peer.count((m) => m.kind === 'request' && m.method === 'INVITE')).toBeGreaterThan(3);
  }, 15_000);

  it('REGISTER with digest authentication done by srf', async () => {
    const response = new Promise<number>((resolve, reject) => {
      loose(h.srf).request(
        `sip:127.0.0.1:${peer.port}`,
        {
          method: 'REGISTER',
          headers: { From: '<sip:8001@pbx.example>', To: '<sip:8001@pbx.example>', Contact: '<sip:8001@localhost>', Expires: '300' },
          auth: { username: '8001', password: 's3cret' },
        },
        (err: unknown, req: Srf.SrfRequest) => {
          if (err) return reject(err);
          req.on('response', (res) => resolve(res?.status ?? 0));
        },
      );
    });
    const first = await peer.request('REGISTER');
    expect(first.headers.get('contact')).toBe(`<sip:8001@127.0.0.1:${udp()}>`);
    peer.send(answer(first, 401, { toTag: 'reg', extra: 'WWW-Authenticate: Digest realm="pbx.example", nonce="abc123", qop="auth", algorithm=MD5\n' }), udp());
    const second = await peer.request('REGISTER');
    expect(second.headers.get('call-id')).toBe(first.headers.get('call-id'));
    expect(Number(second.headers.get('cseq')!.split(' ')[0])).toBe(Number(first.headers.get('cseq')!.split(' ')[0]) + 1);
    expect(tagOf(second.headers.get('from'))).toBe(tagOf(first.headers.get('from')));
    const auth = second.headers.get('authorization')!;
    const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(auth)?.[1];
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const expected = md5(
      [md5(`8001:pbx.example:s3cret`), 'abc123', field('nc'), field('cnonce'), 'auth', md5(`REGISTER:${field('uri')}`)].join(':'),
    );
    expect(field('response')).toBe(expected);
    peer.send(answer(second, 200, { toTag: 'reg', extra: 'Expires: 300\n' }), udp());
    expect(await response).toBe(200);
  });

  it('OPTIONS and MESSAGE outside a dialog, sent through an explicit proxy', async () => {
    const proxy = await UdpPeer.open();
    try {
      const sendOne = (method: string, body?: string) =>
        new Promise<number>((resolve, reject) => {
          loose(h.srf).request(
            'sip:someone@pbx.invalid',
            { method, proxy: `sip:127.0.0.1:${proxy.port}`, headers: body ? { 'Content-Type': 'text/plain;charset=UTF-8' } : {}, body },
            (err: unknown, req: Srf.SrfRequest) => (err ? reject(err) : req.on('response', (res) => resolve(res?.status ?? 0))),
          );
        });
      const options = sendOne('OPTIONS');
      const got = await proxy.request('OPTIONS');
      expect(got.uri).toBe('sip:someone@pbx.invalid');
      proxy.send(answer(got, 200), udp());
      expect(await options).toBe(200);
      const message = sendOne('MESSAGE', '客户来电 ☎');
      const gotMessage = await proxy.request('MESSAGE');
      expect(gotMessage.body.toString()).toBe('客户来电 ☎');
      expect(gotMessage.headers.get('content-length')).toBe(String(Buffer.byteLength('客户来电 ☎')));
      proxy.send(answer(gotMessage, 202), udp());
      expect(await message).toBe(202);
    } finally {
      await proxy.close();
    }
  });

  it('SUBSCRIBE creates a dialog; the NOTIFY that follows reaches srf, and ends it when terminated', async () => {
    const subscription = h.srf.createUAC(`sip:presence@127.0.0.1:${peer.port}`, {
      // `method` is real drachtio-srf API, missing from its typings.
      ...({ method: 'SUBSCRIBE' } as object),
      headers: { From: '<sip:presence@localhost>', Event: 'presence', Expires: '60', Accept: 'application/pidf+xml' },
    });
    const subscribe = await peer.request('SUBSCRIBE');
    expect(subscribe.headers.get('contact')).toBeTruthy();
    peer.send(answer(subscribe, 202, { toTag: 'callee-1', contact: `<sip:presence@127.0.0.1:${peer.port}>`, extra: 'Expires: 60\n' }), udp());
    const dialog = await subscription;
    expect((dialog as unknown as { id: string }).id).toBe(`${subscribe.headers.get('call-id')};from-tag=${tagOf(subscribe.headers.get('from'))}`);
    peer.send(inDialogRequest('NOTIFY', subscribe, 1, 'z9hG4bK-n1', 'Event: presence\nSubscription-State: active;expires=60\n'), udp());
    await peer.response(200, 'NOTIFY');
    peer.send(inDialogRequest('NOTIFY', subscribe, 2, 'z9hG4bK-n2', 'Event: presence\nSubscription-State: terminated\n'), udp());
    await peer.response(200, 'NOTIFY');
    await until(() => h.edge.status().dialogs === 0, 'the subscription to end');
  });
});

describe('srf as B2BUA through the edge', () => {
  it('bridges a caller to a callee, passes provisional and final responses, and hangs both up', async () => {
    caller.send(
      `INVITE sip:agent@127.0.0.1:${udp()} SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK-b2b-1;rport\n` +
        `Max-Forwards: 70\nFrom: <sip:customer@127.0.0.1>;tag=a-leg\nTo: <sip:agent@127.0.0.1>\nCall-ID: b2b-a@test\nCSeq: 7 INVITE\n` +
        `Contact: <sip:customer@127.0.0.1:${caller.port}>\nContent-Type: application/sdp\nContent-Length: ${Buffer.byteLength(PEER_SDP)}\n\n${PEER_SDP}`,
      udp(),
    );
    const bLeg = await peer.request('INVITE');
    expect(bLeg.headers.get('call-id')).not.toBe('b2b-a@test');
    expect(bLeg.body.toString()).toBe(PEER_SDP);
    peer.send(answer(bLeg, 180, { toTag: 'b-leg' }), udp());
    await caller.response(180, 'INVITE');
    peer.send(answer(bLeg, 200, { toTag: 'b-leg', contact: `<sip:callee@127.0.0.1:${peer.port}>`, body: SDP }), udp());
    await peer.request('ACK');
    const ok = await caller.response(200, 'INVITE');
    expect(ok.body.toString()).toBe(SDP);
    caller.send(
      `ACK ${ok.headers.get('contact')!.replace(/^<|>$/g, '')} SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK-b2b-2;rport\n` +
        `Max-Forwards: 70\nFrom: <sip:customer@127.0.0.1>;tag=a-leg\nTo: ${ok.headers.get('to')}\nCall-ID: b2b-a@test\nCSeq: 7 ACK\nContent-Length: 0\n\n`,
      udp(),
    );
    await until(() => events.includes('b2b'), 'both legs');
    caller.send(
      `BYE ${ok.headers.get('contact')!.replace(/^<|>$/g, '')} SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK-b2b-3;rport\n` +
        `Max-Forwards: 70\nFrom: <sip:customer@127.0.0.1>;tag=a-leg\nTo: ${ok.headers.get('to')}\nCall-ID: b2b-a@test\nCSeq: 8 BYE\nContent-Length: 0\n\n`,
      udp(),
    );
    await caller.response(200, 'BYE');
    const bye = await peer.request('BYE');
    peer.send(answer(bye, 200), udp());
    await until(() => h.edge.status().dialogs === 0, 'both dialogs to end');
    expect(events).toContain('a-hangup');
  });

  it('passes the callee’s failure back to the caller', async () => {
    caller.send(
      `INVITE sip:agent@127.0.0.1:${udp()} SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK-b2b-f;rport\n` +
        `Max-Forwards: 70\nFrom: <sip:customer@127.0.0.1>;tag=a-leg-f\nTo: <sip:agent@127.0.0.1>\nCall-ID: b2b-f@test\nCSeq: 1 INVITE\n` +
        `Contact: <sip:customer@127.0.0.1:${caller.port}>\nContent-Type: application/sdp\nContent-Length: ${Buffer.byteLength(PEER_SDP)}\n\n${PEER_SDP}`,
      udp(),
    );
    const bLeg = await peer.request('INVITE');
    peer.send(answer(bLeg, 486, { toTag: 'busy' }), udp());
    await caller.response(486, 'INVITE');
    await until(() => events.includes('b2b-error:486'), 'srf to see the failure');
  });
});
