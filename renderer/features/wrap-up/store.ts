import { create } from 'zustand';
import type { FieldProblem, SavedWorkOrder, SavedWrapUp, WorkOrderInput } from '../../../main/common/channels/work';
import type { CallSummary } from '../../../main/common/domain';
import { call, toFailure, type Failure } from '../../api';
import { useAgentStore } from '../agent/store';

export interface WrapUpInput {
  disposition: string;
  notes: string;
  /** null: no work order with this call. */
  workOrder: WorkOrderInput | null;
}

export interface WrapUpData {
  /** The call the problems / saved answer / error below belong to. */
  callId: string | null;
  pending: boolean;
  /** Every field's problem from the last refused save, shown beside the field. */
  problems: FieldProblem[];
  saved: { wrapUp: SavedWrapUp; workOrder: SavedWorkOrder | null } | null;
  error: Failure | null;
  /** Calls whose form the agent closed. */
  closed: string[];
  /**
   * The last customer call that was answered and ended, with its number: its form stays
   * until the agent closes it, even when the next call rings (centres without a wrap-up state).
   */
  ended: { callId: string; number: string } | null;
}

export interface WrapUpState extends WrapUpData {
  save(callId: string, input: WrapUpInput): Promise<boolean>;
  close(callId: string): void;
  /** A calls.changed push for a call that ended. */
  noteEnded(call: CallSummary): void;
}

export const initialWrapUp: WrapUpData = { callId: null, pending: false, problems: [], saved: null, error: null, closed: [], ended: null };

export const useWrapUpStore = create<WrapUpState>()((set, get) => ({
  ...initialWrapUp,

  save: async (callId, input) => {
    if (get().pending) return false;
    const fresh = get().callId !== callId;
    set({ callId, pending: true, error: null, ...(fresh ? { problems: [], saved: null } : {}) });
    try {
      const result = await call('wrapup.save', { callId, disposition: input.disposition, notes: input.notes, workOrder: input.workOrder });
      if (!result.saved) {
        set({ pending: false, problems: result.problems });
        return false;
      }
      set({ pending: false, problems: [], saved: { wrapUp: result.wrapUp, workOrder: result.workOrder } });
      // The disposition is in: the agent may leave wrap-up now.
      void useAgentStore.getState().refresh();
      return true;
    } catch (error) {
      set({ pending: false, error: toFailure(error) });
      return false;
    }
  },

  noteEnded: (call) => {
    // A consult call is a colleague; an unanswered call has nothing to wrap up.
    if (call.consultFor !== null || call.answerAt === null) return;
    set({ ended: { callId: call.id, number: call.remote.withheld ? '' : (call.remote.e164 ?? call.remote.number ?? '') } });
  },

  close: (callId) => set((state) => ({ closed: [...state.closed, callId], ...(state.callId === callId ? { problems: [], saved: null, error: null } : {}) })),
}));
