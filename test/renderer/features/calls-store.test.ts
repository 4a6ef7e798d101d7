import type { CallSummary } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { currentCall, isAllowed, ringingCall, type CallAction } from '../../../renderer/features/calls/call-rules';
import { CALL_HOTKEYS, hotkeyAction } from '../../../renderer/features/calls/hotkeys';
import { useCallsStore } from '../../../renderer/features/calls/store';
import { callSummary, contactCard, deferred, freshApi } from '../fake-api';

const store = () => useCallsStore.getState();
const ids = () => store().calls.map((c) => c.id);
const at = (state: CallSummary['state'], overrides: Partial<CallSummary> = {}) => callSummary('c1', { state, ...overrides });
const ended = (call: CallSummary, overrides: Partial<CallSummary> = {}): CallSummary => ({
  ...call,
  state: 'ended',
  endAt: new Date().toISOString(),
  outcome: 'answered',
  endCause: 'remote_hangup',
  ...overrides,
});

describe('calls store: what the core says', () => {
  it('loads the calls in progress, and pushes that raced the list win over it', async () => {
    const list = deferred<CallSummary[]>();
    await freshApi({ 'calls.list': () => list.promise });
    const loading = store().load();
    // While calls.list is in flight: c1 is answered and c2 ends.
    store().applyCall(at('active', { answerAt: new Date().toISOString() }));
    store().applyCall(ended(callSummary('c2')));
    list.resolve([at('ringing'), callSummary('c2'), callSummary('c3')]);
    await loading;
    expect(ids()).toEqual(['c1', 'c3']);
    expect(store().calls[0]!.state).toBe('active');
    expect(store()).toMatchObject({ loaded: true, loadError: null });
  });

  it('keeps why the list failed', async () => {
    await freshApi({
      'calls.list': () => {
        throw new ZuoxiError('unavailable', 'core starting');
      },
    });
    await store().load();
    expect(store().loadError).toEqual({ code: 'unavailable', message: 'core starting' });
  });

  it('says what each push did: a ring pops, a late card pops again, a change does not', async () => {
    await freshApi();
    expect(store().applyCall(at('ringing'))).toEqual({ kind: 'added', pop: 'ring' });
    expect(store().applyCall(at('ringing', { card: contactCard(7) }))).toEqual({ kind: 'changed', pop: 'card' });
    expect(store().applyCall(at('active', { card: contactCard(7) }))).toEqual({ kind: 'changed', pop: null });
    // A consult call is a colleague: it never replaces the customer's card.
    expect(store().applyCall(callSummary('k1', { direction: 'outbound', state: 'dialing', consultFor: 'c1' }))).toEqual({ kind: 'added', pop: null });
    expect(store().applyCall(ended(at('active')))).toEqual({ kind: 'ended', pop: null });
    expect(store().applyCall(at('active'))).toEqual({ kind: 'ignored', pop: null });
    expect(ids()).toEqual(['k1']);
    expect(store().lastEnded?.id).toBe('c1');
  });

  it('says when a call is pushed again with a different card (a connector answered late), and not for the same card', async () => {
    await freshApi();
    const card = contactCard(7, {}, { crm: null });
    const enriched = contactCard(7, {}, { crm: { customerId: 'c1', email: '', title: '', department: '', openTickets: [], lastContacts: [] } });
    expect(store().applyCall(at('ringing', { card }))).toEqual({ kind: 'added', pop: 'ring' });
    // Parsed afresh, equal in content: nothing to update.
    expect(store().applyCall(at('ringing', { card: JSON.parse(JSON.stringify(card)) as typeof card }))).toEqual({ kind: 'changed', pop: null });
    expect(store().applyCall(at('ringing', { card: enriched }))).toEqual({ kind: 'changed', pop: 'update' });
    expect(store().applyCall(at('active', { card: enriched }))).toEqual({ kind: 'changed', pop: null });
    // Talking by now, the CRM's answer still updates the card.
    expect(store().applyCall(at('active', { card }))).toEqual({ kind: 'changed', pop: 'update' });
    expect(store().applyCall(ended(at('active', { card: enriched })))).toEqual({ kind: 'ended', pop: null });
  });
});

describe('calls store: the agent’s actions', () => {
  it('sends each action to its channel with the call id', async () => {
    const active = at('active', { answerAt: new Date().toISOString() });
    const consult = callSummary('k1', { direction: 'outbound', state: 'active', consultFor: 'c1' });
    const fake = await freshApi({
      'calls.answer': () => active,
      'calls.reject': ({ callId }) => ended(callSummary(callId), { outcome: 'rejected', endCause: 'rejected' }),
      'calls.hold': ({ hold }) => at(hold ? 'held' : 'active'),
      'calls.dtmf': () => active,
      'calls.consult': () => consult,
      'calls.completeTransfer': () => ended(active, { outcome: 'transferred', endCause: 'transferred' }),
    });
    store().applyCall(at('ringing'));
    store().applyCall(callSummary('c2'));
    await store().answer('c1');
    await store().reject('c2', 'decline');
    await store().hold('c1');
    await store().resume('c1');
    await store().dtmf('c1', '5');
    await store().consult('c1', ' 8002 ');
    await store().completeTransfer('c1');
    expect(fake.calls.map((c) => [c.channel, c.args])).toEqual([
      ['calls.answer', { callId: 'c1' }],
      ['calls.reject', { callId: 'c2', reason: 'decline' }],
      ['calls.hold', { callId: 'c1', hold: true }],
      ['calls.hold', { callId: 'c1', hold: false }],
      ['calls.dtmf', { callId: 'c1', digits: '5' }],
      ['calls.consult', { callId: 'c1', target: '8002' }],
      ['calls.completeTransfer', { callId: 'c1', consultCallId: 'k1' }],
    ]);
    expect(ids()).toEqual(['k1']);
  });

  it('keeps a failure per call and per action, cleared by the next attempt', async () => {
    let fail = true;
    await freshApi({
      'calls.hold': () => {
        if (fail) throw new ZuoxiError('unavailable', 'no answer to the re-INVITE');
        return at('held');
      },
    });
    store().applyCall(at('active'));
    await store().hold('c1');
    expect(store().actions.c1).toEqual({ pending: {}, error: { action: 'hold', failure: { code: 'unavailable', message: 'no answer to the re-INVITE' } } });
    fail = false;
    await store().hold('c1');
    expect(store().actions.c1).toEqual({ pending: {}, error: null });
    expect(store().calls[0]!.state).toBe('held');
  });

  it('dials a number and is pending until the core answers with the call dialling', async () => {
    const reply = deferred<CallSummary>();
    const fake = await freshApi({ 'calls.dial': () => reply.promise });
    const dialling = store().dialNumber(' 13900139000 ');
    expect(store().dial).toEqual({ pending: true, number: '13900139000', error: null });
    expect(await store().dialNumber('8002')).toBe(false);
    reply.resolve(callSummary('out-1', { direction: 'outbound', state: 'dialing' }));
    expect(await dialling).toBe(true);
    expect(fake.argsOf('calls.dial')).toEqual([{ number: '13900139000' }]);
    expect(store().dial.pending).toBe(false);
    expect(ids()).toEqual(['out-1']);
  });

  it('reports a dial the core refused, and a dial that ended without an answer', async () => {
    let refuse = true;
    await freshApi({
      'calls.dial': () => {
        if (refuse) throw new ZuoxiError('invalid_input', 'No desk phone is configured');
        return callSummary('dial-1', { direction: 'outbound', state: 'ended', outcome: 'failed', endCause: 'desk_phone_failed', endDetail: '408 Request Timeout' });
      },
    });
    expect(await store().dialNumber('13900139000')).toBe(false);
    expect(store().dial.error).toEqual({ code: 'invalid_input', message: 'No desk phone is configured' });
    refuse = false;
    expect(await store().dialNumber('13900139000')).toBe(false);
    expect(store().dial.error).toBeNull();
    expect(store().lastEnded).toMatchObject({ endCause: 'desk_phone_failed', endDetail: '408 Request Timeout' });
  });
});

describe('call rules', () => {
  const table: Array<[CallSummary['state'], CallAction[]]> = [
    ['ringing', ['answer', 'reject']],
    ['dialing', ['hangup']],
    ['active', ['hold', 'transfer', 'consult', 'hangup', 'dtmf']],
    ['held', ['resume', 'transfer', 'consult', 'hangup', 'dtmf']],
  ];
  const all: CallAction[] = ['answer', 'reject', 'hold', 'resume', 'transfer', 'consult', 'completeTransfer', 'hangup', 'dtmf'];

  it.each(table)('an inbound call that is %s allows exactly %p', (state, allowed) => {
    const call = at(state);
    expect(all.filter((action) => isAllowed(action, call, [call]))).toEqual(allowed);
  });

  it('while consulting: the held customer can only be completed or hung up; the consult call only hung up', () => {
    const parent = at('held');
    const consult = callSummary('k1', { direction: 'outbound', state: 'active', consultFor: 'c1' });
    const calls = [parent, consult];
    expect(all.filter((action) => isAllowed(action, parent, calls))).toEqual(['completeTransfer', 'hangup', 'dtmf']);
    expect(all.filter((action) => isAllowed(action, consult, calls))).toEqual(['hangup', 'dtmf']);
    // Until the consulted party answers there is nothing to complete.
    const ringingConsult = { ...consult, state: 'dialing' as const };
    expect(isAllowed('completeTransfer', parent, [parent, ringingConsult])).toBe(false);
  });

  it('an outbound call never offers answer or reject', () => {
    const call = callSummary('o1', { direction: 'outbound', state: 'ringing' });
    expect(isAllowed('answer', call, [call])).toBe(false);
    expect(isAllowed('reject', call, [call])).toBe(false);
  });

  it('picks the call the agent is on: active first (the consult), then dialling, then held', () => {
    const held = at('held');
    const consult = callSummary('k1', { direction: 'outbound', state: 'active', consultFor: 'c1' });
    const ringing = callSummary('r1');
    expect(currentCall([held, consult, ringing])?.id).toBe('k1');
    expect(currentCall([held, ringing])?.id).toBe('c1');
    expect(currentCall([ringing])).toBeUndefined();
    expect(ringingCall([held, ringing, callSummary('r2')])?.id).toBe('r1');
  });
});

describe('call hotkeys', () => {
  it('F2 answers the call that has rung longest, F8 holds and resumes, F9 hangs up', async () => {
    const fake = await freshApi({
      'calls.answer': ({ callId }) => callSummary(callId, { state: 'active' }),
      'calls.hold': ({ callId, hold }) => callSummary(callId, { state: hold ? 'held' : 'active' }),
      'calls.hangup': ({ callId }) => ended(callSummary(callId)),
    });
    expect(CALL_HOTKEYS).toEqual({ answer: 'F2', hold: 'F8', hangup: 'F9' });
    expect(hotkeyAction('F2')).toBeNull();
    store().applyCall(callSummary('r1'));
    store().applyCall(callSummary('r2'));
    expect(hotkeyAction('F9')).toBeNull(); // a ringing call is rejected with its button, not hung up by a key
    await hotkeyAction('F2')!();
    await hotkeyAction('F8')!();
    await hotkeyAction('F8')!();
    await hotkeyAction('F9')!();
    expect(fake.calls.map((c) => [c.channel, c.args])).toEqual([
      ['calls.answer', { callId: 'r1' }],
      ['calls.hold', { callId: 'r1', hold: true }],
      ['calls.hold', { callId: 'r1', hold: false }],
      ['calls.hangup', { callId: 'r1' }],
    ]);
    expect(ids()).toEqual(['r2']);
    expect(hotkeyAction('F5')).toBeNull();
  });

  it('F8 during a consult does not resume the held customer', async () => {
    await freshApi();
    store().applyCall(at('held'));
    store().applyCall(callSummary('k1', { direction: 'outbound', state: 'active', consultFor: 'c1' }));
    expect(hotkeyAction('F8')).toBeNull();
    expect(hotkeyAction('F9')).not.toBeNull();
  });
});
