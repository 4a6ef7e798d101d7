/**
 * Scenarios 2 and 3: a customer's real phone (baresip) calls the agent's extension
 * through kamailio. The card pops while it rings; Answer bridges the agent's desk phone
 * (baresip, auto-answer) and the two phones hear each other's tones; hang-ups, a
 * cancelled ring and a rejected call each land in the call log as what they were.
 */
import type { CallSummary } from '../../../main/common/domain';
import { hears, type Baresip } from '../../peers';
import { AGENT, DOMAIN, Lab, settle } from './lab';

jest.setTimeout(90_000);

const CUSTOMER = { user: '13800138000', password: 'customer-pw' };
const CUSTOMER_TONE = 440;
const DESK_TONE = 1000;

let lab: Lab;
let customer: Baresip;
let desk: Baresip;
let contactId: number;

beforeAll(async () => {
  lab = await Lab.startWith({ users: { [CUSTOMER.user]: CUSTOMER.password } }, async (lab) => {
    desk = await lab.phone({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: DESK_TONE });
    customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: false, toneHz: CUSTOMER_TONE });
    await lab.open({ settings: { deskPhoneUri: desk.uri } });
    await lab.waitForRegistered();
    const card = await lab.invoke('directory.saveContact', {
      contactId: null,
      contact: { name: '王芳', company: '华南物流', numbers: [{ label: 'mobile', raw: '138 0013 8000' }], tier: 'gold' },
  });
  contactId = card.contact.id;
  });
});

afterAll(async () => {
  await lab?.stop();
});

beforeEach(() => lab.forgetPhoneEvents());

/** The customer dials the agent; resolves with the ringing push. */
async function customerCalls(): Promise<CallSummary> {
  const before = lab.callPushes().length;
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  return lab.waitForCall((call) => lab.callPushes().indexOf(call) >= before && call.state === 'ringing', 'the call to ring in Zuoxi');
}

function ended(callId: string): Promise<CallSummary> {
  return lab.waitForCall((call) => call.id === callId && call.state === 'ended', `call ${callId} to end`);
}

describe('an inbound call in desk-phone mode', () => {
  it('pops the card while ringing, bridges the desk phone on answer, carries audio both ways, and logs it', async () => {
    const ringing = await customerCalls();
    // The card is there before anyone answered.
    expect(ringing).toMatchObject({
      direction: 'inbound',
      state: 'ringing',
      remote: { number: CUSTOMER.user, e164: '+8613800138000', withheld: false },
      dialled: AGENT.user,
      answerAt: null,
    });
    expect(ringing.card?.contact).toMatchObject({ id: contactId, name: '王芳', tier: 'gold' });
    await customer.waitForEvent('CALL_RINGING');
    expect(lab.status().agentState).toBe('ringing');
    expect(await lab.invoke('calls.list', {})).toEqual([expect.objectContaining({ id: ringing.id, state: 'ringing' })]);

    const answered = await lab.invoke('calls.answer', { callId: ringing.id });
    expect(answered).toMatchObject({ id: ringing.id, state: 'active', answerAt: expect.any(String) });
    await desk.waitForEvent('CALL_ESTABLISHED');
    await customer.waitForEvent('CALL_ESTABLISHED');
    expect(lab.status().agentState).toBe('on_call');

    // Real RTP between the phones: each hears the other's tone, not silence, not its own.
    await settle(2500);
    const deskHeard = desk.latestRecording();
    const customerHeard = customer.latestRecording();
    expect(deskHeard).not.toBeNull();
    expect(customerHeard).not.toBeNull();
    const deskHears = hears(deskHeard!, CUSTOMER_TONE, 1.5);
    const customerHears = hears(customerHeard!, DESK_TONE, 1.5);
    expect(deskHears.seconds).toBeGreaterThan(1);
    expect(deskHears.level).toBeGreaterThan(1000);
    expect(hears(deskHeard!, DESK_TONE, 1.5).level).toBeLessThan(200);
    expect(customerHears.seconds).toBeGreaterThan(1);
    expect(customerHears.level).toBeGreaterThan(1000);

    await customer.hangup();
    const end = await ended(ringing.id);
    expect(end).toMatchObject({ outcome: 'answered', endCause: 'remote_hangup' });
    await desk.waitForEvent('CALL_CLOSED');
    expect(lab.status().agentState).toBe('ready');

    const log = await lab.invoke('calls.log', { limit: 10 });
    const row = log.items.find((item) => item.callId === ringing.id);
    expect(row).toMatchObject({
      direction: 'inbound',
      remoteNumber: CUSTOMER.user,
      remoteE164: '+8613800138000',
      dialled: AGENT.user,
      contactId,
      outcome: 'answered',
      cause: 'remote_hangup',
      ringAt: ringing.ringAt,
      answerAt: answered.answerAt,
    });
    expect(row!.ringAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(row!.answerAt!)).toBeGreaterThanOrEqual(Date.parse(row!.ringAt));
    expect(Date.parse(row!.endAt) - Date.parse(row!.answerAt!)).toBeGreaterThan(2000);
    // The caller's card now shows the call.
    const card = await lab.invoke('directory.card', { contactId });
    expect(card.recent[0]).toMatchObject({ kind: 'call_in', outcome: 'answered', occurredAt: ringing.ringAt });
  });

  it('the agent hangs up in Zuoxi: both phones are released', async () => {
    const ringing = await customerCalls();
    await lab.invoke('calls.answer', { callId: ringing.id });
    await customer.waitForEvent('CALL_ESTABLISHED');
    const hungUp = await lab.invoke('calls.hangup', { callId: ringing.id });
    expect(hungUp).toMatchObject({ state: 'ended', outcome: 'answered', endCause: 'local_hangup' });
    await customer.waitForEvent('CALL_CLOSED');
    await desk.waitForEvent('CALL_CLOSED');
  });

  it('the agent hangs up on the desk phone: the customer is released too', async () => {
    const ringing = await customerCalls();
    await lab.invoke('calls.answer', { callId: ringing.id });
    await customer.waitForEvent('CALL_ESTABLISHED');
    await desk.waitForEvent('CALL_ESTABLISHED');
    await desk.hangup();
    expect(await ended(ringing.id)).toMatchObject({ outcome: 'answered', endCause: 'local_hangup' });
    await customer.waitForEvent('CALL_CLOSED');
  });

  it('the customer gives up while it rings (CANCEL): a missed call in the log', async () => {
    const ringing = await customerCalls();
    await customer.waitForEvent('CALL_RINGING');
    await customer.hangup();
    const end = await ended(ringing.id);
    expect(end).toMatchObject({ outcome: 'missed', endCause: 'caller_cancelled', answerAt: null });
    const log = await lab.invoke('calls.log', { limit: 10 });
    expect(log.items.find((item) => item.callId === ringing.id)).toMatchObject({ outcome: 'missed', cause: 'caller_cancelled', answerAt: null, contactId });
    // The desk phone was never rung for it.
    expect(desk.count('CALL_ESTABLISHED')).toBe(0);
  });

  it('the agent rejects: the customer gets 486 Busy Here, a rejected call in the log', async () => {
    const ringing = await customerCalls();
    const rejected = await lab.invoke('calls.reject', { callId: ringing.id, reason: 'busy' });
    expect(rejected).toMatchObject({ state: 'ended', outcome: 'rejected', endCause: 'rejected', endDetail: '486 Busy Here' });
    const closed = await customer.waitForEvent('CALL_CLOSED');
    expect(closed.param).toMatch(/486/);
    const log = await lab.invoke('calls.log', { limit: 10 });
    expect(log.items[0]).toMatchObject({ callId: ringing.id, outcome: 'rejected', causeDetail: '486 Busy Here' });
  });

  it('refuses actions the call state does not allow, and unknown calls', async () => {
    await expect(lab.invoke('calls.answer', { callId: 'no-such-call@x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(lab.invoke('calls.dtmf', { callId: 'x', digits: '12<' } as never)).rejects.toMatchObject({ code: 'invalid_payload' });
  });
});
