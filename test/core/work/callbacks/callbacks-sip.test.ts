/**
 * Click-to-call of a callback against real peers: kamailio as the PBX, baresip as the
 * agent's desk phone and as the customer's phone. The SIP final response the PBX gives
 * is what lands on the attempt.
 */
import type { Callback } from '../../../../main/common/channels/callbacks';
import { until, type Baresip } from '../../../peers';
import { Lab } from '../../calls/lab';

jest.setTimeout(90_000);

const CUSTOMER = { user: '13900139000', password: 'customer-pw' };

let lab: Lab;
let customer: Baresip;

beforeAll(async () => {
  lab = await Lab.startWith({ users: { [CUSTOMER.user]: CUSTOMER.password } }, async (lab) => {
    const desk = await lab.phone({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: 1000 });
    customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: true, toneHz: 440 });
    await lab.open({ settings: { deskPhoneUri: desk.uri } });
    await lab.waitForRegistered();
  });
});

afterAll(async () => {
  await lab?.stop();
});

const changedFor = (id: number) => lab.pushes.filter((p) => p.push === 'callbacks.changed').map((p) => p.payload as Callback).filter((c) => c.id === id);
const waitFor = (id: number, predicate: (c: Callback) => boolean, what: string) => until(() => changedFor(id).find(predicate), what, 15_000);

describe('callback click-to-call through kamailio', () => {
  it('reaches the customer; the agent’s outcome closes it', async () => {
    const callback = await lab.invoke('callbacks.create', { number: CUSTOMER.user, subject: '宽带报修回访' });
    const { callId } = await lab.invoke('callbacks.call', { id: callback.id });
    await lab.waitForCall((c) => c.id === callId && c.state === 'active', 'the customer to answer');
    await customer.waitForEvent('CALL_ESTABLISHED');
    expect(await lab.invoke('callbacks.resolve', { id: callback.id, outcome: 'reached_resolved', note: '已恢复' })).toMatchObject({ status: 'done' });
    await lab.invoke('calls.hangup', { callId });
    const ended = await waitFor(callback.id, (c) => c.lastSipOutcome === 'answered', 'the call’s end on the callback');
    expect(ended).toMatchObject({ status: 'done', resolution: 'reached_resolved', attempts: 1, callInProgress: null });
  });

  it('a number the PBX does not know: 404 → invalid_number, abandoned at once', async () => {
    const callback = await lab.invoke('callbacks.create', { number: '13700137000' });
    await lab.invoke('callbacks.call', { id: callback.id });
    const ended = await waitFor(callback.id, (c) => c.lastSipOutcome !== null, 'the failed call on the callback');
    expect(ended).toMatchObject({ lastSipOutcome: 'invalid_number', lastSipDetail: '404 Not Found', status: 'abandoned', resolution: 'invalid_number' });
    const attempts = await lab.invoke('callbacks.attempts', { id: callback.id });
    expect(attempts).toEqual([expect.objectContaining({ sipOutcome: 'invalid_number', sipDetail: '404 Not Found', endedAt: expect.any(String) })]);
  });
});
