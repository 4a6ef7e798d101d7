import '@testing-library/jest-dom';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { readyToggleAction } from '../../../renderer/features/agent/hotkeys';
import { useAgentStore } from '../../../renderer/features/agent/store';
import { ZuoxiError } from '../../../main/common/errors';
import { i18n } from '../../../renderer/i18n';
import { agentSnapshot, freshApi, type FakeZuoxiApi } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
  jest.useRealTimers();
});

async function renderWindow(fake: FakeZuoxiApi) {
  unwire = wirePushes();
  render(<AgentWindow />);
  await waitFor(() => expect(useAgentStore.getState().options).not.toBeNull());
  return fake;
}

/** A status push; awaited so the agent.state re-read it causes settles inside act. */
async function emitState(fake: FakeZuoxiApi, agentState: 'ready' | 'not_ready' | 'logged_out' | 'wrap_up' | 'on_call', agentStateReason: string | null, agentStateSince: string) {
  await act(async () => {
    fake.emit('status.changed', { connection: 'online', connectionDetail: null, agentState, agentStateReason, agentStateSince });
    await Promise.resolve();
  });
}

describe('the agent state buttons', () => {
  it('go ready, not ready with a reason from the menu, and log out through agent.setState', async () => {
    const fake = await freshApi({
      'agent.setState': ({ state, reason }) => agentSnapshot({ state, reason: reason ?? null }),
    });
    await renderWindow(fake);
    const user = userEvent.setup();

    await user.click(screen.getByTestId('agent-ready'));
    expect(fake.argsOf('agent.setState')).toEqual([{ state: 'ready' }]);
    await emitState(fake, 'ready', null, new Date().toISOString());
    expect(screen.getByTestId('agent-ready')).toBeDisabled();

    await user.click(screen.getByTestId('agent-not-ready'));
    const options = screen.getAllByTestId('agent-reason-option');
    expect(options.map((o) => o.getAttribute('data-code'))).toEqual(['break', 'lunch', 'smoke']);
    expect(options[0]).toHaveTextContent('小休');
    expect(options[2]).toHaveTextContent('（未批准）');
    await user.click(options[1]!);
    expect(fake.argsOf('agent.setState').at(-1)).toEqual({ state: 'not_ready', reason: 'lunch' });
    expect(screen.queryByTestId('agent-reason-menu')).toBeNull();

    await emitState(fake, 'not_ready', 'lunch', new Date().toISOString());
    expect(screen.getByTestId('status-agent-state')).toHaveTextContent('未就绪');
    expect(screen.getByTestId('agent-reason')).toHaveTextContent('午餐');
    await act(() => i18n.changeLanguage('en'));
    expect(screen.getByTestId('agent-reason')).toHaveTextContent('Lunch');

    await user.click(screen.getByTestId('agent-logout'));
    expect(fake.argsOf('agent.setState').at(-1)).toEqual({ state: 'logged_out' });
  });

  it('run a timer from agentStateSince', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-30T09:00:00.000Z'), doNotFake: ['queueMicrotask', 'nextTick'] });
    const fake = await freshApi();
    await renderWindow(fake);
    await emitState(fake, 'ready', null, '2026-11-30T08:58:55.000Z');
    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByTestId('agent-timer')).toHaveTextContent('1:06');
    act(() => jest.advanceTimersByTime(60_000));
    expect(screen.getByTestId('agent-timer')).toHaveTextContent('2:06');
    // A new state starts its own count.
    await emitState(fake, 'not_ready', 'break', '2026-11-30T09:01:01.000Z');
    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByTestId('agent-timer')).toHaveTextContent('0:01');
  });

  it('toggle with F4: ready → the reason menu (keyboard pick) → ready again', async () => {
    const fake = await freshApi({
      'agent.state': () => agentSnapshot({ state: 'ready' }),
      'agent.setState': ({ state, reason }) => agentSnapshot({ state, reason: reason ?? null }),
    });
    await renderWindow(fake);
    await waitFor(() => expect(useAgentStore.getState().snapshot?.state).toBe('ready'));
    const user = userEvent.setup();

    await user.keyboard('{F4}');
    expect(screen.getByTestId('agent-reason-menu')).toBeInTheDocument();
    expect(document.activeElement).toHaveAttribute('data-code', 'break');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(fake.argsOf('agent.setState')).toEqual([{ state: 'not_ready', reason: 'lunch' }]);
    await waitFor(() => expect(useAgentStore.getState().snapshot?.state).toBe('not_ready'));

    await user.keyboard('{F4}');
    expect(fake.argsOf('agent.setState').at(-1)).toEqual({ state: 'ready' });
    // Escape closes the menu without a change.
    await waitFor(() => expect(useAgentStore.getState().snapshot?.state).toBe('ready'));
    await user.keyboard('{F4}');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('agent-reason-menu')).toBeNull();
    expect(fake.argsOf('agent.setState')).toHaveLength(2);
    // Modified F4 (Alt+F4 closes windows) is not ours.
    fireEvent.keyDown(window, { key: 'F4', altKey: true });
    expect(screen.queryByTestId('agent-reason-menu')).toBeNull();
  });

  it('document F4 in the hotkey legend, and do nothing on F4 while a change is pending', async () => {
    const fake = await freshApi();
    await renderWindow(fake);
    expect(screen.getByTestId('hotkey-readyToggle')).toHaveTextContent('F4');
    expect(screen.getByTestId('hotkey-readyToggle')).toHaveTextContent('就绪 / 未就绪');
    act(() => useAgentStore.setState({ pending: 'ready' }));
    expect(readyToggleAction()).toBeNull();
  });

  it('show a refusal translated (leaving wrap-up before the disposition) and the choice kept for after the call', async () => {
    const fake = await freshApi({
      'agent.state': () => agentSnapshot({ state: 'on_call', callId: 'c1', afterCall: { state: 'not_ready', reason: 'break' } }),
      'agent.setState': () => {
        throw new ZuoxiError('invalid_input', 'disposition required before leaving wrap-up');
      },
    });
    await renderWindow(fake);
    await waitFor(() => expect(screen.getByTestId('agent-after-call')).toHaveTextContent('通话结束后：未就绪 · 小休'));
    const user = userEvent.setup();
    await user.click(screen.getByTestId('agent-ready'));
    expect(screen.getByTestId('agent-error')).toHaveAttribute('data-code', 'invalid_input');
    expect(screen.getByTestId('agent-error')).toHaveTextContent('状态未能切换');
  });
});
