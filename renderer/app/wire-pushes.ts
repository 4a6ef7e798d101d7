import { api } from '../api';
import { useDirectoryStore } from '../features/directory/store';
import { useStatusStore } from '../features/status/store';

/**
 * Every push (and the link state) is routed to its store here and nowhere else, so
 * what reacts to the core can be read in one screen. Returns an unsubscribe function.
 */
export function wirePushes(): () => void {
  const unsubscribers = [
    api.on('status.changed', (status) => useStatusStore.getState().applyStatus(status)),
    api.on('directory.importProgress', (progress) => useDirectoryStore.getState().applyImportProgress(progress)),
    api.onLink((link) => useStatusStore.getState().setLink(link)),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
