import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CallSummary, DialRequest } from '../../../main/common/domain';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import { callSummary, freshApi, type FakeZuoxiApi } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

async function renderWindow(): Promise<FakeZuoxiApi> {
  const fake = await freshApi({
    'app.ready': () => ({
      version: '0.1.0',
      locale: 'zh-CN',
      host: 'electron',
      status: { connection: 'online', connectionDetail: null, connectionReason: null, agentState: 'ready' },
    }),
    'directory.history': () => ({ items: [], nextCursor: null }),
    'calls.dial': ({ number }) => callSummary('out@zuoxi', { direction: 'outbound', state: 'dialing', dialled: number }),
  });
  render(<AgentWindow />);
  unwire = await act(() => start());
  return fake;
}

const link = (fake: FakeZuoxiApi, request: DialRequest) => act(async () => fake.emit('calls.dialRequested', request));
const push = (fake: FakeZuoxiApi, call: CallSummary) => act(async () => fake.emit('calls.changed', call));

describe('tel: and sip: links', () => {
  it('put the number in the dial pad and wait for the agent to press Call', async () => {
    const fake = await renderWindow();
    await link(fake, { number: '+8613800138000', source: 'tel' });
    const input = screen.getByTestId('dial-pad-input');
    expect(input).toHaveValue('+8613800138000');
    expect(input).toHaveFocus();
    expect(screen.getByTestId('dial-pad-mode')).toHaveTextContent('号码来自链接');
    expect(fake.argsOf('calls.dial')).toEqual([]);

    await userEvent.setup().click(screen.getByTestId('dial-pad-call'));
    expect(fake.argsOf('calls.dial')).toEqual([{ number: '+8613800138000' }]);
  });

  it('wait while a call is up, then fill the dial pad once it has ended', async () => {
    const fake = await renderWindow();
    const talking = callSummary('c1@pbx', { state: 'active', answerAt: new Date().toISOString() });
    await push(fake, talking);
    await link(fake, { number: 'sip:8002@pbx.example.com', source: 'sip' });
    // In a call the pad sends tones: the link's number must not become one.
    expect(screen.getByTestId('dial-pad-input')).toHaveValue('');
    expect(screen.getByTestId('dial-pad-mode')).toHaveTextContent('sip:8002@pbx.example.com 将在当前通话结束后填入');
    expect(fake.argsOf('calls.dtmf')).toEqual([]);

    await push(fake, { ...talking, state: 'ended', endAt: new Date().toISOString(), outcome: 'answered', endCause: 'remote_hangup' });
    expect(screen.getByTestId('dial-pad-input')).toHaveValue('sip:8002@pbx.example.com');
    expect(fake.argsOf('calls.dial')).toEqual([]);
  });

  it('replace an earlier link, and are forgotten once the agent edits the number', async () => {
    const fake = await renderWindow();
    await link(fake, { number: '8001', source: 'tel' });
    await link(fake, { number: '8002', source: 'tel' });
    expect(screen.getByTestId('dial-pad-input')).toHaveValue('8002');
    const user = userEvent.setup();
    await user.type(screen.getByTestId('dial-pad-input'), '9');
    expect(screen.getByTestId('dial-pad-mode')).toHaveTextContent('输入号码后点击呼叫');
  });

  it('ignore a pushed number the contract would not dial', async () => {
    const fake = await renderWindow();
    await link(fake, { number: '<img src=x>', source: 'tel' });
    expect(screen.getByTestId('dial-pad-input')).toHaveValue('');
    expect(document.querySelector('img')).toBeNull();
  });
});
