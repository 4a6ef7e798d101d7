import { create } from 'zustand';
import type { AgentStateSnapshot, MANUAL_AGENT_STATES, WrapUpOptions } from '../../../main/common/channels/work';
import type { Locale, WorkstationStatus } from '../../../main/common/domain';
import { call, toFailure, type Failure } from '../../api';

export type ManualAgentState = (typeof MANUAL_AGENT_STATES)[number];

export interface AgentData {
  /** The latest agent.state / agent.setState answer; status.changed keeps its state, reason and since current. */
  snapshot: AgentStateSnapshot | null;
  /** The center's lists (not-ready reasons, dispositions, fault types); null until read. */
  options: WrapUpOptions | null;
  optionsError: Failure | null;
  /** The state asked for and not yet answered. */
  pending: ManualAgentState | null;
  /** A state change the core refused (e.g. leaving wrap-up before the required disposition). */
  error: Failure | null;
  /** agent.state could not be read; the status pushes still show the state. */
  loadError: Failure | null;
  /** The not-ready reason menu is open (a click, or F4 while ready). */
  reasonMenuOpen: boolean;
}

export interface AgentState extends AgentData {
  /** Reads the state and the center's lists (start-up, a link back). */
  load(): Promise<void>;
  loadOptions(): Promise<void>;
  /** Re-reads the snapshot only (a status push said the state moved). */
  refresh(): Promise<void>;
  setState(state: ManualAgentState, reason?: string): Promise<boolean>;
  /** A status.changed push: the state, reason and since it carries; re-reads the rest when the state moved. */
  applyStatus(status: WorkstationStatus): void;
  openReasonMenu(): void;
  closeReasonMenu(): void;
  dismissError(): void;
}

export const initialAgent: AgentData = {
  snapshot: null,
  options: null,
  optionsError: null,
  pending: null,
  error: null,
  loadError: null,
  reasonMenuOpen: false,
};

export const useAgentStore = create<AgentState>()((set, get) => ({
  ...initialAgent,

  load: async () => {
    await Promise.all([get().refresh(), get().loadOptions()]);
  },

  loadOptions: async () => {
    try {
      set({ options: await call('wrapup.options', {}), optionsError: null });
    } catch (error) {
      set({ optionsError: toFailure(error) });
    }
  },

  refresh: async () => {
    try {
      set({ snapshot: await call('agent.state', {}), loadError: null });
    } catch (error) {
      set({ loadError: toFailure(error) });
    }
  },

  setState: async (state, reason) => {
    if (get().pending) return false;
    set({ pending: state, error: null, reasonMenuOpen: false });
    try {
      const snapshot = await call('agent.setState', reason === undefined ? { state } : { state, reason });
      set({ snapshot, pending: null });
      return true;
    } catch (error) {
      set({ pending: null, error: toFailure(error) });
      return false;
    }
  },

  applyStatus: (status) => {
    const current = get().snapshot;
    const since = status.agentStateSince ?? null;
    const moved = !current || current.state !== status.agentState || (since !== null && since !== current.since);
    if (current) {
      set({
        snapshot: {
          ...current,
          state: status.agentState,
          reason: status.agentStateReason ?? (current.state === status.agentState ? current.reason : null),
          since: since ?? current.since,
        },
      });
    }
    // afterCall, the call and the wrap-up's end come with agent.state only.
    if (moved) void get().refresh();
  },

  openReasonMenu: () => set({ reasonMenuOpen: true }),
  closeReasonMenu: () => set({ reasonMenuOpen: false }),
  dismissError: () => set({ error: null }),
}));

/** A code's label in the agent's language: the English label when there is one, else the center's own; the code when unknown. */
export function codeLabel(list: ReadonlyArray<{ code: string; label: string; labelEn?: string | undefined }> | undefined, code: string, locale: Locale): string {
  const entry = list?.find((item) => item.code === code);
  if (!entry) return code;
  return locale === 'en' ? (entry.labelEn ?? entry.label) : entry.label;
}
