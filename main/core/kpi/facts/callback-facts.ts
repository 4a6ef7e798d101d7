import type { MonthFacts } from '../facts';
import type { MonthWindow } from './month-window';

/**
 * What metrics 7 and 8 need from the callbacks service. The definition of "made" and
 * "effective" (reached by the deadline; resolved) lives in one place,
 * CallbackService.callbackStats, which this interface matches, so the scorecard and the
 * callbacks screen can never disagree.
 */
export interface CallbackStatsSource {
  callbackStats(from: string, to: string): Promise<{ required: number; done: number; effective: number }>;
}

export async function callbackFacts(source: CallbackStatsSource, window: MonthWindow, readAt: string): Promise<MonthFacts['facts']> {
  const stats = await source.callbackStats(window.fromIso, window.toIso);
  const provenance = { source: 'callbacks' as const, importedAt: readAt, ref: `work-order callbacks with deadline in [${window.fromIso}, ${window.toIso})` };
  return {
    callbacksRequired: { value: stats.required, provenance },
    callbacksMade: { value: stats.done, provenance },
    callbacksEffective: { value: stats.effective, provenance },
  };
}
