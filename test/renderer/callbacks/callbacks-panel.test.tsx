import '@testing-library/jest-dom';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { nextCallbackAction } from '../../../renderer/features/callbacks/hotkeys';
import { nextDueCallback, useCallbacksStore } from '../../../renderer/features/callbacks/store';
import { ZuoxiError } from '../../../main/common/errors';
import { i18n } from '../../../renderer/i18n';
import { callbackItem, freshApi, type FakeHandlers } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
  delete (globalThis as { Notification?: unknown }).Notification;
});

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

async function renderWindow(handlers: FakeHandlers = {}) {
  const fake = await freshApi(handlers);
  unwire = wirePushes();
  render(<AgentWindow />);
  await waitFor(() => expect(useCallbacksStore.getState().loaded).toBe(true));
  return fake;
}

describe('the callbacks list', () => {
  it('lists open callbacks soonest due first, with overdue and due-in badges, text as text', async () => {
    await renderWindow({
      'callbacks.list': () => [
        callbackItem(1, { dueAt: minutes(180), deadlineAt: minutes(180), subject: '王 <img src=x>' }),
        callbackItem(2, { dueAt: minutes(-30), deadlineAt: minutes(-30), overdue: true }),
        callbackItem(3, { dueAt: minutes(20), deadlineAt: minutes(20), subject: '' }),
      ],
    });
    const rows = screen.getAllByTestId('callback-row');
    expect(rows.map((r) => r.getAttribute('data-id'))).toEqual(['2', '3', '1']);
    expect(within(rows[0]!).getByTestId('callback-overdue')).toHaveTextContent('已超时');
    expect(rows[0]).toHaveAttribute('data-overdue', 'true');
    expect(within(rows[1]!).getByTestId('callback-due')).toHaveTextContent('20 分钟后到期');
    // No subject: the number stands for it.
    expect(within(rows[1]!).getByTestId('callback-subject')).toHaveTextContent('+8613800138003');
    expect(within(rows[2]!).getByTestId('callback-due')).toHaveTextContent('约 3 小时后到期');
    expect(within(rows[2]!).getByTestId('callback-subject').textContent).toBe('王 <img src=x>');
    expect(screen.getByTestId('callbacks-panel').querySelector('img')).toBeNull();
    expect(screen.getByTestId('callbacks-overdue-count')).toHaveTextContent('1 条超时');
    await act(() => i18n.changeLanguage('en'));
    expect(within(screen.getAllByTestId('callback-row')[1]!).getByTestId('callback-due')).toHaveTextContent('Due in 20 min');
  });

  it('follows callbacks.changed: a new one appears in order, a resolved one leaves', async () => {
    const fake = await renderWindow({ 'callbacks.list': () => [callbackItem(1, { dueAt: minutes(60) })] });
    expect(screen.getByTestId('callbacks-count')).toHaveTextContent('1');
    act(() => fake.emit('callbacks.changed', callbackItem(5, { dueAt: minutes(1440), subject: '新工单' })));
    act(() => fake.emit('callbacks.changed', callbackItem(6, { dueAt: minutes(10) })));
    expect(screen.getAllByTestId('callback-row').map((r) => r.getAttribute('data-id'))).toEqual(['6', '1', '5']);
    act(() => fake.emit('callbacks.changed', callbackItem(1, { status: 'done', resolution: 'reached_resolved' })));
    expect(screen.getAllByTestId('callback-row').map((r) => r.getAttribute('data-id'))).toEqual(['6', '5']);
  });

  it('calls through callbacks.call and offers no second call while one is up', async () => {
    const fake = await renderWindow({
      'callbacks.list': () => [callbackItem(1)],
      'callbacks.call': ({ id }) => ({ callback: callbackItem(id, { callInProgress: 'cb-call-1' }), callId: 'cb-call-1' }),
    });
    await userEvent.setup().click(screen.getByTestId('callback-call'));
    expect(fake.argsOf('callbacks.call')).toEqual([{ id: 1 }]);
    expect(screen.getByTestId('callback-call')).toBeDisabled();
    expect(screen.getByTestId('callback-call')).toHaveTextContent('通话中…');
  });

  it('shows a refused call translated', async () => {
    await renderWindow({
      'callbacks.list': () => [callbackItem(1)],
      'callbacks.call': () => {
        throw new ZuoxiError('not_found', 'no such callback');
      },
    });
    await userEvent.setup().click(screen.getByTestId('callback-call'));
    expect(await screen.findByTestId('callback-error')).toHaveAttribute('data-code', 'not_found');
  });

  it('records the agent’s outcome with a note through callbacks.resolve', async () => {
    const fake = await renderWindow({
      'callbacks.list': () => [callbackItem(1, { lastSipOutcome: 'busy', lastSipDetail: '486 Busy Here', attempts: 1 })],
      'callbacks.resolve': ({ id, outcome }) => callbackItem(id, { status: 'done', resolution: outcome }),
    });
    expect(screen.getByTestId('callback-last-outcome')).toHaveTextContent('忙线');
    expect(screen.getByTestId('callback-last-outcome')).toHaveAttribute('title', '486 Busy Here');
    const user = userEvent.setup();
    await user.click(screen.getByTestId('callback-resolve-open'));
    expect(screen.getByTestId('callback-resolve-save')).toBeDisabled();
    const labels = [...screen.getByTestId('callback-outcome').querySelectorAll('option')].map((o) => o.textContent);
    expect(labels).toContain('已联系，问题已解决');
    await user.selectOptions(screen.getByTestId('callback-outcome'), 'reached_resolved');
    await user.type(screen.getByTestId('callback-note'), '已恢复供电');
    await user.click(screen.getByTestId('callback-resolve-save'));
    expect(fake.argsOf('callbacks.resolve')).toEqual([{ id: 1, outcome: 'reached_resolved', note: '已恢复供电' }]);
    await waitFor(() => expect(screen.queryByTestId('callback-row')).toBeNull());
    expect(screen.getByTestId('callbacks-empty')).toBeInTheDocument();
  });

  it('Shift+F7 calls the first due callback; nothing when none is due; documented in the legend', async () => {
    const fake = await renderWindow({
      'callbacks.list': () => [callbackItem(1, { dueAt: minutes(-5) }), callbackItem(2, { dueAt: minutes(-1) }), callbackItem(3, { dueAt: minutes(30) })],
      'callbacks.call': ({ id }) => ({ callback: callbackItem(id, { dueAt: minutes(-5), callInProgress: 'x' }), callId: 'x' }),
    });
    expect(screen.getByTestId('hotkey-nextCallback')).toHaveTextContent('Shift+F7');
    expect(screen.getByTestId('hotkey-nextCallback')).toHaveTextContent('拨打下一条回访');
    // Plain F7 is the browser's caret browsing: not ours.
    fireEvent.keyDown(window, { key: 'F7' });
    expect(fake.argsOf('callbacks.call')).toEqual([]);
    fireEvent.keyDown(window, { key: 'F7', shiftKey: true });
    await waitFor(() => expect(fake.argsOf('callbacks.call')).toEqual([{ id: 1 }]));
    // The one being called is skipped: the next due is 2.
    await waitFor(() => expect(nextDueCallback(useCallbacksStore.getState().items)?.id).toBe(2));
    act(() => useCallbacksStore.setState({ items: [callbackItem(3, { dueAt: minutes(30) })] }));
    expect(nextCallbackAction()).toBeNull();
  });
});

describe('a callback by hand', () => {
  it('is created through callbacks.create (default due when left empty) and joins the list', async () => {
    const fake = await renderWindow({
      'callbacks.create': ({ number, subject }) => callbackItem(9, { number, subject: subject ?? '', source: 'manual' }),
    });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('callback-new-open'));
    expect(screen.getByTestId('callback-new-save')).toBeDisabled();
    await user.type(screen.getByTestId('callback-new-number'), ' 13800138000 ');
    await user.type(screen.getByTestId('callback-new-subject'), '确认电表更换');
    await user.click(screen.getByTestId('callback-new-save'));
    expect(fake.argsOf('callbacks.create')).toEqual([{ number: '13800138000', subject: '确认电表更换', dueAt: null, fromCallId: null }]);
    await waitFor(() => expect(screen.getAllByTestId('callback-row').map((r) => r.getAttribute('data-id'))).toEqual(['9']));
    expect(screen.queryByTestId('callback-new-form')).toBeNull();
  });

  it('passes the chosen time as ISO and shows a refusal translated', async () => {
    const fake = await renderWindow({
      'callbacks.create': () => {
        throw new ZuoxiError('invalid_input', 'not a phone number');
      },
    });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('callback-new-open'));
    await user.type(screen.getByTestId('callback-new-number'), 'abc');
    fireEvent.change(screen.getByTestId('callback-new-due'), { target: { value: '2026-12-01T09:30' } });
    await user.click(screen.getByTestId('callback-new-save'));
    expect(fake.argsOf('callbacks.create')[0]).toMatchObject({ number: 'abc', dueAt: new Date('2026-12-01T09:30').toISOString() });
    expect(await screen.findByTestId('callback-new-error')).toHaveAttribute('data-code', 'invalid_input');
    expect(screen.getByTestId('callback-new-form')).toBeInTheDocument();
  });
});

describe('callback reminders', () => {
  it('show an in-app toast from callbacks.reminder, with Call and Dismiss', async () => {
    const fake = await renderWindow({
      'callbacks.call': ({ id }) => ({ callback: callbackItem(id, { callInProgress: 'x' }), callId: 'x' }),
    });
    act(() => fake.emit('callbacks.reminder', { callback: callbackItem(4, { subject: '李雷 <b>' }), minutesToDue: 15 }));
    const toast = screen.getByTestId('callback-toast');
    expect(toast).toHaveTextContent('回访提醒：李雷 <b>');
    expect(toast).toHaveTextContent('15 分钟后到期');
    expect(toast.querySelector('b')).toBeNull();
    // The reminded callback is in the list too.
    expect(screen.getAllByTestId('callback-row').map((r) => r.getAttribute('data-id'))).toEqual(['4']);
    await userEvent.setup().click(screen.getByTestId('callback-toast-call'));
    expect(fake.argsOf('callbacks.call')).toEqual([{ id: 4 }]);
    expect(screen.queryByTestId('callback-toast')).toBeNull();

    act(() => fake.emit('callbacks.reminder', { callback: callbackItem(5), minutesToDue: -20 }));
    expect(screen.getByTestId('callback-toast')).toHaveTextContent('已超时 20 分钟');
    await userEvent.setup().click(screen.getByTestId('callback-toast-dismiss'));
    expect(screen.queryByTestId('callback-toast')).toBeNull();
  });

  it('also raise a Web Notification when the permission was granted, and none otherwise', async () => {
    const shown: Array<{ title: string; options?: NotificationOptions }> = [];
    class FakeNotification {
      static permission: NotificationPermission = 'denied';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        shown.push({ title, options });
      }
      close() {}
    }
    (globalThis as { Notification?: unknown }).Notification = FakeNotification;
    const fake = await renderWindow();
    act(() => fake.emit('callbacks.reminder', { callback: callbackItem(4, { subject: '韩梅梅' }), minutesToDue: 10 }));
    expect(shown).toEqual([]);
    FakeNotification.permission = 'granted';
    act(() => fake.emit('callbacks.reminder', { callback: callbackItem(4, { subject: '韩梅梅' }), minutesToDue: 5 }));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe('回访提醒：韩梅梅');
    expect(shown[0]!.options?.body).toBe('+8613800138004\n5 分钟后到期');
    expect(shown[0]!.options?.tag).toBe('zuoxi-callback-4');
    // One toast per callback, the latest words.
    expect(screen.getAllByTestId('callback-toast')).toHaveLength(1);
  });
});
