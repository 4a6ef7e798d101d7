import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CallSummary } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import { useCallsStore } from '../../../renderer/features/calls/store';
import { historyKey, useDirectoryStore } from '../../../renderer/features/directory/store';
import { callSummary, contactCard, deferred, freshApi, interaction, settingsView, type FakeHandlers, type FakeZuoxiApi } from '../fake-api';

const MARKUP = '<img src=x onerror=alert(1)>';
const WANG = contactCard(7, { name: '王芳', company: '华南物流' });

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

/** The whole agent window over a fake core whose call actions answer with the call's next state. */
async function renderWindow(handlers: FakeHandlers = {}): Promise<FakeZuoxiApi> {
  const fake = await freshApi({
    'app.ready': () => ({
      version: '0.1.0',
      locale: 'zh-CN',
      host: 'headless',
      status: { connection: 'online', connectionDetail: null, connectionReason: null, agentState: 'ready' },
    }),
    'app.setLocale': ({ locale }) => locale,
    'directory.card': ({ contactId }) => contactCard(contactId),
    'directory.history': () => ({ items: [], nextCursor: null }),
    ...handlers,
  });
  render(<AgentWindow />);
  unwire = await act(() => start());
  return fake;
}

/** Pushes a call and lets what it sets off (the card pop's history page) settle inside act. */
async function push(fake: FakeZuoxiApi, call: CallSummary): Promise<void> {
  await act(async () => fake.emit('calls.changed', call));
}

const row = () => screen.getByTestId('call-row');
const button = (testId: string) => within(row()).getByTestId(testId);

/** Which of the row's buttons are enabled, by test id. */
function enabledButtons(): string[] {
  return within(row())
    .getAllByRole('button')
    .filter((element) => !(element as HTMLButtonElement).disabled)
    .map((element) => element.getAttribute('data-testid')!)
    .sort();
}

describe('the call bar', () => {
  it('pops the caller card when the call starts ringing, before anyone answers', async () => {
    const fake = await renderWindow();
    expect(screen.getByTestId('call-bar-idle')).toHaveTextContent('当前没有通话');
    expect(screen.getByTestId('caller-card-empty')).toBeInTheDocument();

    await push(fake, callSummary('c1', { card: WANG }));

    expect(row()).toHaveAttribute('data-state', 'ringing');
    expect(screen.getByTestId('call-state')).toHaveTextContent('振铃中');
    expect(screen.getByTestId('call-caller-name')).toHaveTextContent('王芳');
    expect(screen.getByTestId('call-caller-number')).toHaveTextContent('13800138000');
    expect(screen.getByTestId('call-dialled')).toHaveTextContent('8001');
    // The card is the one the core looked up: no fetch was needed for it.
    expect(screen.getByTestId('caller-card-name')).toHaveTextContent('王芳');
    expect(screen.getByTestId('caller-card-company')).toHaveTextContent('华南物流');
    expect(fake.argsOf('directory.card')).toEqual([]);
    expect(fake.argsOf('calls.answer')).toEqual([]);
    await waitFor(() => expect(fake.argsOf('directory.history')).toEqual([{ contactId: 7, before: null, limit: 100 }]));
  });

  it('shows an unknown caller with their number, and the card when a slow lookup finds them', async () => {
    const fake = await renderWindow();
    await push(fake, callSummary('c1', { remote: { number: '02155556666', e164: '+862155556666', displayName: '', withheld: false } }));
    expect(screen.getByTestId('caller-unknown')).toHaveTextContent('未知来电');
    expect(screen.getByTestId('caller-unknown-number')).toHaveTextContent('02155556666');
    expect(screen.getByTestId('call-caller-name')).toHaveTextContent('02155556666');

    await push(fake, callSummary('c1', { remote: { number: '02155556666', e164: '+862155556666', displayName: '', withheld: false }, card: WANG }));
    expect(screen.queryByTestId('caller-unknown')).toBeNull();
    expect(screen.getByTestId('caller-card-name')).toHaveTextContent('王芳');
  });

  it('says withheld for an anonymous caller and offers no number to call back', async () => {
    const fake = await renderWindow();
    await push(fake, callSummary('anon', { remote: { number: null, e164: null, displayName: '', withheld: true } }));
    expect(screen.getByTestId('call-caller-name')).toHaveTextContent('号码已隐藏');
    expect(screen.getByTestId('caller-unknown-number')).toHaveTextContent('号码已隐藏');
    expect(within(screen.getByTestId('caller-unknown')).queryByTestId('dial-number')).toBeNull();
  });

  it('shows a hostile display name as text in the bar and the unknown-caller view, creating no element', async () => {
    const fake = await renderWindow();
    await push(fake, callSummary('evil', { remote: { number: '13700137000', e164: '+8613700137000', displayName: MARKUP, withheld: false } }));
    expect(screen.getByTestId('call-caller-name').textContent).toBe(MARKUP);
    expect(screen.getByTestId('caller-unknown-name').textContent).toBe(MARKUP);
    expect(document.querySelector('img')).toBeNull();

    // With a card the card's name leads and the phone's own name is shown beside it, still as text.
    await push(fake, callSummary('evil', { remote: { number: '13700137000', e164: '+8613700137000', displayName: MARKUP, withheld: false }, card: WANG }));
    expect(screen.getByTestId('call-shown-name').textContent).toBe(`来电显示：${MARKUP}`);
    expect(document.querySelector('img')).toBeNull();
  });

  it('enables each button only in the states that allow it', async () => {
    const fake = await renderWindow();
    const ringing = callSummary('c1', { card: WANG });
    await push(fake, ringing);
    expect(enabledButtons()).toEqual(['call-answer', 'call-reject']);

    const active = { ...ringing, state: 'active' as const, answerAt: new Date().toISOString() };
    await push(fake, active);
    expect(enabledButtons()).toEqual(['call-hangup', 'call-hold', 'call-transfer']);
    expect(within(row()).queryByTestId('call-resume')).toBeNull();

    await push(fake, { ...active, state: 'held' });
    expect(enabledButtons()).toEqual(['call-hangup', 'call-resume', 'call-transfer']);
    expect(screen.getByTestId('call-state')).toHaveTextContent('保持中');

    await push(fake, callSummary('dial-1', { direction: 'outbound', state: 'dialing', dialled: '13900139000' }));
    const dialing = screen.getAllByTestId('call-row')[1]!;
    const dialingEnabled = within(dialing)
      .getAllByRole('button')
      .filter((element) => !(element as HTMLButtonElement).disabled)
      .map((element) => element.getAttribute('data-testid'));
    expect(dialingEnabled).toEqual(['call-hangup']);
    expect(within(dialing).getByTestId('call-dialled')).toHaveTextContent('拨打 13900139000');
  });

  it('answers, holds, resumes and hangs up through the right channels, and the ended call leaves the bar', async () => {
    const ringing = callSummary('c1', { card: WANG });
    const active = { ...ringing, state: 'active' as const, answerAt: new Date().toISOString() };
    const ended: CallSummary = { ...active, state: 'ended', endAt: new Date().toISOString(), outcome: 'answered', endCause: 'local_hangup' };
    const fake = await renderWindow({
      'calls.answer': () => active,
      'calls.hold': ({ hold }) => ({ ...active, state: hold ? 'held' : 'active' }),
      'calls.hangup': () => ended,
    });
    const user = userEvent.setup();
    await push(fake, ringing);

    await user.click(button('call-answer'));
    expect(fake.argsOf('calls.answer')).toEqual([{ callId: 'c1' }]);
    expect(row()).toHaveAttribute('data-state', 'active');
    expect(screen.getByTestId('call-state')).toHaveTextContent('通话中');

    await user.click(button('call-hold'));
    expect(fake.argsOf('calls.hold')).toEqual([{ callId: 'c1', hold: true }]);
    expect(row()).toHaveAttribute('data-state', 'held');
    await user.click(button('call-resume'));
    expect(fake.argsOf('calls.hold')).toEqual([
      { callId: 'c1', hold: true },
      { callId: 'c1', hold: false },
    ]);

    await user.click(button('call-hangup'));
    expect(fake.argsOf('calls.hangup')).toEqual([{ callId: 'c1' }]);
    expect(screen.queryByTestId('call-row')).toBeNull();
    expect(screen.getByTestId('call-bar-idle')).toBeInTheDocument();
    const notice = screen.getByTestId('call-ended-notice');
    expect(notice).toHaveAttribute('data-cause', 'local_hangup');
    expect(notice).toHaveTextContent('座席挂机');
    // A late push of the call in an earlier state cannot bring it back.
    await push(fake, active);
    expect(screen.queryByTestId('call-row')).toBeNull();
  });

  it('refreshes the open card when its call ends, so its history shows the call', async () => {
    let logged = false;
    const callRecord = interaction(90, { contactId: 7, kind: 'call_in', outcome: 'answered', summary: '来电已接听' });
    const fake = await renderWindow({
      'directory.card': () => contactCard(7, { name: '王芳' }, logged ? { recent: [callRecord], interactionCount: 1 } : {}),
      'directory.history': () => ({ items: logged ? [callRecord] : [], nextCursor: null }),
    });
    const active = callSummary('c1', { card: WANG, state: 'active', answerAt: new Date().toISOString() });
    await push(fake, active);
    await waitFor(() => expect(screen.getByTestId('history-end')).toBeInTheDocument());
    expect(screen.getByTestId('caller-card-recent-empty')).toBeInTheDocument();

    logged = true;
    await push(fake, { ...active, state: 'ended', endAt: new Date().toISOString(), outcome: 'answered', endCause: 'remote_hangup' });
    expect(screen.getByTestId('call-ended-notice')).toHaveTextContent('客户挂机');
    await waitFor(() => expect(screen.getByTestId('caller-card-recent')).toHaveTextContent('来电已接听'));
    expect(fake.argsOf('directory.card')).toEqual([{ contactId: 7 }]);
    // The timeline's rows are virtual (jsdom lays nothing out), so its store says what it holds.
    await waitFor(() => expect(useDirectoryStore.getState().history.items.map(historyKey)).toEqual(['90']));
  });

  it('shows an action that failed, with the core’s reason, and keeps the call', async () => {
    const fake = await renderWindow({
      'calls.answer': () => {
        throw new ZuoxiError('unavailable', 'Your desk phone did not answer (408 Request Timeout); the call is still ringing');
      },
    });
    const user = userEvent.setup();
    await push(fake, callSummary('c1'));
    await user.click(button('call-answer'));
    const error = within(row()).getByTestId('call-error');
    expect(error).toHaveAttribute('data-code', 'unavailable');
    expect(error).toHaveTextContent('接听失败');
    expect(error).toHaveTextContent('408 Request Timeout');
    expect(button('call-answer')).toBeEnabled();
  });

  it('marks an action pending while it runs and refuses to send it twice', async () => {
    const reply = deferred<CallSummary>();
    const fake = await renderWindow({ 'calls.answer': () => reply.promise });
    const ringing = callSummary('c1');
    await push(fake, ringing);
    fireEvent.click(button('call-answer'));
    await waitFor(() => expect(button('call-answer')).toHaveAttribute('data-pending', 'true'));
    expect(button('call-answer')).toHaveTextContent('处理中');
    expect(button('call-answer')).toBeDisabled();
    expect(button('call-reject')).toBeDisabled();
    await act(() => useCallsStore.getState().answer('c1'));
    expect(fake.argsOf('calls.answer')).toHaveLength(1);

    await act(async () => reply.resolve({ ...ringing, state: 'active', answerAt: new Date().toISOString() }));
    await waitFor(() => expect(row()).toHaveAttribute('data-state', 'active'));
    expect(button('call-hangup')).not.toHaveAttribute('data-pending');
  });

  it('transfers blind to a typed target, or consults first and then completes', async () => {
    const active = callSummary('c1', { card: WANG, state: 'active', answerAt: new Date().toISOString() });
    const consult = callSummary('k1', { direction: 'outbound', state: 'dialing', dialled: '8002', consultFor: 'c1', remote: { number: '8002', e164: null, displayName: '', withheld: false } });
    const transferred: CallSummary = { ...active, state: 'ended', endAt: new Date().toISOString(), outcome: 'transferred', endCause: 'transferred' };
    const fake = await renderWindow({
      'calls.transfer': () => transferred,
      'calls.consult': () => consult,
      'calls.completeTransfer': () => transferred,
    });
    const user = userEvent.setup();
    await push(fake, active);

    await user.click(button('call-transfer'));
    const target = screen.getByTestId('transfer-target');
    expect(screen.getByTestId('transfer-blind')).toBeDisabled();
    await user.type(target, '<b>');
    expect(screen.getByTestId('transfer-blind')).toBeDisabled();
    expect(screen.getByTestId('transfer-form')).toHaveTextContent('请输入分机号');
    await user.clear(target);
    await user.type(target, '8002');

    // Attended: consult first. The customer is held; the consult call shows as its own row.
    await user.click(screen.getByTestId('transfer-consult'));
    expect(fake.argsOf('calls.consult')).toEqual([{ callId: 'c1', target: '8002' }]);
    await push(fake, { ...active, state: 'held' });
    const rows = screen.getAllByTestId('call-row');
    expect(rows.map((r) => r.getAttribute('data-call-id'))).toEqual(['c1', 'k1']);
    expect(rows[1]).toHaveAttribute('data-consult', 'true');
    expect(within(rows[1]!).getByTestId('call-caller-name')).toHaveTextContent('8002');
    // While consulting, the customer cannot be resumed or transferred again; completing is
    // offered, and possible once the colleague answered.
    const parent = rows[0]!;
    expect(within(parent).getByTestId('call-resume')).toBeDisabled();
    expect(within(parent).getByTestId('call-transfer')).toBeDisabled();
    expect(within(parent).getByTestId('call-complete-transfer')).toBeDisabled();
    expect(within(rows[1]!).getByTestId('call-state')).toHaveTextContent('呼叫中');
    await push(fake, { ...consult, state: 'active', answerAt: new Date().toISOString() });
    await user.click(within(parent).getByTestId('call-complete-transfer'));
    expect(fake.argsOf('calls.completeTransfer')).toEqual([{ callId: 'c1', consultCallId: 'k1' }]);
    await push(fake, { ...consult, state: 'ended', endAt: new Date().toISOString(), outcome: 'transferred', endCause: 'transferred' });
    expect(screen.queryByTestId('call-row')).toBeNull();
    expect(screen.getByTestId('call-ended-notice')).toHaveAttribute('data-outcome', 'transferred');

    // Blind: the customer goes straight to the target.
    const second = callSummary('c2', { state: 'active', answerAt: new Date().toISOString() });
    await push(fake, second);
    await user.click(button('call-transfer'));
    await user.type(screen.getByTestId('transfer-target'), '8003{Enter}');
    expect(fake.argsOf('calls.transfer')).toEqual([{ callId: 'c2', target: '8003' }]);
  });

  it('says so when the consulted colleague does not answer, and the customer can be resumed', async () => {
    const held = callSummary('c1', { state: 'held', answerAt: new Date().toISOString() });
    const consult = callSummary('k1', { direction: 'outbound', state: 'dialing', dialled: '8002', consultFor: 'c1', remote: { number: '8002', e164: null, displayName: '', withheld: false } });
    const fake = await renderWindow();
    await push(fake, held);
    await push(fake, consult);
    expect(within(screen.getAllByTestId('call-row')[0]!).getByTestId('call-resume')).toBeDisabled();
    await push(fake, { ...consult, state: 'ended', endAt: new Date().toISOString(), outcome: 'failed', endCause: 'remote_failed', endDetail: '486 Busy Here' });
    expect(screen.getAllByTestId('call-row')).toHaveLength(1);
    expect(screen.getByTestId('call-ended-notice')).toHaveTextContent('对方未接通');
    expect(screen.getByTestId('call-ended-detail')).toHaveTextContent('486 Busy Here');
    expect(button('call-resume')).toBeEnabled();
  });

  it('runs a timer since ringing, then since the answer', async () => {
    jest.useFakeTimers({ now: new Date('2026-05-01T08:00:10.000Z'), doNotFake: ['queueMicrotask', 'nextTick'] });
    try {
      const fake = await renderWindow();
      await push(fake, callSummary('c1', { ringAt: '2026-05-01T08:00:00.000Z' }));
      expect(screen.getByTestId('call-timer')).toHaveTextContent('0:10');
      act(() => jest.advanceTimersByTime(3_000));
      expect(screen.getByTestId('call-timer')).toHaveTextContent('0:13');
      await push(fake, callSummary('c1', { ringAt: '2026-05-01T08:00:00.000Z', state: 'active', answerAt: '2026-05-01T08:00:12.000Z' }));
      expect(screen.getByTestId('call-timer')).toHaveTextContent('0:01');
      act(() => jest.advanceTimersByTime(3_600_000));
      expect(screen.getByTestId('call-timer')).toHaveTextContent('1:00:01');
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts down to the center’s answer rule while an inbound call rings, then marks it overdue; not once answered', async () => {
    jest.useFakeTimers({ now: new Date('2026-05-01T08:00:01.000Z'), doNotFake: ['queueMicrotask', 'nextTick'] });
    try {
      const fake = await renderWindow();
      await push(fake, callSummary('c1', { ringAt: '2026-05-01T08:00:00.000Z' }));
      const deadline = () => screen.getByTestId('answer-deadline');
      // The seed's rule until settings say otherwise: 3 s.
      expect(deadline()).toHaveTextContent('请在 2 秒内接听');
      expect(deadline()).toHaveAttribute('data-overdue', 'false');
      act(() => jest.advanceTimersByTime(2_500));
      expect(deadline()).toHaveTextContent('已响铃 3 秒，请立即接听（规定 3 秒）');
      expect(deadline()).toHaveAttribute('data-overdue', 'true');
      await push(fake, callSummary('c1', { ringAt: '2026-05-01T08:00:00.000Z', state: 'active', answerAt: '2026-05-01T08:00:04.000Z' }));
      expect(screen.queryByTestId('answer-deadline')).toBeNull();
      // An outgoing call rings the other side: no rule for the agent.
      await push(fake, callSummary('c2', { direction: 'outbound', ringAt: '2026-05-01T08:00:05.000Z' }));
      expect(screen.queryByTestId('answer-deadline')).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('takes the answer rule from the settings (IT may set another)', async () => {
    jest.useFakeTimers({ now: new Date('2026-05-01T08:00:04.000Z'), doNotFake: ['queueMicrotask', 'nextTick'] });
    try {
      const fake = await renderWindow({ 'settings.get': () => settingsView({ answerWithinSeconds: { value: 10, layer: 'policy' } }) });
      await waitFor(() => expect(fake.argsOf('settings.get')).toHaveLength(1));
      await push(fake, callSummary('c1', { ringAt: '2026-05-01T08:00:00.000Z' }));
      await waitFor(() => expect(screen.getByTestId('answer-deadline')).toHaveTextContent('请在 6 秒内接听'));
      expect(screen.getByTestId('answer-deadline')).toHaveAttribute('data-overdue', 'false');
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads the calls already in progress at start-up and pops the ringing one', async () => {
    const fake = await renderWindow({ 'calls.list': () => [callSummary('c9', { card: WANG })] });
    expect(fake.argsOf('calls.list')).toEqual([{}]);
    expect(row()).toHaveAttribute('data-call-id', 'c9');
    await waitFor(() => expect(useDirectoryStore.getState().card.contactId).toBe(7));
    expect(screen.getByTestId('caller-card-name')).toHaveTextContent('王芳');
  });

  it('switches the bar to English with the rest of the window', async () => {
    const fake = await renderWindow();
    const user = userEvent.setup();
    await push(fake, callSummary('c1', { remote: { number: null, e164: null, displayName: '', withheld: true } }));
    await user.selectOptions(screen.getByTestId('language-switch'), 'en');
    expect(screen.getByTestId('call-state')).toHaveTextContent('Ringing');
    expect(screen.getByTestId('call-caller-name')).toHaveTextContent('Number withheld');
    expect(button('call-answer')).toHaveTextContent('Answer');
    expect(screen.getByTestId('hotkey-legend')).toHaveTextContent('Hang up');
  });
});
