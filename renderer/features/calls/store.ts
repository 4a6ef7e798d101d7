import { create } from 'zustand';
import type { CallSummary } from '../../../main/common/domain';
import { call, toFailure, type Failure } from '../../api';
import { consultOf, isDiallable, type CallAction } from './call-rules';

/** An action on one call the agent is waiting for, and the last one that failed. */
export interface CallActionState {
  pending: Partial<Record<CallAction, true>>;
  error: { action: CallAction; failure: Failure } | null;
}

export interface DialState {
  pending: boolean;
  /** What is being dialled (shown while the agent's phone and the customer ring). */
  number: string | null;
  error: Failure | null;
}

export interface CallsData {
  /** Calls in progress (never ended ones), oldest first, as the core orders them. */
  calls: CallSummary[];
  /** `calls.list` has answered at least once. */
  loaded: boolean;
  loadError: Failure | null;
  /** Per call id. */
  actions: Record<string, CallActionState>;
  dial: DialState;
  /** The call that left the bar last, for a one-line "ended: why" the agent can dismiss. */
  lastEnded: CallSummary | null;
  /** Ids of calls that ended, so a late reply or a racing list cannot bring one back. */
  endedIds: ReadonlySet<string>;
  /** A number from a tel:/sip: link, waiting for the dial pad to be free; the agent presses Call. */
  dialRequest: { number: string; seq: number } | null;
}

/** What a summary did to the bar; the push wiring pops the caller card from it. */
export interface CallUpdate {
  kind: 'ignored' | 'added' | 'changed' | 'ended';
  /**
   * `ring`: a call started ringing (or was dialled) — show its caller.
   * `card`: the caller's card arrived after the first ringing push (a slow lookup).
   * `update`: the call was pushed again with a different card (a CRM connector answered
   * after the lookup deadline, or failed): the card shown for it is updated in place.
   */
  pop: 'ring' | 'card' | 'update' | null;
}

export interface CallsState extends CallsData {
  /** Reads the calls in progress (start-up, reconnect); pushes that raced it win. */
  load(): Promise<void>;
  /** A `calls.changed` push, or an action's reply. */
  applyCall(summary: CallSummary): CallUpdate;
  answer(callId: string): Promise<void>;
  reject(callId: string, reason?: 'busy' | 'decline'): Promise<void>;
  hangup(callId: string): Promise<void>;
  hold(callId: string): Promise<void>;
  resume(callId: string): Promise<void>;
  dtmf(callId: string, digits: string): Promise<void>;
  transfer(callId: string, target: string): Promise<boolean>;
  consult(callId: string, target: string): Promise<boolean>;
  completeTransfer(callId: string): Promise<void>;
  dialNumber(number: string): Promise<boolean>;
  /** A tel:/sip: link asked to dial: the dial pad takes the number when it is free. */
  requestDial(number: string): void;
  /** The dial pad took the requested number. */
  takeDialRequest(seq: number): void;
  dismissError(callId: string): void;
  dismissDialError(): void;
  dismissEnded(): void;
}

const idleDial: DialState = { pending: false, number: null, error: null };

export const initialCalls: CallsData = {
  calls: [],
  loaded: false,
  loadError: null,
  actions: {},
  dial: idleDial,
  lastEnded: null,
  endedIds: new Set(),
  dialRequest: null,
};

const noAction: CallActionState = { pending: {}, error: null };
/** How many ended ids are remembered; a shift is long, and only recent ones can still race. */
const ENDED_MEMORY = 500;

export const useCallsStore = create<CallsState>()((set, get) => {
  // Summaries pushed while calls.list is in flight: newer than the list's snapshot.
  let racing: Map<string, CallSummary> | null = null;
  let loadSeq = 0;

  function patchAction(callId: string, patch: (current: CallActionState) => CallActionState): void {
    set((state) => {
      // A call that has left the bar keeps no action state.
      if (!state.calls.some((c) => c.id === callId) && !state.actions[callId]) return state;
      return { actions: { ...state.actions, [callId]: patch(state.actions[callId] ?? noAction) } };
    });
  }

  /** Runs one action on a call: pending while it runs, its reply applied, its failure kept. */
  async function act(callId: string, action: CallAction, run: () => Promise<CallSummary>): Promise<boolean> {
    if (get().actions[callId]?.pending[action]) return false;
    patchAction(callId, (current) => ({ pending: { ...current.pending, [action]: true }, error: null }));
    try {
      const summary = await run();
      patchAction(callId, (current) => ({ ...current, pending: without(current.pending, action) }));
      get().applyCall(summary);
      return true;
    } catch (error) {
      patchAction(callId, (current) => ({ pending: without(current.pending, action), error: { action, failure: toFailure(error) } }));
      return false;
    }
  }

  return {
    ...initialCalls,

    load: async () => {
      const seq = ++loadSeq;
      racing = new Map();
      try {
        const listed = await call('calls.list', {});
        if (seq !== loadSeq) return;
        const pushed = racing;
        racing = null;
        const ended = get().endedIds;
        const byId = new Map<string, CallSummary>();
        for (const summary of listed) if (!ended.has(summary.id)) byId.set(summary.id, summary);
        for (const summary of pushed.values()) {
          if (summary.state === 'ended' || ended.has(summary.id)) byId.delete(summary.id);
          else byId.set(summary.id, summary);
        }
        const calls = [...byId.values()];
        set((state) => ({ calls, loaded: true, loadError: null, actions: keep(state.actions, calls) }));
      } catch (error) {
        if (seq !== loadSeq) return;
        racing = null;
        set({ loadError: toFailure(error) });
      }
    },

    applyCall: (summary) => {
      racing?.set(summary.id, summary);
      if (get().endedIds.has(summary.id)) return { kind: 'ignored', pop: null };
      const { calls } = get();
      const index = calls.findIndex((c) => c.id === summary.id);
      const previous = index >= 0 ? calls[index] : undefined;

      if (summary.state === 'ended') {
        set((state) => ({
          calls: state.calls.filter((c) => c.id !== summary.id),
          actions: without(state.actions, summary.id),
          lastEnded: summary,
          endedIds: remember(state.endedIds, summary.id),
        }));
        return { kind: 'ended', pop: null };
      }

      set((state) =>
        previous
          ? { calls: state.calls.map((c) => (c.id === summary.id ? summary : c)) }
          : // A new call makes the last ended one old news.
            { calls: [...state.calls, summary], lastEnded: null },
      );

      let pop: CallUpdate['pop'] = null;
      if (!previous) {
        // Normally first seen ringing (or dialling); after a lost link, maybe already talking.
        // A consult call is a colleague, not a customer: the card stays on the customer.
        if (summary.consultFor === null) pop = 'ring';
      } else if (previous && !previous.card && summary.card && summary.state === 'ringing') {
        pop = 'card';
      } else if (previous?.card && summary.card && summary.consultFor === null && !sameJson(previous.card, summary.card)) {
        pop = 'update';
      }
      return { kind: previous ? 'changed' : 'added', pop };
    },

    answer: async (callId) => void (await act(callId, 'answer', () => call('calls.answer', { callId }))),
    reject: async (callId, reason = 'busy') => void (await act(callId, 'reject', () => call('calls.reject', { callId, reason }))),
    hangup: async (callId) => void (await act(callId, 'hangup', () => call('calls.hangup', { callId }))),
    hold: async (callId) => void (await act(callId, 'hold', () => call('calls.hold', { callId, hold: true }))),
    resume: async (callId) => void (await act(callId, 'resume', () => call('calls.hold', { callId, hold: false }))),
    dtmf: async (callId, digits) => void (await act(callId, 'dtmf', () => call('calls.dtmf', { callId, digits }))),
    transfer: (callId, target) => act(callId, 'transfer', () => call('calls.transfer', { callId, target: target.trim() })),
    consult: (callId, target) => act(callId, 'consult', () => call('calls.consult', { callId, target: target.trim() })),

    completeTransfer: async (callId) => {
      const parent = get().calls.find((c) => c.id === callId);
      const consult = parent && consultOf(parent, get().calls);
      if (!consult) return;
      await act(callId, 'completeTransfer', () => call('calls.completeTransfer', { callId, consultCallId: consult.id }));
    },

    dialNumber: async (raw) => {
      const number = raw.trim();
      if (!number || get().dial.pending) return false;
      set({ dial: { pending: true, number, error: null } });
      try {
        // The core answers at once with the call dialling; its pushes tell the rest.
        const summary = await call('calls.dial', { number });
        set({ dial: idleDial });
        get().applyCall(summary);
        return summary.state !== 'ended';
      } catch (error) {
        set({ dial: { pending: false, number, error: toFailure(error) } });
        return false;
      }
    },

    requestDial: (raw) => {
      const number = raw.trim();
      // The shell parsed the link already; a number the contract would refuse is dropped here too.
      if (!isDiallable(number)) return;
      set((state) => ({ dialRequest: { number, seq: (state.dialRequest?.seq ?? 0) + 1 } }));
    },

    takeDialRequest: (seq) => set((state) => (state.dialRequest?.seq === seq ? { dialRequest: null } : state)),

    dismissError: (callId) => patchAction(callId, (current) => ({ ...current, error: null })),
    dismissDialError: () => set((state) => ({ dial: { ...state.dial, error: null } })),
    dismissEnded: () => set({ lastEnded: null }),
  };
});

/** Pushes are parsed afresh each time: equal cards are equal in content, not identity. */
function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function remember(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = [...ids, id];
  return new Set(next.length > ENDED_MEMORY ? next.slice(-ENDED_MEMORY) : next);
}

function without<T extends object>(record: T, key: string): T {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete (copy as Record<string, unknown>)[key];
  return copy;
}

function keep(actions: Record<string, CallActionState>, calls: CallSummary[]): Record<string, CallActionState> {
  const ids = new Set(calls.map((c) => c.id));
  return Object.fromEntries(Object.entries(actions).filter(([id]) => ids.has(id)));
}
