import { create } from 'zustand';
import type { KpiFactImport, KpiFactImportReport } from '../../../main/common/channels/kpi';
import type { SettingsView } from '../../../main/common/domain';
import { ApiError, call, toFailure, type Failure } from '../../api';
import { readFileAsBase64 } from '../../api/read-file';
import { useSettingsStore } from '../settings/store';
import { useKpiStore } from './store';

/** The contract caps a facts file's base64 at 10 MB, about 7 MB of file. */
export const MAX_FACTS_FILE_BYTES = 7 * 1024 * 1024;

/** Imports listed under "where the numbers come from". */
export const LISTED_IMPORTS = 10;

/** Opening the scorecard fetches its month from the center again once the last fetch is this old. */
export const REFETCH_AFTER_MS = 60 * 60 * 1000;

export interface KpiFactsData {
  /** The newest imports; null until read. */
  imports: KpiFactImport[] | null;
  /** What is being taken in: a file name, or the month being fetched. */
  pending: { kind: 'csv'; fileName: string } | { kind: 'rest'; month: string } | null;
  /** The last import's report, until dismissed or the next one. */
  report: KpiFactImportReport | null;
  error: Failure | null;
}

export interface KpiFactsState extends KpiFactsData {
  loadImports(): Promise<void>;
  /**
   * The section opened: the imports are read, and when the center's endpoint is set
   * (settings.kpi.factsEndpoint) the month is fetched unless it was within REFETCH_AFTER_MS,
   * so the agent sees today's survey and QA figures without pressing anything.
   */
  opened(): Promise<void>;
  importFile(file: File): Promise<void>;
  /** Fetches the scorecard's month from the center's endpoint (settings.kpi.factsEndpoint). */
  fetchMonth(): Promise<void>;
  dismiss(): void;
}

export const initialKpiFacts: KpiFactsData = { imports: null, pending: null, report: null, error: null };

/**
 * Facts from outside Zuoxi (surveys, complaints, QA, exams, the team's N1…) taken in from
 * the scorecard. After a good import the scorecard is read again, so the agent sees at
 * once which numbers the file moved.
 */
export const useKpiFactsStore = create<KpiFactsState>()((set, get) => {
  const take = async (pending: NonNullable<KpiFactsData['pending']>, run: () => Promise<KpiFactImportReport>) => {
    if (get().pending) return;
    set({ pending, error: null, report: null });
    try {
      const report = await run();
      set({ report, pending: null });
      void get().loadImports();
      void useKpiStore.getState().load();
    } catch (error) {
      set({ error: toFailure(error), pending: null });
    }
  };
  return {
    ...initialKpiFacts,

    loadImports: async () => {
      try {
        set({ imports: await call('kpi.factImports', { limit: LISTED_IMPORTS }) });
      } catch {
        // The list is a convenience beside the provenance each number carries itself.
        set({ imports: null });
      }
    },

    opened: async () => {
      await get().loadImports();
      if (!centerEndpointSet(useSettingsStore.getState().view)) return;
      const { month } = useKpiStore.getState();
      const fetchedLately = (get().imports ?? []).some(
        (item) => item.kind === 'rest' && item.months.includes(month) && Date.now() - Date.parse(item.importedAt) < REFETCH_AFTER_MS,
      );
      if (!fetchedLately) await get().fetchMonth();
    },

    importFile: (file) =>
      take({ kind: 'csv', fileName: file.name }, async () => {
        if (file.size > MAX_FACTS_FILE_BYTES) {
          throw new ApiError('invalid_input', `${file.name} is ${Math.ceil(file.size / 1024 / 1024)} MB; a facts file is at most 7 MB`);
        }
        return call('kpi.importFacts', { fileName: file.name, contentBase64: await readFileAsBase64(file) });
      }),

    fetchMonth: () => {
      const month = useKpiStore.getState().month;
      return take({ kind: 'rest', month }, () => call('kpi.fetchFacts', { month }));
    },

    dismiss: () => set({ report: null, error: null }),
  };
});

function centerEndpointSet(view: SettingsView | null): boolean {
  const kpi = view?.values.kpi?.value;
  return typeof kpi === 'object' && kpi !== null && 'factsEndpoint' in kpi && kpi.factsEndpoint !== null && kpi.factsEndpoint !== undefined;
}
