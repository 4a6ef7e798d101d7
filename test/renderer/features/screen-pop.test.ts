import type { HistoryPage } from '../../../main/common/domain';
import { historyKey, useDirectoryStore } from '../../../renderer/features/directory/store';
import { callSummary, contactCard, deferred, freshApi, interaction } from '../fake-api';

const store = () => useDirectoryStore.getState();
const page = (ids: number[], nextCursor: string | null = null): HistoryPage => ({ items: ids.map((id) => interaction(id)), nextCursor });

describe('directory store: the screen pop', () => {
  it('opens the call’s card as the core sent it and loads only its history', async () => {
    const fake = await freshApi({ 'directory.history': () => page([1, 2]) });
    await store().popCaller(callSummary('c1', { card: contactCard(7, { name: '王芳' }) }));
    expect(store().card).toMatchObject({ contactId: 7, loading: false, error: null });
    expect(store().card.card?.contact.name).toBe('王芳');
    expect(store().unknownCaller).toBeNull();
    expect(store().history.items.map(historyKey)).toEqual(['1', '2']);
    expect(fake.argsOf('directory.card')).toEqual([]);
  });

  it('shows an unknown caller, and takes the card that arrives late only over that same view', async () => {
    await freshApi({ 'directory.history': () => page([]), 'directory.card': ({ contactId }) => contactCard(contactId) });
    const remote = { number: '02155556666', e164: '+862155556666', displayName: '<b>前台</b>', withheld: false };
    await store().popCaller(callSummary('c1', { remote }));
    expect(store().card.contactId).toBeNull();
    expect(store().unknownCaller).toEqual({ callId: 'c1', ...remote });

    // Another call's late card does not replace this caller.
    await store().popCaller(callSummary('c2', { card: contactCard(8) }), { ifShowingUnknown: true });
    expect(store().unknownCaller?.callId).toBe('c1');
    await store().popCaller(callSummary('c1', { remote, card: contactCard(7) }), { ifShowingUnknown: true });
    expect(store().card.contactId).toBe(7);
    expect(store().unknownCaller).toBeNull();

    // Once the agent opened someone else, a late card does not take over either.
    await store().popCaller(callSummary('c3', { remote }));
    await store().openContact(9);
    await store().popCaller(callSummary('c3', { remote, card: contactCard(7) }), { ifShowingUnknown: true });
    expect(store().card.contactId).toBe(9);
  });

  it('keeps the history of a card that is already open when its call pops it again', async () => {
    const fake = await freshApi({ 'directory.history': () => page([1]), 'directory.card': ({ contactId }) => contactCard(contactId) });
    await store().openContact(7);
    await store().popCaller(callSummary('c1', { card: contactCard(7, { name: '新名字' }) }));
    expect(store().card.card?.contact.name).toBe('新名字');
    expect(fake.argsOf('directory.history')).toHaveLength(1);
  });

  it('reloads the open card and its newest history after a call with them, dropping older pages in flight', async () => {
    let logged = false;
    const older = deferred<HistoryPage>();
    const fake = await freshApi({
      'directory.card': ({ contactId }) => contactCard(contactId, {}, { interactionCount: logged ? 3 : 2 }),
      'directory.history': ({ before }) => (before ? older.promise : page(logged ? [3, 2, 1] : [2, 1], 'cursor-1')),
    });
    await store().openContact(7);
    const loadingOlder = store().loadOlderHistory();
    logged = true;
    await store().refreshContact(7);
    older.resolve(page([0]));
    await loadingOlder;
    expect(store().history).toMatchObject({ loaded: true, loading: false, nextCursor: 'cursor-1' });
    expect(store().history.items.map(historyKey)).toEqual(['3', '2', '1']);
    expect(store().card.card?.interactionCount).toBe(3);

    // Another contact's call ending changes nothing here.
    await store().refreshContact(8);
    expect(fake.argsOf('directory.card')).toEqual([{ contactId: 7 }, { contactId: 7 }]);
  });
});
