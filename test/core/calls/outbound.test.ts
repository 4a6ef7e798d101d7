/**
 * Scenario 5: click-to-dial from a contact's card. Zuoxi rings the agent's desk phone
 * (auto-answer), then the customer's phone (registered at kamailio under the contact's
 * number), and joins them (RFC 3725 third-party call control): both phones up, audio
 * both ways, a call_out on the card and an outbound row in the call log.
 */
import { hears, type Baresip } from '../../peers';
import { Lab } from './lab';

jest.setTimeout(90_000);

const CUSTOMER = { user: '13900139000', password: 'customer-pw' };
const TONES = { customer: 440, desk: 1000 };

let lab: Lab;
let customer: Baresip;
let desk: Baresip;
let contactId: number;

beforeAll(async () => {
  lab = await Lab.startWith({ users: { [CUSTOMER.user]: CUSTOMER.password } }, async (lab) => {
    desk = await lab.phone({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: TONES.desk });
    customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: true, toneHz: TONES.customer });
    await lab.open({ settings: { deskPhoneUri: desk.uri } });
    await lab.waitForRegistered();
    const card = await lab.invoke('directory.saveContact', {
      contactId: null,
      contact: { name: '李雷', numbers: [{ label: 'mobile', raw: '139 0013 9000' }] },
  });
  contactId = card.contact.id;
  });
});

afterAll(async () => {
  await lab?.stop();
});

beforeEach(() => lab.forgetPhoneEvents());

describe('click-to-dial', () => {
  it('rings the desk phone, then the customer, and connects them', async () => {
    const card = await lab.invoke('directory.card', { contactId });
    const dialing = await lab.invoke('calls.dial', { number: card.contact.numbers[0]!.raw });
    expect(dialing).toMatchObject({
      direction: 'outbound',
      state: 'dialing',
      dialled: CUSTOMER.user,
      remote: { number: CUSTOMER.user, e164: '+8613900139000', displayName: '李雷' },
      answerAt: null,
    });
    expect(dialing.card?.contact.id).toBe(contactId);
    const active = await lab.waitForCall((c) => c.id === dialing.id && c.state === 'active', 'the customer to answer');
    expect(active.answerAt).not.toBeNull();
    expect(lab.status().agentState).toBe('on_call');
    await desk.waitForEvent('CALL_ESTABLISHED');
    await customer.waitForEvent('CALL_ESTABLISHED');
    // The customer's call carries the desk's offer from the start: its recording holds the agent's tone.
    await desk.waitForBitrates(([a, b]) => a > 30_000 && b > 30_000, 'audio both ways at the desk');
    expect(hears(customer.latestRecording()!, TONES.desk, 1).level).toBeGreaterThan(1000);

    const ended = await lab.invoke('calls.hangup', { callId: dialing.id });
    expect(ended).toMatchObject({ state: 'ended', outcome: 'answered', endCause: 'local_hangup' });
    await desk.waitForEvent('CALL_CLOSED');
    await customer.waitForEvent('CALL_CLOSED');
    const log = await lab.invoke('calls.log', { limit: 5 });
    expect(log.items[0]).toMatchObject({ callId: dialing.id, direction: 'outbound', dialled: CUSTOMER.user, contactId, outcome: 'answered' });
    expect((await lab.invoke('directory.card', { contactId })).recent[0]).toMatchObject({ kind: 'call_out', outcome: 'answered' });
  });

  it('the customer hangs up: the desk phone is released', async () => {
    const dialing = await lab.invoke('calls.dial', { number: CUSTOMER.user });
    await lab.waitForCall((c) => c.id === dialing.id && c.state === 'active', 'connected');
    await customer.waitForEvent('CALL_ESTABLISHED');
    await customer.hangup();
    expect(await lab.waitForCall((c) => c.id === dialing.id && c.state === 'ended', 'ended')).toMatchObject({ outcome: 'answered', endCause: 'remote_hangup' });
    await desk.waitForEvent('CALL_CLOSED');
  });

  it('a number nobody answers at: the call fails with the PBX’s reason and the desk phone is released', async () => {
    const dialing = await lab.invoke('calls.dial', { number: '13700137000' });
    const ended = await lab.waitForCall((c) => c.id === dialing.id && c.state === 'ended', 'the dial to fail');
    expect(ended).toMatchObject({ outcome: 'failed', endCause: 'remote_failed', endDetail: '404 Not Found', answerAt: null });
    await desk.waitForEvent('CALL_CLOSED');
    expect((await lab.invoke('calls.log', { limit: 1 })).items[0]).toMatchObject({ callId: dialing.id, outcome: 'failed', causeDetail: '404 Not Found' });
  });

  it('refuses a target that is not a number, an extension or a sip: URI', async () => {
    await expect(lab.invoke('calls.dial', { number: 'DROP TABLE;' })).rejects.toMatchObject({ code: 'invalid_payload' });
  });
});
