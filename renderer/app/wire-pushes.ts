import { api } from '../api';
import { useAgentStore } from '../features/agent/store';
import { useCallbacksStore } from '../features/callbacks/store';
import { useCallsStore } from '../features/calls/store';
import { useDirectoryStore } from '../features/directory/store';
import { useNotificationsStore } from '../features/notifications/store';
import { useSettingsStore } from '../features/settings/store';
import { useStatusStore } from '../features/status/store';
import { useSyncStore } from '../features/sync/store';
import { useWrapUpStore } from '../features/wrap-up/store';

/**
 * Every push (and the link state) is routed to its store here and nowhere else, so
 * what reacts to the core can be read in one screen. Returns an unsubscribe function.
 */
export function wirePushes(): () => void {
  let linkWasDown = false;
  const unsubscribers = [
    api.on('status.changed', (status) => {
      useStatusStore.getState().applyStatus(status);
      useAgentStore.getState().applyStatus(status);
    }),
    api.on('directory.importProgress', (progress) => useDirectoryStore.getState().applyImportProgress(progress)),
    api.on('calls.changed', (call) => {
      const update = useCallsStore.getState().applyCall(call);
      useNotificationsStore.getState().applyCall(call);
      const directory = useDirectoryStore.getState();
      // The screen pop: the caller's card (or "unknown caller") shows while it still rings.
      if (update.pop === 'ring') void directory.popCaller(call);
      else if (update.pop === 'card') void directory.popCaller(call, { ifShowingUnknown: true });
      // A connector answered late (or failed): the card shown for this call changes in place.
      else if (update.pop === 'update') void directory.applyCallCard(call);
      // The core logs the call on the contact's history before it pushes the end.
      if (update.kind === 'ended' && call.card) void directory.refreshContact(call.card.contact.id);
      // An answered customer call that ended gets its wrap-up form.
      if (update.kind === 'ended') useWrapUpStore.getState().noteEnded(call);
    }),
    api.on('callbacks.changed', (callback) => useCallbacksStore.getState().apply(callback)),
    api.on('callbacks.reminder', (reminder) => useCallbacksStore.getState().applyReminder(reminder)),
    api.on('sync.changed', (status) => useSyncStore.getState().apply(status)),
    api.on('settings.changed', (view) => useSettingsStore.getState().applyView(view)),
    // A tel:/sip: link the OS handed the shell: the number waits in the dial pad for the agent.
    api.on('calls.dialRequested', (request) => useCallsStore.getState().requestDial(request.number)),
    api.onLink((link) => {
      useStatusStore.getState().setLink(link);
      // Calls pushed while the link was down are lost: read what is in progress now.
      if (link === 'down') linkWasDown = true;
      else if (linkWasDown) {
        linkWasDown = false;
        void resyncCalls();
        void useAgentStore.getState().load();
        void useSyncStore.getState().load();
        void useCallbacksStore.getState().load();
      }
    }),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/**
 * Reads the calls in progress (start-up, a link back after a drop) and pops the caller
 * of one the window did not know yet: a ringing one first, as if it had just rung.
 */
export async function resyncCalls(): Promise<void> {
  const known = new Set(useCallsStore.getState().calls.map((c) => c.id));
  await useCallsStore.getState().load();
  const fresh = useCallsStore.getState().calls.filter((c) => !known.has(c.id) && c.consultFor === null);
  const pop = fresh.find((c) => c.direction === 'inbound' && c.state === 'ringing') ?? fresh[0];
  if (pop) await useDirectoryStore.getState().popCaller(pop);
}
