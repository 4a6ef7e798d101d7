/**
 * The SIP agent's corner cases, driven with fake timers, a recording transport and
 * a fake drachtio application (no sockets).
 */
import { RFC3261_TIMERS, systemClock, TimerGroup } from '../../../main/core/edge/clock';
import { AppRegistry, type AppLink } from '../../../main/core/edge/drachtio/app-registry';
import { splitPayload } from '../../../main/core/edge/drachtio/wire';
import { tagOf } from '../../../main/core/edge/sip/grammar';
import { serialize, type SipMessage, type SipRequest } from '../../../main/core/edge/sip/message';
import { SipAgent } from '../../../main/core/edge/sip-agent';
import type { MessageOrigin, SendTarget, SentVia } from '../../../main/core/edge/transport/transport-layer';
import { silentLogger } from '../../../main/core/log/logger';
import { makeRequest, parse } from './helpers';
import { answer } from './srf-harness';

const origin: MessageOrigin = { protocol: 'udp', address: '192.0.2.10', port: 5070, localAddress: '127.0.0.1', localPort: 5060, bytes: 0 };

function setup() {
  const sent: SipMessage[] = [];
  const transport = {
    send: async (data: Buffer, target: SendTarget): Promise<SentVia> => {
      sent.push(parse(data));
      return { protocol: target.protocol, localAddress: '127.0.0.1', localPort: 5060, address: target.address, port: target.port };
    },
    advertised: () => ({ host: '127.0.0.1', port: 5060 }),
    supports: (p: string) => p === 'udp',
    isLocal: () => false,
  };
  const frames: Array<{ tokens: string[]; sip: string }> = [];
  const app: AppLink & { open: boolean } = {
    id: 'app-1',
    open: true,
    send: (payload) => frames.push(splitPayload(payload.toString())),
  };
  const apps = new AppRegistry();
  for (const verb of ['invite', 'options', 'info']) apps.route(app, verb);
  const timers = new TimerGroup(systemClock);
  const agent = new SipAgent({ transport, apps, timers, values: RFC3261_TIMERS, clock: systemClock, log: silentLogger });
  const statuses = (method: string) =>
    sent.filter((m) => m.kind === 'response' && (m.headers.get('cseq') ?? '').endsWith(` ${method}`)).map((m) => (m.kind === 'response' ? m.status : 0));
  const requests = (method: string) => sent.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
  return { sent, frames, app, agent, timers, statuses, requests };
}

type Setup = ReturnType<typeof setup>;

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** An INVITE from the network answered 200 by the app and ACKed: a confirmed UAS dialog. */
async function confirmedUasDialog(s: Setup): Promise<{ invite: SipRequest; toTag: string; dialogId: string }> {
  const invite = makeRequest({ extra: 'Content-Type: application/sdp\n', body: 'v=0\n' });
  s.agent.receive(invite, origin);
  const event = s.frames.find((f) => f.tokens[1] === 'sip')!;
  const outcome = await s.agent.fromApp(s.app, event.tokens[8]!, '', undefined, 'SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n');
  if (!outcome.ok) throw new Error(outcome.reason);
  const ok = s.sent.find((m) => m.kind === 'response' && m.status === 200)!;
  const toTag = tagOf(ok.headers.get('to'))!;
  s.agent.receive(makeRequest({ method: 'ACK', branch: 'z9hG4bK-ack', toTag }), origin);
  return { invite, toTag, dialogId: outcome.dialogId };
}

/** An INVITE sent by the app to 192.0.2.20, with the edge's client transaction behind it. */
async function appInvite(s: Setup): Promise<{ transactionId: string; invite: SipRequest; dialogId: string }> {
  const outcome = await s.agent.fromApp(s.app, '', '', undefined, 'INVITE sip:bob@192.0.2.20 SIP/2.0\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n');
  if (!outcome.ok) throw new Error(outcome.reason);
  return { transactionId: outcome.transactionId, invite: s.requests('INVITE')[0]!, dialogId: outcome.dialogId };
}

const respond = (s: Setup, invite: SipRequest, status: number, toTag = 'bob') =>
  s.agent.receive(parse(answer(invite, status, { toTag, contact: '<sip:bob@192.0.2.20:5090>' })), { ...origin, address: '192.0.2.20', port: 5060 });

describe('SipAgent as UAS', () => {
  it('answers 500 for an app that never answers a non-INVITE request', async () => {
    const s = setup();
    s.agent.receive(makeRequest({ method: 'OPTIONS' }), origin);
    expect(s.frames).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(64 * 500);
    expect(s.statuses('OPTIONS')).toEqual([500]);
    expect(s.agent.pending.uas).toBe(0);
  });

  it('refuses an in-dialog request whose CSeq went backwards', async () => {
    const s = setup();
    const { toTag } = await confirmedUasDialog(s);
    s.agent.receive(makeRequest({ method: 'INFO', branch: 'z9hG4bK-i5', toTag, cseq: 5 }), origin);
    s.agent.receive(makeRequest({ method: 'INFO', branch: 'z9hG4bK-i3', toTag, cseq: 3 }), origin);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.statuses('INFO')).toEqual([500]);
    expect(s.frames.filter((f) => f.sip.startsWith('INFO'))).toHaveLength(1);
  });

  it('sends in-dialog requests to the new target after a re-INVITE', async () => {
    const s = setup();
    const { toTag, dialogId } = await confirmedUasDialog(s);
    s.agent.receive(
      makeRequest({ branch: 'z9hG4bK-re', toTag, cseq: 2, contact: '<sip:caller@198.51.100.4:5999>', extra: 'Content-Type: application/sdp\n', body: 'v=0\n' }),
      origin,
    );
    const reinvite = s.frames.filter((f) => f.sip.startsWith('INVITE'))[1]!;
    expect(reinvite.tokens[9]).toBe(dialogId);
    await s.agent.fromApp(s.app, reinvite.tokens[8]!, '', undefined, 'SIP/2.0 200 OK\r\n\r\n');
    await s.agent.fromApp(s.app, '', dialogId, undefined, 'BYE sip:placeholder SIP/2.0\r\n\r\n');
    expect(s.requests('BYE')[0]?.uri).toBe('sip:caller@198.51.100.4:5999');
  });

  it('lets the app choose the To tag, which later local answers keep', async () => {
    const s = setup();
    const invite = makeRequest();
    s.agent.receive(invite, origin);
    const event = s.frames.find((f) => f.tokens[1] === 'sip')!;
    await s.agent.fromApp(s.app, event.tokens[8]!, '', undefined, 'SIP/2.0 180 Ringing\r\nTo: <sip:agent@example.com>;tag=chosen-by-app\r\n\r\n');
    s.agent.receive(makeRequest({ method: 'CANCEL' }), origin);
    await jest.advanceTimersByTimeAsync(0);
    const tags = s.sent.filter((m) => m.kind === 'response' && m.status !== 100).map((m) => [m.kind === 'response' && m.status, tagOf(m.headers.get('to'))]);
    expect(tags).toContainEqual([180, 'chosen-by-app']);
    expect(tags).toContainEqual([487, 'chosen-by-app']);
  });

  it('answers what an app left pending with 503 when the app goes away', () => {
    const s = setup();
    s.agent.receive(makeRequest(), origin);
    s.app.open = false;
    s.agent.appClosed(s.app);
    expect(s.statuses('INVITE')).toEqual([100, 503]);
  });

  it('keeps a 2xx going until the ACK, and reports the ACK to the app once', async () => {
    const s = setup();
    const invite = makeRequest();
    s.agent.receive(invite, origin);
    const event = s.frames.find((f) => f.tokens[1] === 'sip')!;
    await s.agent.fromApp(s.app, event.tokens[8]!, '', undefined, 'SIP/2.0 200 OK\r\n\r\n');
    // Resent at T1 and then 2*T1 later: 0, 500 and 1500 ms.
    await jest.advanceTimersByTimeAsync(1600);
    expect(s.statuses('INVITE')).toEqual([100, 200, 200, 200]);
    const toTag = tagOf(s.sent.find((m) => m.kind === 'response' && m.status === 200)!.headers.get('to'))!;
    s.agent.receive(makeRequest({ method: 'ACK', branch: 'z9hG4bK-a1', toTag }), origin);
    s.agent.receive(makeRequest({ method: 'ACK', branch: 'z9hG4bK-a1', toTag }), origin);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(s.statuses('INVITE')).toHaveLength(4);
    expect(s.frames.filter((f) => f.sip.startsWith('ACK'))).toHaveLength(1);
  });
});

describe('SipAgent as UAC', () => {
  it('re-ACKs a 2xx that arrives after the INVITE transaction has ended', async () => {
    const s = setup();
    const { invite, dialogId } = await appInvite(s);
    respond(s, invite, 200);
    const ack = await s.agent.fromApp(s.app, '', dialogId, undefined, 'ACK sip:bob@192.0.2.20 SIP/2.0\r\n\r\n');
    expect(ack.ok).toBe(true);
    expect(s.requests('ACK')[0]?.uri).toBe('sip:bob@192.0.2.20:5090');
    await jest.advanceTimersByTimeAsync(64 * 500);
    expect(s.agent.transactions.counts.client).toBe(0);
    respond(s, invite, 200);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.requests('ACK')).toHaveLength(2);
    expect(serialize(s.requests('ACK')[1]!).equals(serialize(s.requests('ACK')[0]!))).toBe(true);
    expect(s.frames.filter((f) => f.sip.startsWith('SIP/2.0 200'))).toHaveLength(1);
  });

  it('refuses the app’s ACK for a failure: the transaction already sent it', async () => {
    const s = setup();
    const { invite, dialogId } = await appInvite(s);
    respond(s, invite, 486);
    const ack = await s.agent.fromApp(s.app, '', dialogId, undefined, 'ACK sip:bob@192.0.2.20 SIP/2.0\r\n\r\n');
    expect(ack).toEqual({ ok: false, reason: 'ACK for non-success final response is automatically generated by the stack' });
    expect(s.requests('ACK')).toHaveLength(1);
  });

  it('holds a CANCEL until the INVITE has a provisional response', async () => {
    const s = setup();
    const { invite, transactionId } = await appInvite(s);
    const cancelled = await s.agent.fromApp(s.app, transactionId, '', undefined, 'CANCEL sip:bob@192.0.2.20 SIP/2.0\r\nReason: SIP;cause=480\r\n\r\n');
    expect(cancelled.ok).toBe(true);
    expect(s.requests('CANCEL')).toHaveLength(0);
    respond(s, invite, 180);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.requests('CANCEL')).toHaveLength(1);
    expect(s.requests('CANCEL')[0]!.headers.get('reason')).toBe('SIP;cause=480');
  });

  it('drops a held CANCEL when a final response wins the race', async () => {
    const s = setup();
    const { invite, transactionId } = await appInvite(s);
    await s.agent.fromApp(s.app, transactionId, '', undefined, 'CANCEL sip:bob@192.0.2.20 SIP/2.0\r\n\r\n');
    respond(s, invite, 486);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.requests('CANCEL')).toHaveLength(0);
    const again = await s.agent.fromApp(s.app, transactionId, '', undefined, 'CANCEL sip:bob@192.0.2.20 SIP/2.0\r\n\r\n');
    expect(again.ok).toBe(false);
  });

  it('ACKs and then BYEs a 2xx that beat its CANCEL, and tells the app (ACK-BYE)', async () => {
    const s = setup();
    const { invite, transactionId, dialogId } = await appInvite(s);
    respond(s, invite, 180);
    await s.agent.fromApp(s.app, transactionId, '', undefined, 'CANCEL sip:bob@192.0.2.20 SIP/2.0\r\n\r\n');
    respond(s, invite, 200);
    await s.agent.fromApp(s.app, '', dialogId, undefined, 'ACK sip:bob@192.0.2.20 SIP/2.0\r\n\r\n');
    await jest.advanceTimersByTimeAsync(0);
    expect(s.requests('BYE')).toHaveLength(1);
    const unsolicited = s.frames.find((f) => f.sip.startsWith('BYE'))!;
    expect(unsolicited.tokens.slice(1, 3)).toEqual(['sip', 'application']);
    expect(unsolicited.tokens[8]).toBe('unsolicited');
    expect(unsolicited.tokens[9]).toBe(dialogId);
    expect(s.agent.dialogs.size).toBe(0);
  });
});
