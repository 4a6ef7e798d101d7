import type { AgentState } from '../../../../main/common/domain';
import { checkFloorRules, type FloorRule } from '../../../../main/core/work/schedule/floor-rules';

// One shift, 09:00–18:00 (UTC here: the checker works on instants), and the log as a table.
const day = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00.000Z`);
const shift = { id: 1, agent: '8001', date: '2026-03-02', startMs: day('09:00'), endMs: day('18:00') };
const approvedReasons = new Set(['lunch', 'training', 'meeting']);

type Entry = [string, AgentState, string?];
const log = (entries: Entry[]) => entries.map(([at, state, reason]) => ({ state, reason: reason ?? null, atMs: day(at) }));

const cases: { name: string; entries: Entry[]; now: string; flags: [FloorRule, string, number][] }[] = [
  { name: 'on time, stays all day', entries: [['08:55', 'ready'], ['18:05', 'logged_out']], now: '20:00', flags: [] },
  { name: 'logged in the evening before and never out: on time', entries: [['08:00', 'ready']], now: '20:00', flags: [] },
  { name: 'late by 12 minutes', entries: [['09:12', 'ready'], ['18:00', 'logged_out']], now: '20:00', flags: [['late', '09:12', 12]] },
  { name: 'leaves at 17:30', entries: [['08:58', 'ready'], ['17:30', 'logged_out']], now: '20:00', flags: [['early_leave', '17:30', 30]] },
  { name: 'late and leaves early', entries: [['09:01', 'ready'], ['17:59', 'logged_out']], now: '20:00', flags: [['late', '09:01', 1], ['early_leave', '17:59', 1]] },
  { name: 'never logs in: post left empty', entries: [], now: '20:00', flags: [['post_left_empty', '09:00', 540]] },
  { name: 'logged in only before and after the shift: post left empty', entries: [['07:00', 'ready'], ['08:00', 'logged_out'], ['18:30', 'ready']], now: '20:00', flags: [['post_left_empty', '09:00', 540]] },
  { name: 'shift still running, not yet logged in: nothing yet', entries: [], now: '10:00', flags: [] },
  { name: 'shift still running: late is flagged, early leave not yet', entries: [['09:30', 'ready'], ['11:00', 'logged_out']], now: '12:00', flags: [['late', '09:30', 30]] },
  { name: 'a 10-minute break is allowed', entries: [['08:50', 'ready'], ['10:00', 'not_ready', 'break'], ['10:10', 'ready']], now: '20:00', flags: [] },
  { name: 'an 11-minute break is away', entries: [['08:50', 'ready'], ['10:00', 'not_ready', 'break'], ['10:11', 'ready']], now: '20:00', flags: [['away', '10:00', 11]] },
  { name: 'lunch (approved) for an hour is not away', entries: [['08:50', 'ready'], ['12:00', 'not_ready', 'lunch'], ['13:00', 'ready']], now: '20:00', flags: [] },
  { name: 'break then other, back to back, is one stretch', entries: [['08:50', 'ready'], ['10:00', 'not_ready', 'break'], ['10:06', 'not_ready', 'other'], ['10:12', 'ready']], now: '20:00', flags: [['away', '10:00', 12]] },
  { name: 'two long breaks are two flags', entries: [['08:50', 'ready'], ['10:00', 'not_ready', 'break'], ['10:20', 'ready'], ['15:00', 'not_ready', 'break'], ['15:15', 'ready']], now: '20:00', flags: [['away', '10:00', 20], ['away', '15:00', 15]] },
  { name: 'logged out for half an hour mid-shift and back is away', entries: [['08:50', 'ready'], ['11:00', 'logged_out'], ['11:30', 'ready']], now: '20:00', flags: [['away', '11:00', 30]] },
  { name: 'calls and wrap-up are at the seat', entries: [['08:50', 'ready'], ['10:00', 'ringing'], ['10:00', 'on_call'], ['10:40', 'wrap_up'], ['10:55', 'ready']], now: '20:00', flags: [] },
  { name: 'a break still running past 10 minutes is flagged now', entries: [['08:50', 'ready'], ['10:00', 'not_ready', 'break']], now: '10:25', flags: [['away', '10:00', 25]] },
];

describe('floor rules against the state log', () => {
  it.each(cases)('$name', ({ entries, now, flags }) => {
    const found = checkFloorRules([shift], log(entries), { approvedReasons, nowMs: day(now) });
    expect(found.map((flag) => [flag.rule, flag.at.slice(11, 16), flag.minutes])).toEqual(flags);
  });

  it('gives the seed’s demerits: late −1, early leave −2, post left empty −3, away −1', () => {
    const points = (entries: Entry[]) => checkFloorRules([shift], log(entries), { approvedReasons, nowMs: day('23:00') }).map((flag) => [flag.rule, flag.points]);
    expect(points([['09:05', 'ready'], ['17:00', 'logged_out']])).toEqual([
      ['late', -1],
      ['early_leave', -2],
    ]);
    expect(points([])).toEqual([['post_left_empty', -3]]);
    expect(points([['08:00', 'ready'], ['09:30', 'not_ready', 'break'], ['10:00', 'ready']])).toEqual([['away', -1]]);
  });

  it('honours a grace period for late and early', () => {
    const found = checkFloorRules([shift], log([['09:04', 'ready'], ['17:57', 'logged_out']]), { approvedReasons, nowMs: day('23:00'), graceMinutes: 5 });
    expect(found).toEqual([]);
  });
});
