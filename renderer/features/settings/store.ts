import { create } from 'zustand';
import type { SettingApplies, SettingsView } from '../../../main/common/domain';
import { call, toFailure, type Failure } from '../../api';

/** One setting to save: `key` as the core names it, `value` as its schema takes it. */
export interface SettingChange {
  key: string;
  value: unknown;
}

export interface PasswordData {
  saving: boolean;
  error: Failure | null;
  /** The last password the agent entered was stored (it is never kept here). */
  saved: boolean;
}

export interface SettingsData {
  /** Every setting with its layer, as the core last said; null until read. */
  view: SettingsView | null;
  loading: boolean;
  loadError: Failure | null;
  panelOpen: boolean;
  saving: boolean;
  /** Per setting key: why the core refused its last save. */
  refusals: Record<string, Failure>;
  /** Per setting key: when its last saved change takes effect. */
  applied: Record<string, SettingApplies>;
  password: PasswordData;
}

export interface SettingsState extends SettingsData {
  load(): Promise<void>;
  openPanel(): void;
  closePanel(): void;
  /** A `settings.changed` push: another window (or the language switch) changed something. */
  applyView(view: SettingsView): void;
  /** Saves each change in turn (each key has its own lock and its own refusal); true when all were saved. */
  save(changes: readonly SettingChange[]): Promise<boolean>;
  /** Hands the password to the core's secret store; the store never keeps it. */
  savePassword(password: string): Promise<boolean>;
}

const idlePassword: PasswordData = { saving: false, error: null, saved: false };

export const initialSettings: SettingsData = {
  view: null,
  loading: false,
  loadError: null,
  panelOpen: false,
  saving: false,
  refusals: {},
  applied: {},
  password: idlePassword,
};

export const useSettingsStore = create<SettingsState>()((set, get) => {
  // A reply to an older read must not overwrite what a later save or push said.
  let viewSeq = 0;

  function adopt(view: SettingsView): void {
    viewSeq += 1;
    set({ view, loadError: null });
  }

  return {
    ...initialSettings,

    load: async () => {
      const seq = ++viewSeq;
      set({ loading: true, loadError: null });
      try {
        const view = await call('settings.get', {});
        if (seq === viewSeq) set({ view, loading: false });
        else set({ loading: false });
      } catch (error) {
        set({ loading: false, ...(seq === viewSeq ? { loadError: toFailure(error) } : {}) });
      }
    },

    openPanel: () => {
      // Fresh outcomes for a fresh look at the screen; the values are read again.
      set({ panelOpen: true, refusals: {}, applied: {}, password: idlePassword });
      void get().load();
    },

    closePanel: () => set({ panelOpen: false }),

    applyView: (view) => adopt(view),

    save: async (changes) => {
      if (get().saving) return false;
      const keys = new Set(changes.map((change) => change.key));
      set((state) => ({
        saving: true,
        refusals: Object.fromEntries(Object.entries(state.refusals).filter(([key]) => !keys.has(key))),
        applied: Object.fromEntries(Object.entries(state.applied).filter(([key]) => !keys.has(key))),
      }));
      let allSaved = true;
      for (const { key, value } of changes) {
        try {
          const result = await call('settings.update', { key, value });
          adopt(result.settings);
          set((state) => ({ applied: { ...state.applied, [key]: result.applies } }));
        } catch (error) {
          allSaved = false;
          set((state) => ({ refusals: { ...state.refusals, [key]: toFailure(error) } }));
        }
      }
      set({ saving: false });
      return allSaved;
    },

    savePassword: async (password) => {
      if (!password || get().password.saving) return false;
      set({ password: { saving: true, error: null, saved: false } });
      try {
        await call('calls.setPassword', { password });
        set({ password: { saving: false, error: null, saved: true } });
        // settings.get only says whether one is stored; read that again.
        await get().load();
        return true;
      } catch (error) {
        set({ password: { saving: false, error: toFailure(error), saved: false } });
        return false;
      }
    },
  };
});

/** The policy layer locks a value: the agent sees it, IT's policy decides it. */
export function isLocked(view: SettingsView | null, key: string): boolean {
  return view?.values[key]?.layer === 'policy';
}
