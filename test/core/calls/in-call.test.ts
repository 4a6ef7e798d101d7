/**
 * Scenario 4 with real phones: hold and resume (audio stops and comes back, both
 * ways), DTMF to the customer's phone, blind transfer (REFER) to a colleague's
 * extension, and attended transfer (consult on the desk phone, then join the customer
 * to the colleague). The colleague's phone plays its own tone, so who hears whom is
 * measured, not assumed.
 */
import type { CallSummary } from '../../../main/common/domain';
import { hears, type Baresip } from '../../peers';
import { AGENT, DOMAIN, Lab, settle } from './lab';

jest.setTimeout(120_000);

const CUSTOMER = { user: '13800138000', password: 'customer-pw' };
const COLLEAGUE = { user: '8002', password: 'colleague-pw' };
const TONES = { customer: 440, desk: 1000, colleague: 700 };

let lab: Lab;
let customer: Baresip;
let desk: Baresip;
let colleague: Baresip;

beforeAll(async () => {
  lab = await Lab.startWith({ users: { [CUSTOMER.user]: CUSTOMER.password, [COLLEAGUE.user]: COLLEAGUE.password } }, async (lab) => {
    desk = await lab.phone({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: TONES.desk });
    customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: false, toneHz: TONES.customer });
    colleague = await lab.phone({ name: 'colleague', user: COLLEAGUE.user, password: COLLEAGUE.password, register: true, autoAnswer: true, toneHz: TONES.colleague });
    await lab.open({ settings: { deskPhoneUri: desk.uri } });
    await lab.waitForRegistered();
  });
});

afterAll(async () => {
  await lab?.stop();
});

beforeEach(() => lab.forgetPhoneEvents());

/** Customer calls, the agent answers, both phones are up. */
async function answeredCall(): Promise<CallSummary> {
  const before = lab.callPushes().length;
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  const ringing = await lab.waitForCall((call) => lab.callPushes().indexOf(call) >= before && call.state === 'ringing', 'ringing');
  await lab.invoke('calls.answer', { callId: ringing.id });
  await customer.waitForEvent('CALL_ESTABLISHED');
  await desk.waitForEvent('CALL_ESTABLISHED');
  return ringing;
}

/** G.711 is 64 kbit/s of payload; baresip counts a little less or more depending on its window. */
const flowing = (phone: Baresip, what: string) => phone.waitForBitrates(([a, b]) => a > 30_000 && b > 30_000, what);
const silent = (phone: Baresip, what: string) => phone.waitForBitrates(([a, b]) => a === 0 && b === 0, what);

describe('in a call', () => {
  it('hold stops the audio both ways, resume brings it back; DTMF reaches the customer', async () => {
    const call = await answeredCall();
    await flowing(desk, 'audio before hold');
    await flowing(customer, 'audio before hold');

    const held = await lab.invoke('calls.hold', { callId: call.id, hold: true });
    expect(held.state).toBe('held');
    expect(lab.status().agentState).toBe('on_call');
    // Neither phone sends to the other while the customer is held.
    await silent(desk, 'silence on hold');
    await silent(customer, 'silence on hold');

    const resumed = await lab.invoke('calls.hold', { callId: call.id, hold: false });
    expect(resumed.state).toBe('active');
    await flowing(desk, 'audio after resume');
    await flowing(customer, 'audio after resume');

    await lab.invoke('calls.dtmf', { callId: call.id, digits: '12#' });
    await customer.waitForEvent('CALL_DTMF_START', (e) => e.param === '1');
    await customer.waitForEvent('CALL_DTMF_START', (e) => e.param === '2');
    await customer.waitForEvent('CALL_DTMF_START', (e) => e.param === '#');

    await lab.invoke('calls.hangup', { callId: call.id });
    await customer.waitForEvent('CALL_CLOSED');
  });

  it('blind transfer: the customer’s phone calls the colleague (REFER) and Zuoxi leaves the call', async () => {
    const call = await answeredCall();
    const transferred = await lab.invoke('calls.transfer', { callId: call.id, target: COLLEAGUE.user });
    expect(transferred).toMatchObject({ state: 'ended', outcome: 'transferred', endCause: 'transferred' });
    await desk.waitForEvent('CALL_CLOSED');
    // The customer now talks to the colleague, phone to phone.
    await colleague.waitForEvent('CALL_ESTABLISHED');
    await settle(1500);
    expect(hears(customer.latestRecording()!, TONES.colleague, 1).level).toBeGreaterThan(1000);
    expect(hears(colleague.latestRecording()!, TONES.customer, 1).level).toBeGreaterThan(1000);
    const log = await lab.invoke('calls.log', { limit: 5 });
    expect(log.items.find((row) => row.callId === call.id)).toMatchObject({ outcome: 'transferred', cause: 'transferred', answerAt: expect.any(String) });
    await colleague.hangup();
    await customer.waitForEvent('CALL_CLOSED', (e) => String(e.peeruri).includes(COLLEAGUE.user));
  });

  it('attended transfer: consult the colleague on the desk phone, then join the customer to them', async () => {
    const call = await answeredCall();
    const dialing = await lab.invoke('calls.consult', { callId: call.id, target: COLLEAGUE.user });
    expect(dialing).toMatchObject({ direction: 'outbound', state: 'dialing', consultFor: call.id, dialled: COLLEAGUE.user });
    const consult = await lab.waitForCall((c) => c.id === dialing.id && c.state === 'active', 'the colleague to answer the consult');
    expect(consult.answerAt).not.toBeNull();
    expect(lab.callPushes().some((c) => c.id === call.id && c.state === 'held')).toBe(true);
    await colleague.waitForEvent('CALL_ESTABLISHED');
    // Agent and colleague talk (the colleague's fresh call records the desk's tone); the customer, on hold, hears neither.
    await flowing(desk, 'desk and colleague talking');
    await settle(500);
    expect(hears(colleague.latestRecording()!, TONES.desk, 1).level).toBeGreaterThan(1000);
    await silent(customer, 'customer on hold during the consult');

    const done = await lab.invoke('calls.completeTransfer', { callId: call.id, consultCallId: consult.id });
    expect(done).toMatchObject({ id: call.id, state: 'ended', outcome: 'transferred', endCause: 'transferred' });
    await desk.waitForEvent('CALL_CLOSED');
    expect(await lab.invoke('calls.list', {})).toEqual([]);
    // With the desk phone gone, the only audio either can get is the other's.
    await flowing(customer, 'customer and colleague talking');
    await flowing(colleague, 'customer and colleague talking');

    // Zuoxi still carries the signalling: the customer hanging up releases the colleague.
    await customer.hangup();
    await colleague.waitForEvent('CALL_CLOSED');
    const log = await lab.invoke('calls.log', { limit: 5 });
    expect(log.items.find((row) => row.callId === call.id)).toMatchObject({ outcome: 'transferred' });
    expect(log.items.find((row) => row.callId === consult.id)).toMatchObject({ direction: 'outbound', outcome: 'transferred', dialled: COLLEAGUE.user });
  });

  it('a consult that is hung up returns to the held customer, who can be resumed', async () => {
    const call = await answeredCall();
    const dialing = await lab.invoke('calls.consult', { callId: call.id, target: COLLEAGUE.user });
    const consult = await lab.waitForCall((c) => c.id === dialing.id && c.state === 'active', 'the consult to connect');
    await colleague.waitForEvent('CALL_ESTABLISHED');
    const ended = await lab.invoke('calls.hangup', { callId: consult.id });
    expect(ended).toMatchObject({ state: 'ended', outcome: 'answered', endCause: 'local_hangup' });
    await colleague.waitForEvent('CALL_CLOSED');
    expect((await lab.invoke('calls.list', {})).map((c) => [c.id, c.state])).toEqual([[call.id, 'held']]);
    await lab.invoke('calls.hold', { callId: call.id, hold: false });
    await flowing(customer, 'customer back with the agent');
    await flowing(desk, 'agent back with the customer');
    await lab.invoke('calls.hangup', { callId: call.id });
    await customer.waitForEvent('CALL_CLOSED');
  });
});
