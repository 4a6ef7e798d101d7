import { systemClock, TimerGroup, RFC3261_TIMERS } from '../../../main/core/edge/clock';
import { silentLogger } from '../../../main/core/log/logger';
import { parseVia, tagOf } from '../../../main/core/edge/sip/grammar';
import { serialize, type SipRequest, type SipResponse } from '../../../main/core/edge/sip/message';
import { parseDatagram } from '../../../main/core/edge/sip/parser';
import { createResponse, topVia } from '../../../main/core/edge/sip/responses';
import {
  TransactionLayer,
  type ServerTransaction,
  type TransactionUser,
} from '../../../main/core/edge/transaction/transactions';
import type { MessageOrigin, SendTarget, SentVia } from '../../../main/core/edge/transport/transport-layer';
import { makeRequest } from './helpers';

interface Sent {
  at: number;
  text: string;
  target: SendTarget;
}

function setup() {
  const sent: Sent[] = [];
  const start = Date.now();
  const sender = {
    send: async (data: Buffer, target: SendTarget): Promise<SentVia> => {
      sent.push({ at: Date.now() - start, text: data.toString(), target });
      return { protocol: target.protocol, localAddress: '127.0.0.1', localPort: 5060, address: target.address, port: target.port };
    },
  };
  const timers = new TimerGroup(systemClock);
  const requests: Array<{ request: SipRequest; transaction: ServerTransaction }> = [];
  const acks: SipRequest[] = [];
  const stray: SipResponse[] = [];
  const user: TransactionUser = {
    onRequest: (request: SipRequest, _origin: MessageOrigin, transaction: ServerTransaction) => requests.push({ request, transaction }),
    onAck: (ack: SipRequest) => acks.push(ack),
    onStrayResponse: (response: SipResponse) => stray.push(response),
  };
  const tu = { requests, acks, stray };
  let tags = 0;
  const layer = new TransactionLayer({ sender, timers, values: RFC3261_TIMERS, log: silentLogger }, user, () => `tag${++tags}`);
  return { sent, timers, tu, layer };
}

const udpOrigin: MessageOrigin = { protocol: 'udp', address: '192.0.2.10', port: 5070, localAddress: '127.0.0.1', localPort: 5060, bytes: 0 };
const tcpOrigin: MessageOrigin = { ...udpOrigin, protocol: 'tcp', connectionId: 'tcp-1' };
const udp: SendTarget = { protocol: 'udp', address: '192.0.2.20', port: 5060 };
const tcp: SendTarget = { protocol: 'tcp', address: '192.0.2.20', port: 5060 };

function outgoing(method: string, branch = 'z9hG4bKclient1'): SipRequest {
  return makeRequest({ method, via: `SIP/2.0/UDP 127.0.0.1:5060;branch=${branch};rport`, callId: `out-${method}` });
}

function answer(req: SipRequest, status: number, toTag = 'remote'): SipResponse {
  return createResponse(req, status, undefined, toTag);
}

const sentTimes = (sent: Sent[], method: string) => sent.filter((s) => s.text.startsWith(method)).map((s) => s.at);

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

describe('INVITE client transaction (RFC 3261 §17.1.1)', () => {
  it('retransmits on timer A (T1 doubling) and times out on timer B with a 408', async () => {
    const { sent, layer, timers } = setup();
    const responses: Array<[number, boolean | undefined]> = [];
    const invite = outgoing('INVITE');
    await layer.createClient(invite, udp, { onResponse: (r, _o, synthetic) => responses.push([r.status, synthetic]) }).start();
    await jest.advanceTimersByTimeAsync(64 * 500);
    expect(sentTimes(sent, 'INVITE')).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(responses).toEqual([[408, true]]);
    expect(layer.counts.client).toBe(0);
    expect(timers.size).toBe(0);
  });

  it('stops retransmitting on a provisional and ACKs a failure itself, once per retransmission', async () => {
    const { sent, layer, timers } = setup();
    const statuses: number[] = [];
    const invite = outgoing('INVITE');
    await layer.createClient(invite, udp, { onResponse: (r) => statuses.push(r.status) }).start();
    layer.receiveResponse(answer(invite, 180), udpOrigin);
    await jest.advanceTimersByTimeAsync(40_000);
    expect(sentTimes(sent, 'INVITE')).toEqual([0]);

    layer.receiveResponse(answer(invite, 486), udpOrigin);
    layer.receiveResponse(answer(invite, 486), udpOrigin);
    await jest.advanceTimersByTimeAsync(0);
    expect(statuses).toEqual([180, 486]);
    const acks = sent.filter((s) => s.text.startsWith('ACK'));
    expect(acks).toHaveLength(2);
    const ack = parseDatagram(Buffer.from(acks[0]!.text));
    if (!ack.ok || ack.message.kind !== 'request') throw new Error('bad ACK');
    expect(ack.message.uri).toBe(invite.uri);
    expect(ack.message.headers.get('cseq')).toBe('1 ACK');
    expect(tagOf(ack.message.headers.get('to'))).toBe('remote');
    expect(topVia(ack.message.headers)?.params.get('branch')).toBe('z9hG4bKclient1');

    await jest.advanceTimersByTimeAsync(31_999);
    expect(layer.counts.client).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(layer.counts.client).toBe(0);
    expect(timers.size).toBe(0);
  });

  it('passes every 2xx up (so the core can re-ACK) until timer M ends the Accepted state', async () => {
    const { layer, tu } = setup();
    const statuses: number[] = [];
    const invite = outgoing('INVITE');
    await layer.createClient(invite, udp, { onResponse: (r) => statuses.push(r.status) }).start();
    layer.receiveResponse(answer(invite, 200), udpOrigin);
    layer.receiveResponse(answer(invite, 200), udpOrigin);
    expect(statuses).toEqual([200, 200]);
    await jest.advanceTimersByTimeAsync(32_000);
    layer.receiveResponse(answer(invite, 200), udpOrigin);
    expect(statuses).toEqual([200, 200]);
    expect(tu.stray.map((r) => r.status)).toEqual([200]);
  });

  it('does not retransmit over TCP but still gives up on timer B', async () => {
    const { sent, layer } = setup();
    const statuses: number[] = [];
    await layer.createClient(outgoing('INVITE'), tcp, { onResponse: (r) => statuses.push(r.status) }).start();
    await jest.advanceTimersByTimeAsync(31_999);
    expect(sent).toHaveLength(1);
    expect(statuses).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(statuses).toEqual([408]);
  });

  it('terminates at once after a failure over TCP (timer D is zero)', async () => {
    const { layer } = setup();
    const invite = outgoing('INVITE');
    await layer.createClient(invite, tcp, { onResponse: () => {} }).start();
    layer.receiveResponse(answer(invite, 603), udpOrigin);
    expect(layer.counts.client).toBe(0);
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('retransmits on timer E capped at T2 and times out on timer F', async () => {
    const { sent, layer } = setup();
    const statuses: number[] = [];
    await layer.createClient(outgoing('OPTIONS'), udp, { onResponse: (r) => statuses.push(r.status) }).start();
    await jest.advanceTimersByTimeAsync(32_000);
    expect(sentTimes(sent, 'OPTIONS')).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(statuses).toEqual([408]);
  });

  it('retransmits every T2 once proceeding, and absorbs the final response after completion', async () => {
    const { sent, layer, timers } = setup();
    const statuses: number[] = [];
    const register = outgoing('REGISTER');
    await layer.createClient(register, udp, { onResponse: (r) => statuses.push(r.status) }).start();
    await jest.advanceTimersByTimeAsync(600);
    layer.receiveResponse(answer(register, 100), udpOrigin);
    await jest.advanceTimersByTimeAsync(9_000);
    expect(sentTimes(sent, 'REGISTER')).toEqual([0, 500, 1500, 5500, 9500]);
    layer.receiveResponse(answer(register, 200), udpOrigin);
    layer.receiveResponse(answer(register, 200), udpOrigin);
    expect(statuses).toEqual([100, 200]);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(layer.counts.client).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(layer.counts.client).toBe(0);
    expect(timers.size).toBe(0);
  });

  it('fails start() and ends the transaction when the request cannot leave', async () => {
    const statuses: number[] = [];
    const failing = { send: () => Promise.reject(new Error('refused')) };
    const direct = new TransactionLayer(
      { sender: failing, timers: new TimerGroup(systemClock), values: RFC3261_TIMERS, log: silentLogger },
      { onRequest() {}, onAck() {}, onStrayResponse() {} },
      () => 't',
    );
    await expect(direct.createClient(outgoing('OPTIONS'), udp, { onResponse: (r) => statuses.push(r.status) }).start()).rejects.toThrow('refused');
    expect(direct.counts.client).toBe(0);
    expect(statuses).toEqual([]);
  });
});

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('retransmits a failure on timer G until the ACK, then lingers for timer I', async () => {
    const { sent, layer, tu, timers } = setup();
    const invite = makeRequest();
    layer.receiveRequest(invite, udpOrigin);
    const transaction = tu.requests[0]!.transaction;
    await transaction.respond(createResponse(invite, 486, undefined, transaction.localTag));
    await jest.advanceTimersByTimeAsync(8_000);
    expect(sentTimes(sent, 'SIP/2.0 486')).toEqual([0, 500, 1500, 3500, 7500]);

    layer.receiveRequest(makeRequest({ method: 'ACK', cseq: 1 }), udpOrigin);
    expect(transaction.state).toBe('confirmed');
    await jest.advanceTimersByTimeAsync(4_999);
    expect(sentTimes(sent, 'SIP/2.0 486')).toHaveLength(5);
    expect(layer.counts.server).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(layer.counts.server).toBe(0);
    expect(tu.acks).toEqual([]);
    expect(timers.size).toBe(0);
  });

  it('gives up on timer H when no ACK comes', async () => {
    const { sent, layer, tu } = setup();
    const invite = makeRequest();
    layer.receiveRequest(invite, udpOrigin);
    await tu.requests[0]!.transaction.respond(createResponse(invite, 480, undefined, 'x'));
    await jest.advanceTimersByTimeAsync(32_000);
    expect(layer.counts.server).toBe(0);
    const count = sent.length;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(sent.length).toBe(count);
  });

  it('answers a retransmitted INVITE with the last response and absorbs it after a 2xx', async () => {
    const { sent, layer, tu } = setup();
    const invite = makeRequest();
    layer.receiveRequest(invite, udpOrigin);
    const transaction = tu.requests[0]!.transaction;
    await transaction.respond(createResponse(invite, 180, undefined, transaction.localTag));
    layer.receiveRequest(makeRequest(), udpOrigin);
    await jest.advanceTimersByTimeAsync(0);
    expect(sentTimes(sent, 'SIP/2.0 180')).toHaveLength(2);
    expect(tu.requests).toHaveLength(1);

    await transaction.respond(createResponse(invite, 200, undefined, transaction.localTag));
    layer.receiveRequest(makeRequest(), udpOrigin);
    await jest.advanceTimersByTimeAsync(10_000);
    // The 2xx is the core's to retransmit, not the transaction's.
    expect(sentTimes(sent, 'SIP/2.0 200')).toHaveLength(1);
    expect(transaction.state).toBe('accepted');
    await expect(transaction.respond(createResponse(invite, 486))).rejects.toThrow('final response already sent');
    await jest.advanceTimersByTimeAsync(22_000);
    expect(layer.counts.server).toBe(0);
  });

  it('hands the ACK for a 2xx (a new branch) to the core, not to the transaction', () => {
    const { layer, tu } = setup();
    layer.receiveRequest(makeRequest({ method: 'ACK', branch: 'z9hG4bK-ack-2xx', toTag: 'us' }), udpOrigin);
    expect(tu.acks).toHaveLength(1);
    expect(layer.counts.server).toBe(0);
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('absorbs retransmissions while trying, repeats the final response, and ends on timer J', async () => {
    const { sent, layer, tu } = setup();
    const options = makeRequest({ method: 'OPTIONS' });
    layer.receiveRequest(options, udpOrigin);
    layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), udpOrigin);
    expect(sent).toHaveLength(0);
    await tu.requests[0]!.transaction.respond(createResponse(options, 200, undefined, 't'));
    layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), udpOrigin);
    await jest.advanceTimersByTimeAsync(0);
    expect(sentTimes(sent, 'SIP/2.0 200')).toEqual([0, 0]);
    expect(tu.requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(32_000);
    expect(layer.counts.server).toBe(0);
  });

  it('ends at once over TCP', async () => {
    const { layer, tu } = setup();
    const options = makeRequest({ method: 'OPTIONS' });
    layer.receiveRequest(options, tcpOrigin);
    await tu.requests[0]!.transaction.respond(createResponse(options, 200));
    expect(layer.counts.server).toBe(0);
  });
});

describe('transaction matching (RFC 3261 §17.2.3) and RFC 3581', () => {
  it('stamps received and rport on the top Via of an incoming request', () => {
    const { layer, tu } = setup();
    layer.receiveRequest(makeRequest({ via: 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnat;rport' }), { ...udpOrigin, address: '203.0.113.9', port: 40000 });
    const via = parseVia(tu.requests[0]!.request.headers.values('via')[0]!);
    expect([via?.params.get('received'), via?.params.get('rport')]).toEqual(['203.0.113.9', '40000']);
  });

  it('sends responses to received:rport over UDP', async () => {
    const { layer, tu, sent } = setup();
    const invite = makeRequest({ via: 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnat;rport' });
    layer.receiveRequest(invite, { ...udpOrigin, address: '203.0.113.9', port: 40000 });
    await tu.requests[0]!.transaction.respond(createResponse(invite, 100));
    expect(sent[0]!.target).toEqual({ protocol: 'udp', address: '203.0.113.9', port: 40000 });
  });

  it('keeps a CANCEL apart from the INVITE it cancels, and finds that INVITE', () => {
    const { layer, tu } = setup();
    layer.receiveRequest(makeRequest(), udpOrigin);
    const cancel = makeRequest({ method: 'CANCEL' });
    layer.receiveRequest(cancel, udpOrigin);
    expect(tu.requests.map((r) => r.request.method)).toEqual(['INVITE', 'CANCEL']);
    expect(layer.findInviteFor(cancel)).toBe(tu.requests[0]!.transaction);
    expect(layer.findInviteFor(makeRequest({ method: 'CANCEL', branch: 'z9hG4bK-other' }))).toBeUndefined();
  });

  it('matches RFC 2543 requests without a magic cookie by their identifiers', () => {
    const { layer, tu } = setup();
    const old = makeRequest({ via: 'SIP/2.0/UDP 192.0.2.10:5070' });
    layer.receiveRequest(old, udpOrigin);
    layer.receiveRequest(makeRequest({ via: 'SIP/2.0/UDP 192.0.2.10:5070' }), udpOrigin);
    layer.receiveRequest(makeRequest({ via: 'SIP/2.0/UDP 192.0.2.10:5070', cseq: 2 }), udpOrigin);
    expect(tu.requests).toHaveLength(2);
  });

  it('gives responses that match no client transaction to the core', () => {
    const { layer, tu } = setup();
    const unknown = createResponse(outgoing('INVITE', 'z9hG4bKnobody'), 200);
    layer.receiveResponse(unknown, udpOrigin);
    expect(tu.stray).toHaveLength(1);
    expect(serialize(unknown).toString()).toContain('z9hG4bKnobody');
  });
});
