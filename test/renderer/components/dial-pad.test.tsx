import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CallSummary, WorkstationStatus } from '../../../main/common/domain';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import { dialStringOf } from '../../../renderer/features/directory/components/caller-card';
import { useDirectoryStore } from '../../../renderer/features/directory/store';
import { callSummary, contactCard, deferred, freshApi, type FakeHandlers, type FakeZuoxiApi } from '../fake-api';

const ONLINE: WorkstationStatus = { connection: 'online', connectionDetail: null, connectionReason: null, agentState: 'ready' };

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

async function renderWindow(handlers: FakeHandlers = {}, status: WorkstationStatus = ONLINE): Promise<FakeZuoxiApi> {
  const fake = await freshApi({
    'app.ready': () => ({ version: '0.1.0', locale: 'zh-CN', host: 'headless', status }),
    'directory.card': ({ contactId }) => contactCard(contactId),
    'directory.history': () => ({ items: [], nextCursor: null }),
    ...handlers,
  });
  render(<AgentWindow />);
  unwire = await act(() => start());
  return fake;
}

async function push(fake: FakeZuoxiApi, call: CallSummary): Promise<void> {
  await act(async () => fake.emit('calls.changed', call));
}

const key = (digit: string) => within(screen.getByTestId('dial-pad')).getAllByTestId('dial-pad-key').find((k) => k.getAttribute('data-key') === digit)!;

describe('the dial pad', () => {
  it('dials a typed number when no call is in progress', async () => {
    const reply = deferred<CallSummary>();
    const fake = await renderWindow({ 'calls.dial': () => reply.promise });
    const user = userEvent.setup();
    expect(screen.getByTestId('dial-pad')).toHaveAttribute('data-mode', 'dial');
    expect(screen.getByTestId('dial-pad-call')).toBeDisabled();

    await user.type(screen.getByTestId('dial-pad-input'), '1390013');
    await user.click(key('9'));
    await user.click(key('0'));
    expect(screen.getByTestId('dial-pad-input')).toHaveValue('139001390');
    await user.click(screen.getByTestId('dial-pad-call'));
    expect(fake.argsOf('calls.dial')).toEqual([{ number: '139001390' }]);
    expect(screen.getByTestId('dial-pad-mode')).toHaveTextContent('正在呼叫 139001390');
    expect(screen.getByTestId('dial-pad-call')).toBeDisabled();

    // The core answers at once with the call dialling; a push says when the customer answered.
    const dialling = callSummary('out-1@zuoxi', { direction: 'outbound', state: 'dialing', dialled: '139001390' });
    await act(async () => reply.resolve(dialling));
    expect(screen.getByTestId('call-row')).toHaveAttribute('data-state', 'dialing');
    expect(screen.getByTestId('call-dialled')).toHaveTextContent('拨打 139001390');
    expect(screen.getByTestId('dial-pad-input')).toHaveValue('');
    expect(screen.getByTestId('dial-pad')).toHaveAttribute('data-mode', 'busy');
    await push(fake, { ...dialling, state: 'active', answerAt: new Date().toISOString() });
    expect(screen.getAllByTestId('call-row').map((row) => row.getAttribute('data-state'))).toEqual(['active']);
    expect(screen.getByTestId('dial-pad')).toHaveAttribute('data-mode', 'dtmf');
  });

  it('sends each key as a tone during a call, and nothing is dialled', async () => {
    const fake = await renderWindow({ 'calls.dtmf': ({ callId }) => callSummary(callId, { state: 'active' }) });
    const user = userEvent.setup();
    await push(fake, callSummary('c1', { state: 'active', answerAt: new Date().toISOString() }));
    expect(screen.getByTestId('dial-pad')).toHaveAttribute('data-mode', 'dtmf');
    expect(screen.getByTestId('dial-pad-mode')).toHaveTextContent('按键音将发送给当前通话');
    await user.click(key('1'));
    await user.click(key('#'));
    expect(fake.argsOf('calls.dtmf')).toEqual([
      { callId: 'c1', digits: '1' },
      { callId: 'c1', digits: '#' },
    ]);
    expect(screen.getByTestId('dial-pad-input')).toHaveValue('1#');
    expect(screen.getByTestId('dial-pad-call')).toBeDisabled();
    // Typed on the keyboard into the pad, a digit is a tone too.
    await act(async () => fireEvent.keyDown(screen.getByTestId('dial-pad-input'), { key: '9' }));
    expect(fake.argsOf('calls.dtmf').at(-1)).toEqual({ callId: 'c1', digits: '9' });
    expect(fake.argsOf('calls.dial')).toEqual([]);
  });

  it('pauses while a call only rings', async () => {
    const fake = await renderWindow();
    await push(fake, callSummary('c1'));
    expect(screen.getByTestId('dial-pad')).toHaveAttribute('data-mode', 'busy');
    expect(key('5')).toBeDisabled();
  });
});

describe('click-to-dial from the caller card', () => {
  it('calls a number of the open card through its own button', async () => {
    const fake = await renderWindow({
      'calls.dial': ({ number }) => callSummary('o1', { direction: 'outbound', state: 'active', dialled: number }),
      'directory.card': ({ contactId }) =>
        contactCard(contactId, {
          numbers: [
            { label: 'mobile', raw: '138 0013 8000', e164: '+8613800138000' },
            { label: 'work', raw: '总机转 8001', e164: '+862155550000' },
          ],
        }),
    });
    const user = userEvent.setup();
    await act(() => useDirectoryStore.getState().openContact(3));
    const buttons = within(screen.getByTestId('caller-card-numbers')).getAllByTestId('dial-number');
    expect(buttons.map((b) => b.getAttribute('data-number'))).toEqual(['138 0013 8000', '+862155550000']);
    expect(buttons[0]).toHaveAccessibleName('拨打 138 0013 8000');
    await user.click(buttons[0]!);
    expect(fake.argsOf('calls.dial')).toEqual([{ number: '138 0013 8000' }]);
    // A call is now in progress: no second dial from the card.
    expect(within(screen.getByTestId('caller-card-numbers')).getAllByTestId('dial-number')[1]).toBeDisabled();
  });

  it('is off while the line is not registered', async () => {
    await renderWindow({}, { connection: 'offline', connectionDetail: '403 Forbidden', connectionReason: 'auth_failed', agentState: 'logged_out' });
    await act(() => useDirectoryStore.getState().openContact(3));
    expect(within(screen.getByTestId('caller-card-numbers')).getByTestId('dial-number')).toBeDisabled();
    expect(screen.getByTestId('dial-pad-call')).toBeDisabled();
  });

  it('dials what the center stored, or E.164 when that is not diallable', () => {
    expect(dialStringOf({ label: 'mobile', raw: '138-0013-8000', e164: '+8613800138000' })).toBe('138-0013-8000');
    expect(dialStringOf({ label: 'work', raw: '（021）5555', e164: '+86215555' })).toBe('+86215555');
  });
});

describe('call hotkeys in the window', () => {
  it('F2 answers, F8 holds, F9 hangs up — also while typing in a field — and show on their buttons', async () => {
    const fake = await renderWindow({
      'calls.answer': ({ callId }) => callSummary(callId, { state: 'active', answerAt: new Date().toISOString() }),
      'calls.hold': ({ callId, hold }) => callSummary(callId, { state: hold ? 'held' : 'active' }),
      'calls.hangup': ({ callId }) => callSummary(callId, { state: 'ended', outcome: 'answered', endCause: 'local_hangup', endAt: new Date().toISOString() }),
    });
    await push(fake, callSummary('c1'));
    expect(screen.getByTestId('call-answer')).toHaveAttribute('aria-keyshortcuts', 'F2');
    expect(screen.getByTestId('hotkey-legend')).toHaveTextContent('F2接听');

    const search = screen.getByTestId('search-input');
    search.focus();
    // Held down, a key repeats: only the first press counts. An IME composing text owns the keys.
    fireEvent.keyDown(search, { key: 'F2', repeat: true });
    fireEvent.keyDown(search, { key: 'F2', isComposing: true });
    expect(fake.argsOf('calls.answer')).toEqual([]);
    await act(async () => fireEvent.keyDown(search, { key: 'F2' }));
    expect(fake.argsOf('calls.answer')).toEqual([{ callId: 'c1' }]);
    expect(screen.getByTestId('call-row')).toHaveAttribute('data-state', 'active');

    await act(async () => fireEvent.keyDown(window, { key: 'F8' }));
    expect(fake.argsOf('calls.hold')).toEqual([{ callId: 'c1', hold: true }]);
    expect(screen.getByTestId('call-resume')).toHaveAttribute('aria-keyshortcuts', 'F8');

    await act(async () => fireEvent.keyDown(window, { key: 'F9' }));
    expect(fake.argsOf('calls.hangup')).toEqual([{ callId: 'c1' }]);
    expect(screen.queryByTestId('call-row')).toBeNull();
  });

  it('leaves a key alone (default included) when it has nothing to do', async () => {
    await renderWindow();
    const event = new KeyboardEvent('keydown', { key: 'F2', bubbles: true, cancelable: true });
    window.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
  });
});
