import '@testing-library/jest-dom';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { WrapUpSaveResult } from '../../../main/common/channels/work';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { useAgentStore } from '../../../renderer/features/agent/store';
import { i18n } from '../../../renderer/i18n';
import { agentSnapshot, callbackItem, callSummary, freshApi, wrapUpOptions, type FakeHandlers } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

const savedResult = (revision = 1, withOrder = false): WrapUpSaveResult => ({
  saved: true,
  wrapUp: { id: 7, callId: 'c1', disposition: 'repair', notes: '', revision, hasScriptPath: false, createdAt: '2026-11-30T09:00:00Z', updatedAt: '2026-11-30T09:00:00Z' },
  workOrder: withOrder
    ? { id: 42, callId: 'c1', faultType: 'no_power', address: 'x', contactPhone: 'y', contactE164: '+8613800138000', description: 'z', createdAt: '', updatedAt: '' }
    : null,
});

async function inWrapUp(handlers: FakeHandlers = {}) {
  const fake = await freshApi({
    'agent.state': () => agentSnapshot({ state: 'wrap_up', callId: 'c1', dispositionMissing: true }),
    ...handlers,
  });
  unwire = wirePushes();
  render(<AgentWindow />);
  await screen.findByTestId('wrapup-form');
  await waitFor(() => expect(useAgentStore.getState().options).not.toBeNull());
  return fake;
}

describe('the wrap-up form', () => {
  it('shows while the agent is in wrap-up, with the disposition required and the center’s labels', async () => {
    await inWrapUp();
    expect(screen.getByTestId('wrapup-form')).toHaveAttribute('data-call-id', 'c1');
    expect(screen.getByTestId('wrapup-disposition-missing')).toHaveTextContent('须先保存处理结果');
    expect(screen.getByTestId('wrapup-disposition')).toBeRequired();
    const labels = [...screen.getByTestId('wrapup-disposition').querySelectorAll('option')].map((o) => o.textContent);
    expect(labels).toEqual(['请选择…', '已解决', '报修']);
    await act(() => i18n.changeLanguage('en'));
    expect([...screen.getByTestId('wrapup-disposition').querySelectorAll('option')].map((o) => o.textContent)).toEqual(['Choose…', 'Resolved', 'Repair order']);
  });

  it('is not there while the agent is ready with no call just ended', async () => {
    await freshApi({ 'agent.state': () => agentSnapshot({ state: 'ready' }) });
    render(<AgentWindow />);
    await waitFor(() => expect(useAgentStore.getState().snapshot?.state).toBe('ready'));
    expect(screen.queryByTestId('wrapup-form')).toBeNull();
  });

  it('saves disposition, notes and a work order through wrapup.save, then lets the agent close it', async () => {
    const fake = await inWrapUp({ 'wrapup.save': () => savedResult(1, true) });
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('wrapup-disposition'), 'repair');
    await user.type(screen.getByTestId('wrapup-notes'), '客户家里停电 <script>');
    await user.click(screen.getByTestId('wrapup-with-order'));
    await user.selectOptions(screen.getByTestId('wrapup-fault-type'), 'no_power');
    await user.type(screen.getByTestId('wrapup-address'), '上海市浦东新区 1 号');
    await user.type(screen.getByTestId('wrapup-contact-phone'), '138 0013 8000');
    await user.type(screen.getByTestId('wrapup-description'), '整栋楼停电');
    await user.click(screen.getByTestId('wrapup-save'));

    expect(fake.argsOf('wrapup.save')).toEqual([
      {
        callId: 'c1',
        disposition: 'repair',
        notes: '客户家里停电 <script>',
        workOrder: { faultType: 'no_power', address: '上海市浦东新区 1 号', contactPhone: '138 0013 8000', description: '整栋楼停电' },
      },
    ]);
    expect(await screen.findByTestId('wrapup-saved')).toHaveTextContent('已保存（第 1 版），工单号 42');
    // The core is asked again: the disposition is in, the agent may leave wrap-up.
    expect(fake.argsOf('agent.state').length).toBeGreaterThanOrEqual(2);
    await user.click(screen.getByTestId('wrapup-close'));
    expect(screen.queryByTestId('wrapup-form')).toBeNull();
  });

  it('shows every field’s problem inline, translated by code, and saves nothing else', async () => {
    const fake = await inWrapUp({
      'wrapup.save': () => ({
        saved: false,
        problems: [
          { field: 'disposition', code: 'required', reason: 'a disposition is required' },
          { field: 'contactPhone', code: 'invalid_phone', reason: 'not a phone number' },
          { field: 'address', code: 'too_short', reason: 'at least 5 characters' },
        ],
      }),
    });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('wrapup-with-order'));
    await user.type(screen.getByTestId('wrapup-contact-phone'), 'abc');
    await user.click(screen.getByTestId('wrapup-save'));

    expect(await screen.findByTestId('wrapup-problem-disposition')).toHaveTextContent('必填');
    expect(screen.getByTestId('wrapup-problem-contactPhone')).toHaveTextContent('不是可回拨的电话号码');
    expect(screen.getByTestId('wrapup-problem-address')).toHaveTextContent('内容太短');
    expect(screen.getByTestId('wrapup-contact-phone')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('wrapup-problem-description')).toBeNull();
    expect(screen.queryByTestId('wrapup-saved')).toBeNull();
    expect(fake.argsOf('wrapup.save')[0]).toMatchObject({ disposition: '', workOrder: { contactPhone: 'abc' } });
    await act(() => i18n.changeLanguage('en'));
    expect(screen.getByTestId('wrapup-problem-contactPhone')).toHaveTextContent('Not a phone number that can be called back');
  });

  it('shows after an answered call ends even without a wrap-up state (the agent may close it), and not for one that was never answered', async () => {
    const fake = await freshApi({ 'agent.state': () => agentSnapshot({ state: 'ready' }), 'wrapup.options': () => wrapUpOptions({ wrapUp: { enabled: false, autoReadyAfterSeconds: null, dispositionRequired: false } }) });
    unwire = wirePushes();
    render(<AgentWindow />);
    await waitFor(() => expect(useAgentStore.getState().options).not.toBeNull());
    const answerAt = new Date(Date.now() - 60_000).toISOString();
    act(() => fake.emit('calls.changed', callSummary('c9', { state: 'active', answerAt })));
    act(() => fake.emit('calls.changed', callSummary('c9', { state: 'ended', answerAt, endAt: new Date().toISOString(), outcome: 'answered', endCause: 'remote_hangup' })));
    expect(await screen.findByTestId('wrapup-form')).toHaveAttribute('data-call-id', 'c9');
    expect(screen.getByTestId('wrapup-disposition')).not.toBeRequired();

    // The next call rings and is missed: the answered call's form stays until the agent closes it.
    act(() => fake.emit('calls.changed', callSummary('c10')));
    act(() => fake.emit('calls.changed', callSummary('c10', { state: 'ended', endAt: new Date().toISOString(), outcome: 'missed', endCause: 'remote_hangup' })));
    expect(screen.getByTestId('wrapup-form')).toHaveAttribute('data-call-id', 'c9');
    await userEvent.setup().click(screen.getByTestId('wrapup-close'));
    expect(screen.queryByTestId('wrapup-form')).toBeNull();
  });

  it('promises the caller a callback from the wrap-up, tied to the call, with the caller’s number filled in', async () => {
    const fake = await freshApi({
      'agent.state': () => agentSnapshot({ state: 'ready' }),
      'callbacks.create': ({ number, subject }) => callbackItem(3, { number, subject: subject ?? '', source: 'wrap_up', sourceRef: 'c9' }),
    });
    unwire = wirePushes();
    render(<AgentWindow />);
    await waitFor(() => expect(useAgentStore.getState().options).not.toBeNull());
    const answerAt = new Date(Date.now() - 60_000).toISOString();
    act(() => fake.emit('calls.changed', callSummary('c9', { state: 'ended', answerAt, endAt: new Date().toISOString(), outcome: 'answered', endCause: 'remote_hangup' })));
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('wrapup-promise-callback'));
    const form = screen.getByTestId('wrapup-callback-form');
    expect(form.querySelector('[data-testid="callback-new-number"]')).toHaveValue('+8613800138000');
    await user.type(form.querySelector<HTMLInputElement>('[data-testid="callback-new-subject"]')!, '明早回电确认');
    await user.click(form.querySelector<HTMLButtonElement>('[data-testid="callback-new-save"]')!);
    expect(fake.argsOf('callbacks.create')).toEqual([{ number: '+8613800138000', subject: '明早回电确认', dueAt: null, fromCallId: 'c9' }]);
    expect(await screen.findByTestId('callback-new-created')).toHaveTextContent('回访已创建');
  });

  it('counts down to the automatic return to ready', async () => {
    await inWrapUp({ 'agent.state': () => agentSnapshot({ state: 'wrap_up', callId: 'c1', wrapUpEndsAt: new Date(Date.now() + 30_000).toISOString() }) });
    expect(screen.getByTestId('wrapup-auto-ready')).toHaveTextContent(/(29|30) 秒后自动就绪/);
  });
});
