import '@testing-library/jest-dom';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { useCallsStore } from '../../../renderer/features/calls/store';
import type { PresentedStep } from '../../../renderer/features/scripts/store';
import { i18n } from '../../../renderer/i18n';
import { ZuoxiError } from '../../../main/common/errors';
import { callSummary, freshApi, type FakeHandlers } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

const step = (stepId: string, overrides: Partial<PresentedStep> = {}): PresentedStep => ({
  scriptId: 'repair-hotline',
  stepId,
  type: 'say',
  text: '',
  parts: [],
  options: [],
  objections: [],
  outcome: null,
  final: false,
  canGoBack: false,
  ...overrides,
});

const greet = step('greet', { text: '您好，<b>张三</b>，这里是供电服务热线。' });
const faultType = step('fault-type', {
  type: 'question',
  text: '请问您遇到的是哪种故障？',
  canGoBack: true,
  options: [
    { id: 'outage', label: '停电' },
    { id: 'voltage', label: '电压不稳' },
  ],
  objections: [{ id: 'unhappy', title: '客户不满意' }],
});
/** What scripts.resume answers for a call whose run it has just started. */
const started = (first: PresentedStep) => () => ({ step: first, crumbs: [], resumed: false });

const outageScope = step('outage-scope', { type: 'question', text: '是只有您家停电吗？', canGoBack: true, options: [{ id: 'home', label: '只有我家' }] });

async function onCall(handlers: FakeHandlers = {}) {
  const fake = await freshApi({ 'calls.list': () => [callSummary('c1', { state: 'active', answerAt: new Date().toISOString(), dialled: '95598' })], ...handlers });
  unwire = wirePushes();
  render(<AgentWindow />);
  await act(() => useCallsStore.getState().load());
  return fake;
}

describe('the script panel', () => {
  it('starts the dialled line’s script when a call is up and shows the step as plain text', async () => {
    const fake = await onCall({ 'scripts.resume': started(greet) });
    const text = await screen.findByTestId('script-text');
    expect(text).toHaveTextContent('您好，<b>张三</b>，这里是供电服务热线。');
    expect(text.querySelector('b')).toBeNull();
    expect(fake.argsOf('scripts.resume')).toEqual([{ callId: 'c1' }]);
    expect(screen.getByTestId('script-continue')).toHaveTextContent('继续');
    expect(screen.queryByTestId('script-back')).toBeNull();
  });

  it('follows the branches: continue, an answer, back and repeat, each naming its step, with the path as breadcrumbs', async () => {
    const fake = await onCall({
      'scripts.resume': started(greet),
      'scripts.continue': () => faultType,
      'scripts.answer': () => outageScope,
      'scripts.back': () => faultType,
      'scripts.repeat': () => faultType,
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('script-continue'));
    await waitFor(() => expect(screen.getByTestId('script-step')).toHaveAttribute('data-step-id', 'fault-type'));
    expect(screen.getAllByTestId('script-option').map((b) => b.textContent)).toEqual(['停电', '电压不稳']);

    await user.click(screen.getByRole('button', { name: '停电' }));
    await waitFor(() => expect(screen.getByTestId('script-step')).toHaveAttribute('data-step-id', 'outage-scope'));
    expect(screen.getAllByTestId('script-crumb').map((c) => c.textContent)).toEqual(['已说', '停电']);
    expect(fake.argsOf('scripts.continue')).toEqual([{ callId: 'c1', stepId: 'greet' }]);
    expect(fake.argsOf('scripts.answer')).toEqual([{ callId: 'c1', stepId: 'fault-type', optionId: 'outage' }]);

    await user.click(screen.getByTestId('script-back'));
    await waitFor(() => expect(screen.getByTestId('script-step')).toHaveAttribute('data-step-id', 'fault-type'));
    expect(screen.getAllByTestId('script-crumb').map((c) => c.textContent)).toEqual(['已说']);
    expect(fake.argsOf('scripts.back')).toEqual([{ callId: 'c1', stepId: 'outage-scope' }]);

    await user.click(screen.getByTestId('script-repeat'));
    await waitFor(() => expect(fake.argsOf('scripts.repeat')).toEqual([{ callId: 'c1', stepId: 'fault-type' }]));
    expect(screen.getAllByTestId('script-crumb')).toHaveLength(1);
  });

  it('opens a window on a call in progress at the step the agent was at, with the path so far, and carries on from there', async () => {
    // The window was reloaded mid-call: fresh stores, and calls.list says c1 is up. The
    // core's run stands on outage-scope; starting it again would show greet.
    const fake = await onCall({
      'scripts.resume': () => ({
        step: outageScope,
        crumbs: [
          { stepId: 'greet', text: greet.text, choice: null },
          { stepId: 'fault-type', text: faultType.text, choice: '停电' },
        ],
        resumed: true,
      }),
      'scripts.start': () => greet,
      'scripts.answer': () => step('check-breaker', { type: 'question', text: '请您先看一下总开关是否跳闸了？', canGoBack: true, options: [{ id: 'tripped', label: '跳闸了' }] }),
    });
    await waitFor(() => expect(screen.getByTestId('script-step')).toHaveAttribute('data-step-id', 'outage-scope'));
    expect(screen.getByTestId('script-text')).toHaveTextContent('是只有您家停电吗？');
    expect(screen.getAllByTestId('script-crumb').map((c) => [c.dataset.stepId, c.textContent, c.title])).toEqual([
      ['greet', '已说', greet.text],
      ['fault-type', '停电', faultType.text],
    ]);
    expect(screen.getByTestId('script-back')).toBeInTheDocument();
    expect(fake.argsOf('scripts.resume')).toEqual([{ callId: 'c1' }]);
    expect(fake.argsOf('scripts.start')).toEqual([]);

    await userEvent.setup().click(screen.getByRole('button', { name: '只有我家' }));
    await waitFor(() => expect(screen.getByTestId('script-step')).toHaveAttribute('data-step-id', 'check-breaker'));
    expect(fake.argsOf('scripts.answer')).toEqual([{ callId: 'c1', stepId: 'outage-scope', optionId: 'home' }]);
    expect(screen.getAllByTestId('script-crumb').map((c) => c.textContent)).toEqual(['已说', '停电', '只有我家']);
  });

  it('shows an objection snippet inline, as text, on the step it was asked on', async () => {
    const fake = await onCall({
      'scripts.resume': started(faultType),
      'scripts.objection': () => ({ snippetId: 'unhappy', title: '客户不满意', text: '非常理解您的心情，<i>张三</i>。', parts: [] }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '客户不满意' }));
    const snippet = await screen.findByTestId('script-snippet');
    expect(within(snippet).getByText('非常理解您的心情，<i>张三</i>。')).toBeInTheDocument();
    expect(snippet.querySelector('i')).toBeNull();
    expect(fake.argsOf('scripts.objection')).toEqual([{ callId: 'c1', stepId: 'fault-type', snippetId: 'unhappy' }]);
    await user.click(screen.getByTestId('script-snippet-close'));
    expect(screen.queryByTestId('script-snippet')).toBeNull();
  });

  it('says quietly that the line has no script, in either language', async () => {
    await onCall();
    expect(await screen.findByTestId('script-none')).toHaveTextContent('此线路没有话术');
    expect(screen.queryByTestId('script-error')).toBeNull();
    await act(() => i18n.changeLanguage('en'));
    expect(screen.getByTestId('script-none')).toHaveTextContent('No script for this line');
  });

  it('shows a failed move as an error and keeps the step', async () => {
    await onCall({
      'scripts.resume': started(greet),
      'scripts.continue': () => {
        throw new ZuoxiError('invalid_input', 'that step is no longer current');
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('script-continue'));
    expect(await screen.findByTestId('script-error')).toHaveAttribute('data-code', 'invalid_input');
    expect(screen.getByTestId('script-step')).toHaveAttribute('data-step-id', 'greet');
  });

  it('offers to try again when the script could not be started, and starts it on retry', async () => {
    let fail = true;
    const fake = await onCall({
      'scripts.resume': () => {
        if (fail) throw new ZuoxiError('unavailable', 'the core is busy');
        return started(greet)();
      },
    });
    const note = await screen.findByTestId('script-error');
    expect(note).toHaveAttribute('data-code', 'unavailable');
    fail = false;
    await userEvent.setup().click(within(note).getByRole('button'));
    await waitFor(() => expect(screen.getByTestId('script-step')).toHaveAttribute('data-step-id', 'greet'));
    expect(screen.queryByTestId('script-error')).toBeNull();
    expect(fake.argsOf('scripts.resume')).toEqual([{ callId: 'c1' }, { callId: 'c1' }]);
  });

  it('shows the end step’s outcome and leaves when the call ends', async () => {
    const fake = await onCall({ 'scripts.resume': started(step('end-dispatched', { type: 'end', text: '再见！', outcome: '已派单', final: true, canGoBack: true })) });
    expect(await screen.findByTestId('script-outcome')).toHaveTextContent('已派单');
    expect(screen.queryByTestId('script-repeat')).toBeNull();
    act(() => fake.emit('calls.changed', callSummary('c1', { state: 'ended', answerAt: new Date().toISOString(), endAt: new Date().toISOString(), outcome: 'answered', endCause: 'remote_hangup' })));
    await waitFor(() => expect(screen.queryByTestId('script-panel')).toBeNull());
  });

  it('is not there while no call is up', async () => {
    const fake = await freshApi();
    render(<AgentWindow />);
    await act(() => useCallsStore.getState().load());
    expect(screen.queryByTestId('script-panel')).toBeNull();
    expect(fake.argsOf('scripts.resume')).toEqual([]);
  });
});
