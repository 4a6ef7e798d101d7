/**
 * The agent state against real peers: a customer's phone (baresip) calls the agent's
 * extension through kamailio. Not ready → the customer hears 486 and nothing rings in
 * Zuoxi; after an answered call with wrap-up configured, the next call is refused too
 * until the disposition is saved and the agent is ready again.
 */
import type { CallSummary } from '../../../../main/common/domain';
import type { Baresip } from '../../../peers';
import { AGENT, DOMAIN, Lab, settle } from '../../calls/lab';

jest.setTimeout(90_000);

const CUSTOMER = { user: '13800138000', password: 'customer-pw' };

let lab: Lab;
let customer: Baresip;

beforeAll(async () => {
  lab = await Lab.startWith({ users: { [CUSTOMER.user]: CUSTOMER.password } }, async (lab) => {
    const desk = await lab.phone({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: 1000 });
    customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: false, toneHz: 440 });
    await lab.open({ settings: { deskPhoneUri: desk.uri, wrapUp: { enabled: true, autoReadyAfterSeconds: null, dispositionRequired: true } } });
    await lab.waitForRegistered();
  });
});

afterAll(async () => {
  await lab?.stop();
});

beforeEach(() => lab.forgetPhoneEvents());

async function refused(): Promise<void> {
  const before = lab.callPushes().length;
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  const closed = await customer.waitForEvent('CALL_CLOSED');
  expect(closed.param).toMatch(/486/);
  await settle(200);
  expect(lab.callPushes().length).toBe(before);
}

async function rings(): Promise<CallSummary> {
  const before = lab.callPushes().length;
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  return lab.waitForCall((call) => lab.callPushes().indexOf(call) >= before && call.state === 'ringing', 'the call to ring in Zuoxi');
}

it('logged in as ready by registration; not ready refuses with 486; wrap-up refuses until the disposition is saved', async () => {
  expect(lab.status().agentState).toBe('ready');

  await lab.invoke('agent.setState', { state: 'not_ready', reason: 'break' });
  expect(lab.status()).toMatchObject({ agentState: 'not_ready', agentStateReason: 'break' });
  await refused();

  lab.forgetPhoneEvents();
  await lab.invoke('agent.setState', { state: 'ready' });
  const call = await rings();
  await lab.invoke('calls.answer', { callId: call.id });
  await customer.waitForEvent('CALL_ESTABLISHED');
  expect(lab.status().agentState).toBe('on_call');
  await customer.hangup();
  await lab.waitForCall((summary) => summary.id === call.id && summary.state === 'ended', 'the call to end');
  expect(await lab.invoke('agent.state', {})).toMatchObject({ state: 'wrap_up', callId: call.id, dispositionMissing: true });

  lab.forgetPhoneEvents();
  await refused();
  await expect(lab.invoke('agent.setState', { state: 'ready' })).rejects.toThrow(/disposition/);
  expect(await lab.invoke('wrapup.save', { callId: call.id, disposition: 'resolved' })).toMatchObject({ saved: true });
  await lab.invoke('agent.setState', { state: 'ready' });

  lab.forgetPhoneEvents();
  const next = await rings();
  await lab.invoke('calls.reject', { callId: next.id, reason: 'busy' });
  await customer.waitForEvent('CALL_CLOSED');
  expect(lab.status().agentState).toBe('ready');
});
