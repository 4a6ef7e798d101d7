import { create } from 'zustand';
import type { KpiChange, KpiScorecard, KpiWhatIf } from '../../../main/common/channels/kpi';
import type { Result } from '../../../main/common/contract';
import { call, toFailure, type Failure } from '../../api';

/**
 * This PC's month, YYYY-MM: the picker's first guess. The core's answer says the center's
 * month (KpiScorecard.currentMonth, settings.kpi's offset), which wins from then on.
 */
export function currentMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

export interface KpiWhatIfState {
  calls: number;
  seconds: number;
  /** The fact whose delta is imagined ('' none); one of the shown card's facts (whatIfFacts). */
  fact: string;
  /** The delta as typed: an integer, |delta| ≤ MAX_FACT_DELTA (factDeltaOf). */
  factDelta: string;
  pending: boolean;
  result: KpiWhatIf | null;
  /** What the result was worked out for. */
  asked: KpiChange | null;
  error: Failure | null;
}

/** The contract's bound on a fact delta (KpiChangeSchema). */
export const MAX_FACT_DELTA = 1_000_000;

/** A fact delta as typed, or null when it is no integer within the contract's bound; '' is 0. */
export function factDeltaOf(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  if (!/^[-+]?\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return Math.abs(n) <= MAX_FACT_DELTA ? n : null;
}

/**
 * The facts the shown scorecard is computed from (its metrics' inputs), each with the
 * metrics that use it, in the card's order: what a what-if fact delta may name.
 */
export function whatIfFacts(card: KpiScorecard | null): Array<{ fact: string; metrics: KpiScorecard['metrics'] }> {
  const byFact = new Map<string, KpiScorecard['metrics']>();
  for (const metric of card?.metrics ?? []) {
    for (const { fact } of metric.inputs) {
      const users = byFact.get(fact) ?? [];
      if (!users.includes(metric)) users.push(metric);
      byFact.set(fact, users);
    }
  }
  return [...byFact].map(([fact, metrics]) => ({ fact, metrics }));
}

/**
 * The change the form states: the fact's delta when one is chosen and not 0, the calls line
 * unless it is 0 beside such a delta (alone it is sent as it stands, as before); null when
 * the delta is not a valid one.
 */
export function whatIfChange(whatIf: KpiWhatIfState, card: KpiScorecard | null): KpiChange | null {
  const delta = factDeltaOf(whatIf.factDelta);
  const fact = whatIfFacts(card).some((f) => f.fact === whatIf.fact) ? whatIf.fact : '';
  if (fact !== '' && delta === null) return null;
  const facts = fact !== '' && delta ? { facts: { [fact]: delta } } : {};
  const calls = whatIf.calls > 0 || !facts.facts ? { answeredWithinSeconds: { calls: whatIf.calls, seconds: whatIf.seconds } } : {};
  return { ...calls, ...facts };
}

export interface KpiData {
  open: boolean;
  month: string;
  /** The agent chose `month` in the picker: the center's current month no longer replaces it. */
  monthPicked: boolean;
  /** The center's month now, as the core last said; null until the first scorecard. */
  centerMonth: string | null;
  /** The profile scored; null is the core's default (customer-service). */
  profileId: string | null;
  profiles: KpiProfileName[];
  card: KpiScorecard | null;
  loading: boolean;
  error: Failure | null;
  /** The metric whose inputs and provenance are shown. */
  selected: string | null;
  whatIf: KpiWhatIfState;
  /** The overall of the last months up to `month`, oldest first; null until read (or when it could not be). */
  trend: KpiTrendPoint[] | null;
  /** The call-log drill-down for `month`: the calls counted; null until asked for. */
  calls: KpiCalls | null;
  callsError: Failure | null;
}

/** The drill-down's calls, as the contract states them. */
export type KpiCalls = Result<'kpi.calls'>;

/** Calls shown in the drill-down. */
export const DRILL_DOWN_CALLS = 100;

export interface KpiProfileName {
  id: string;
  names: { 'zh-CN': string; en: string };
}

export type KpiTrendPoint = Result<'kpi.trend'>[number];

/** Months on the trend line. */
export const TREND_MONTHS = 6;

export interface KpiState extends KpiData {
  show(): void;
  hide(): void;
  setMonth(month: string): Promise<void>;
  setProfile(profileId: string): Promise<void>;
  load(): Promise<void>;
  select(id: string | null): void;
  loadCalls(): Promise<void>;
  setWhatIf(change: Partial<Pick<KpiWhatIfState, 'calls' | 'seconds' | 'fact' | 'factDelta'>>): void;
  runWhatIf(): Promise<void>;
  /** A call ended: the open scorecard of the current month is read again, so today's progress moves. */
  callEnded(): void;
}

export const initialKpi: KpiData = {
  open: false,
  month: currentMonth(),
  monthPicked: false,
  centerMonth: null,
  profileId: null,
  profiles: [],
  card: null,
  loading: false,
  error: null,
  selected: null,
  whatIf: { calls: 10, seconds: 8, fact: '', factDelta: '', pending: false, result: null, asked: null, error: null },
  trend: null,
  calls: null,
  callsError: null,
};

export const useKpiStore = create<KpiState>()((set, get) => {
  let generation = 0;
  return {
    ...initialKpi,

    show: () => {
      set({ open: true });
      void get().load();
      // The picker is a convenience: without the list the default profile still shows.
      if (get().profiles.length === 0) call('kpi.profiles', {}).then((profiles) => set({ profiles }), () => undefined);
    },
    hide: () => set({ open: false }),

    setMonth: async (month) => {
      set((state) => ({ month, monthPicked: true, selected: null, whatIf: { ...state.whatIf, result: null, error: null } }));
      await get().load();
    },

    setProfile: async (profileId) => {
      set((state) => ({ profileId, selected: null, whatIf: { ...state.whatIf, result: null, error: null } }));
      await get().load();
    },

    load: async () => {
      const mine = ++generation;
      const { month, profileId } = get();
      const profile = profileId === null ? {} : { profileId };
      set({ loading: true, error: null, calls: null, callsError: null });
      // The trend is a picture beside the numbers: a failure leaves it out, never the scorecard.
      call('kpi.trend', { month, months: TREND_MONTHS, ...profile }).then(
        (trend) => mine === generation && set({ trend }),
        () => mine === generation && set({ trend: null }),
      );
      try {
        const card = await call('kpi.scorecard', { month, ...profile });
        // A month picked while this one was in flight wins.
        if (mine !== generation) return;
        set({ card, loading: false, centerMonth: card.currentMonth });
        // This PC's zone guessed another month than the center's (near midnight on the 1st): show the center's.
        if (!get().monthPicked && card.currentMonth !== month) {
          set({ month: card.currentMonth });
          await get().load();
        }
      } catch (error) {
        if (mine === generation) set({ error: toFailure(error), loading: false });
      }
    },

    loadCalls: async () => {
      const mine = generation;
      const { month } = get();
      set({ callsError: null });
      try {
        const calls = await call('kpi.calls', { month, limit: DRILL_DOWN_CALLS });
        if (mine === generation) set({ calls });
      } catch (error) {
        if (mine === generation) set({ callsError: toFailure(error) });
      }
    },

    select: (id) => set((state) => ({ selected: state.selected === id ? null : id })),

    setWhatIf: (change) => set((state) => ({ whatIf: { ...state.whatIf, ...change, result: null, error: null } })),

    runWhatIf: async () => {
      const { month, whatIf, profileId, card } = get();
      const change = whatIfChange(whatIf, card);
      // The form does not run with a delta that is no integer within bounds.
      if (change === null) return;
      set({ whatIf: { ...whatIf, pending: true, error: null } });
      try {
        const result = await call('kpi.whatIf', { month, ...(profileId === null ? {} : { profileId }), change });
        set((state) => ({ whatIf: { ...state.whatIf, pending: false, result, asked: change } }));
      } catch (error) {
        set((state) => ({ whatIf: { ...state.whatIf, pending: false, error: toFailure(error) } }));
      }
    },

    callEnded: () => {
      const { open, month, centerMonth } = get();
      if (open && month === (centerMonth ?? currentMonth())) {
        // An open list of the month's calls stays open and gains the call that just ended.
        const callsShown = get().calls !== null;
        set((state) => ({ whatIf: { ...state.whatIf, result: null } }));
        void get()
          .load()
          .then(() => (callsShown ? get().loadCalls() : undefined));
      }
    },
  };
});
