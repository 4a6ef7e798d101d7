import { waitFor } from '@testing-library/react';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { useCallsStore } from '../../../renderer/features/calls/store';
import { useDirectoryStore } from '../../../renderer/features/directory/store';
import { useStatusStore } from '../../../renderer/features/status/store';
import { callSummary, contactCard, freshApi, withLink } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => unwire?.());

describe('call pushes', () => {
  it('route calls.changed to the calls store and pop the caller into the directory store', async () => {
    const fake = await freshApi({ 'directory.history': () => ({ items: [], nextCursor: null }) });
    unwire = wirePushes();
    expect(fake.listenerCount('calls.changed')).toBe(1);
    fake.emit('calls.changed', callSummary('c1', { card: contactCard(4, { name: '李雷' }) }));
    expect(useCallsStore.getState().calls.map((c) => c.id)).toEqual(['c1']);
    expect(useDirectoryStore.getState().card.card?.contact.name).toBe('李雷');
    unwire();
    unwire = undefined;
    expect(fake.listenerCount('calls.changed')).toBe(0);
  });

  it('read the calls in progress again when a dropped link comes back, since pushes sent meanwhile are lost', async () => {
    let listed = [callSummary('c1', { state: 'active' })];
    const fake = await freshApi({ 'calls.list': () => listed });
    const link = withLink(fake);
    unwire = wirePushes();
    link('up');
    expect(fake.argsOf('calls.list')).toEqual([]);
    useCallsStore.getState().applyCall(callSummary('c1', { state: 'active' }));

    link('down');
    expect(useStatusStore.getState().link).toBe('down');
    // While down, c1 ended and c2 started ringing.
    listed = [callSummary('c2', { remote: { number: '02155556666', e164: null, displayName: '', withheld: false } })];
    link('up');
    await waitFor(() => expect(useCallsStore.getState().calls.map((c) => c.id)).toEqual(['c2']));
    expect(fake.argsOf('calls.list')).toEqual([{}]);
    // The call that rang unseen pops like any other.
    expect(useDirectoryStore.getState().unknownCaller).toMatchObject({ callId: 'c2', number: '02155556666' });
  });
});
