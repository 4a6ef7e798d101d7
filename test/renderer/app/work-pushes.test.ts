import { waitFor } from '@testing-library/react';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { useAgentStore } from '../../../renderer/features/agent/store';
import { useCallbacksStore } from '../../../renderer/features/callbacks/store';
import { useSyncStore } from '../../../renderer/features/sync/store';
import { useWrapUpStore } from '../../../renderer/features/wrap-up/store';
import { agentSnapshot, callbackItem, callSummary, freshApi, syncStatus, withLink } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => unwire?.());

describe('the agent’s-day pushes', () => {
  it('route sync.changed, callbacks.changed / reminder, status.changed and ended calls to their stores, and unsubscribe', async () => {
    const fake = await freshApi({ 'agent.state': () => agentSnapshot({ state: 'not_ready', reason: 'break' }) });
    unwire = wirePushes();
    fake.emit('sync.changed', syncStatus({ pending: 4 }));
    expect(useSyncStore.getState().status?.pending).toBe(4);
    fake.emit('callbacks.changed', callbackItem(2));
    fake.emit('callbacks.reminder', { callback: callbackItem(3), minutesToDue: 5 });
    expect(useCallbacksStore.getState().items.map((c) => c.id)).toEqual([2, 3]);
    expect(useCallbacksStore.getState().toasts.map((t) => t.callback.id)).toEqual([3]);
    fake.emit('status.changed', { connection: 'online', connectionDetail: null, agentState: 'not_ready', agentStateReason: 'break', agentStateSince: new Date().toISOString() });
    await waitFor(() => expect(useAgentStore.getState().snapshot?.reason).toBe('break'));
    fake.emit('calls.changed', callSummary('c1', { state: 'ended', answerAt: new Date().toISOString(), endAt: new Date().toISOString(), outcome: 'answered' }));
    expect(useWrapUpStore.getState().ended).toEqual({ callId: 'c1', number: '+8613800138000' });

    unwire();
    unwire = undefined;
    for (const push of ['sync.changed', 'callbacks.changed', 'callbacks.reminder', 'status.changed'] as const) expect([push, fake.listenerCount(push)]).toEqual([push, 0]);
  });

  it('read the agent state, the outbox and the callbacks again when a dropped link comes back', async () => {
    const fake = await freshApi();
    const link = withLink(fake);
    unwire = wirePushes();
    link('up');
    link('down');
    link('up');
    await waitFor(() => expect(fake.argsOf('callbacks.list')).toEqual([{ status: 'open' }]));
    expect(fake.argsOf('sync.status')).toEqual([{}]);
    expect(fake.argsOf('agent.state')).toEqual([{}]);
    expect(fake.argsOf('wrapup.options')).toEqual([{}]);
  });
});
