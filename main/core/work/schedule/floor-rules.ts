import type { AgentState } from '../../../common/domain';

// The seed's floor rules (第三篇 二) that the agent-state log can prove, checked against
// the shift schedule. Pure: the schedule service feeds it rows and the time; tests feed
// it tables.

export const FLOOR_RULES = {
  late: { points: -1 },
  early_leave: { points: -2 },
  post_left_empty: { points: -3 },
  away: { points: -1 },
} as const;
export type FloorRule = keyof typeof FLOOR_RULES;

/** "Away from the seat over 10 minutes without permission". */
export const AWAY_LIMIT_MINUTES = 10;

export interface ShiftWindow {
  id: number;
  agent: string;
  /** The date as the schedule names it (YYYY-MM-DD), for the screen. */
  date: string;
  startMs: number;
  endMs: number;
}

export interface StateLogEntry {
  state: AgentState;
  reason: string | null;
  atMs: number;
}

export interface FloorFlag {
  rule: FloorRule;
  agent: string;
  shiftId: number;
  date: string;
  /** When it happened: the late log-in, the early log-out, the start of the empty shift or of the absence (ISO). */
  at: string;
  /** Late by / left early by / away for, in whole minutes; the shift's length for an empty post. */
  minutes: number;
  /** The seed's demerit for it (negative). */
  points: number;
}

export interface FloorRuleOptions {
  /** Not-ready reason codes that are planned (lunch, training, meeting): never "away". */
  approvedReasons: ReadonlySet<string>;
  /** Minutes of slack before a log-in counts as late or a log-out as early. Default 0. */
  graceMinutes?: number;
  /** Now: a shift still running is judged only on what has happened so far. */
  nowMs: number;
}

interface Segment {
  state: AgentState;
  reason: string | null;
  from: number;
  to: number;
}

const MINUTE = 60_000;

/**
 * Flags for each shift, from the agent's state log (`log` oldest first, including the
 * last entry before the earliest shift so the state at its start is known):
 *
 * - post_left_empty: the shift is over and the agent was never logged in during it.
 * - late: the first log-in of the shift came after its start (+ grace); logged in before
 *   the start is on time.
 * - early_leave: the shift is over, and the agent logged out before its end (− grace) and
 *   did not come back.
 * - away: a stretch within the shift of not ready for an unapproved reason — or logged out
 *   and back again — longer than 10 minutes; one flag per stretch.
 */
export function checkFloorRules(shifts: readonly ShiftWindow[], log: readonly StateLogEntry[], options: FloorRuleOptions): FloorFlag[] {
  const grace = (options.graceMinutes ?? 0) * MINUTE;
  const timeline = segments(log, options.nowMs);
  const flags: FloorFlag[] = [];
  for (const shift of shifts) {
    if (shift.startMs >= options.nowMs) continue;
    const until = Math.min(shift.endMs, options.nowMs);
    const over = options.nowMs >= shift.endMs;
    const inShift = clip(timeline, shift.startMs, until);
    const flag = (rule: FloorRule, atMs: number, minutes: number) =>
      flags.push({ rule, agent: shift.agent, shiftId: shift.id, date: shift.date, at: new Date(atMs).toISOString(), minutes, points: FLOOR_RULES[rule].points });

    const loggedIn = inShift.filter((segment) => segment.state !== 'logged_out');
    if (loggedIn.length === 0) {
      if (over) flag('post_left_empty', shift.startMs, Math.round((shift.endMs - shift.startMs) / MINUTE));
      continue;
    }
    const firstLogin = loggedIn[0]!.from;
    if (firstLogin > shift.startMs + grace) flag('late', firstLogin, Math.round((firstLogin - shift.startMs) / MINUTE));

    const lastLoggedIn = loggedIn[loggedIn.length - 1]!;
    if (over && lastLoggedIn.to < shift.endMs - grace) flag('early_leave', lastLoggedIn.to, Math.round((shift.endMs - lastLoggedIn.to) / MINUTE));

    // Stretches away: unapproved not-ready, or logged out between two log-ins of the shift.
    let runStart: number | null = null;
    let runEnd = 0;
    const closeRun = () => {
      if (runStart !== null && runEnd - runStart > AWAY_LIMIT_MINUTES * MINUTE) flag('away', runStart, Math.round((runEnd - runStart) / MINUTE));
      runStart = null;
    };
    for (const segment of inShift) {
      const away =
        (segment.state === 'not_ready' && !options.approvedReasons.has(segment.reason ?? '')) ||
        (segment.state === 'logged_out' && segment.from > firstLogin && segment.to <= lastLoggedIn.from);
      if (away) {
        if (runStart === null) runStart = segment.from;
        runEnd = segment.to;
      } else closeRun();
    }
    closeRun();
  }
  // In the order they happened, shift by shift: how the screen lists a day.
  return flags.sort((a, b) => a.shiftId === b.shiftId ? a.at.localeCompare(b.at) : shifts.findIndex((s) => s.id === a.shiftId) - shifts.findIndex((s) => s.id === b.shiftId));
}

/** The log as back-to-back stretches up to `nowMs`; logged out before the first entry. */
function segments(log: readonly StateLogEntry[], nowMs: number): Segment[] {
  const result: Segment[] = [];
  let current: Segment = { state: 'logged_out', reason: null, from: Number.NEGATIVE_INFINITY, to: nowMs };
  for (const entry of log) {
    if (entry.atMs > nowMs) break;
    current.to = entry.atMs;
    if (current.to > current.from) result.push(current);
    current = { state: entry.state, reason: entry.reason, from: entry.atMs, to: nowMs };
  }
  if (current.to > current.from) result.push(current);
  return result;
}

function clip(timeline: readonly Segment[], from: number, to: number): Segment[] {
  return timeline
    .filter((segment) => segment.to > from && segment.from < to)
    .map((segment) => ({ ...segment, from: Math.max(segment.from, from), to: Math.min(segment.to, to) }));
}
