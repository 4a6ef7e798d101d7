/**
 * The calls service's hook for the agent state: an INVITE arriving while the agent may
 * not take calls is answered 486 at once and never rings. Driven through the INVITE
 * handler with a fake request, so no SIP peer is needed; the real-peer call tests
 * (test/core/calls) cover the ringing path with the same handler.
 */
import { CallsService } from '../../../../main/core/calls/calls-service';
import { silentLogger } from '../../../../main/core/log/logger';

function invite() {
  const sent: { status: number; reason?: unknown }[] = [];
  const headers: Record<string, string> = {
    'Call-ID': 'abc@pbx',
    From: '<sip:13800138000@pbx.example.com>;tag=1',
    To: '<sip:8001@pbx.example.com>',
  };
  const req = { method: 'INVITE', uri: 'sip:8001@pbx.example.com', body: '', get: (name: string) => headers[name], has: (name: string) => name in headers, on: () => req, cancel: () => undefined };
  const res = { status: 0, reason: '', body: '', get: () => undefined, has: () => false, send: (status: number, reason?: unknown) => sent.push({ status, reason }) };
  return { req, res, sent };
}

function service(admits: () => boolean): { calls: CallsService; published: unknown[] } {
  const published: unknown[] = [];
  const calls = new CallsService({
    settings: () => ({ sipAccount: null, deskPhoneUri: null, sipEdge: { mode: 'embedded', host: '127.0.0.1', udpPort: 0, tcpPort: 0 } }),
    secrets: { get: async () => null, set: async () => undefined },
    directory: { lookupNumber: async () => ({ e164: null, card: null }) } as never,
    callLog: { record: async () => undefined } as never,
    log: silentLogger,
    now: () => new Date('2026-03-02T08:00:00.000Z'),
    publish: (summary) => published.push(summary),
    onLineState: () => undefined,
    lookupDeadlineMs: 10,
    admitsInbound: admits,
  });
  // As if registered: the INVITE handler only takes calls for a configured extension.
  (calls as unknown as { account: object }).account = { user: '8001' };
  return { calls, published };
}

const onInvite = (calls: CallsService, req: unknown, res: unknown) =>
  (calls as unknown as { onInvite(req: unknown, res: unknown): Promise<void> }).onInvite(req, res);

describe('inbound calls and the agent state', () => {
  it('answers 486 Busy Here and rings nothing while the agent does not take calls', async () => {
    const { calls, published } = service(() => false);
    const { req, res, sent } = invite();
    await onInvite(calls, req, res);
    expect(sent).toEqual([{ status: 486, reason: 'Busy Here' }]);
    expect(calls.list()).toEqual([]);
    expect(published).toEqual([]);
  });

  it('rings (180) when the agent takes calls', async () => {
    const { calls, published } = service(() => true);
    const { req, res, sent } = invite();
    await onInvite(calls, req, res);
    expect(sent).toEqual([{ status: 180, reason: undefined }]);
    expect(calls.list().map((call) => call.state)).toEqual(['ringing']);
    expect(published.length).toBeGreaterThan(0);
  });
});
