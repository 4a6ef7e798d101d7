import type { SqlExecutor } from '../../store/database';
import type { MonthFacts } from '../facts';
import { agentStateFacts } from './agent-state-facts';
import { callbackFacts, type CallbackStatsSource } from './callback-facts';
import { callLogFacts } from './call-log-facts';
import { monthWindow } from './month-window';

export interface StoreFactsRequest {
  agent: string;
  /** YYYY-MM, local. */
  month: string;
  utcOffsetMinutes: number;
  nowMs: number;
}

/**
 * The facts Zuoxi's own store can give for one agent's month. Everything else (survey,
 * complaints, QA, exams, training, supervisor, sales, the team's N1) is imported and
 * merged on top by the caller; a fact nobody supplied stays absent and the profile's
 * unavailable rule decides its score.
 */
export async function storeFacts(db: SqlExecutor, callbacks: CallbackStatsSource, request: StoreFactsRequest): Promise<MonthFacts> {
  const window = monthWindow(request.month, request.utcOffsetMinutes);
  const readAt = new Date(request.nowMs).toISOString();
  // Sequential on purpose: node-sqlite3 runs one statement at a time per connection anyway.
  const calls = await callLogFacts(db, window, readAt);
  const state = await agentStateFacts(db, request.agent, window, request.nowMs, readAt);
  const callbackFigures = await callbackFacts(callbacks, window, readAt);
  return { agent: request.agent, month: request.month, facts: { ...calls, ...state, ...callbackFigures } };
}
