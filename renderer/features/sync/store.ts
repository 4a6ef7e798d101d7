import { create } from 'zustand';
import type { SyncStatusView } from '../../../main/common/channels/work';
import { call, toFailure, type Failure } from '../../api';

export interface SyncData {
  /** The outbox as sync.status / sync.changed last said; null until read. */
  status: SyncStatusView | null;
  loadError: Failure | null;
  retrying: boolean;
  retryError: Failure | null;
}

export interface SyncState extends SyncData {
  load(): Promise<void>;
  /** A sync.changed push. */
  apply(status: SyncStatusView): void;
  /** Puts the records the back office refused back in the queue. */
  retryFailed(): Promise<void>;
}

export const initialSync: SyncData = { status: null, loadError: null, retrying: false, retryError: null };

export const useSyncStore = create<SyncState>()((set, get) => ({
  ...initialSync,
  load: async () => {
    try {
      set({ status: await call('sync.status', {}), loadError: null });
    } catch (error) {
      set({ loadError: toFailure(error) });
    }
  },
  apply: (status) => set({ status, loadError: null }),
  retryFailed: async () => {
    if (get().retrying) return;
    set({ retrying: true, retryError: null });
    try {
      await call('sync.retryFailed', {});
      set({ retrying: false });
    } catch (error) {
      set({ retrying: false, retryError: toFailure(error) });
    }
  },
}));

/** Nothing to say: nothing waiting, nothing refused, the worker idle. */
export function syncIsQuiet(status: SyncStatusView): boolean {
  return status.pending === 0 && status.failed === 0 && status.activity === 'idle';
}
