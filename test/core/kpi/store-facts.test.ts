// The store's fact providers over the real schema (migrations 2, 6, 7), end to end into the engine.
import { scoreMonth } from '../../../main/core/kpi/engine';
import { agentStateFacts } from '../../../main/core/kpi/facts/agent-state-facts';
import { callLogFacts } from '../../../main/core/kpi/facts/call-log-facts';
import { monthWindow } from '../../../main/core/kpi/facts/month-window';
import { storeFacts } from '../../../main/core/kpi/facts/store-facts';
import { customerServiceProfile } from '../../../main/core/kpi/profiles';
import { checkFloorRules } from '../../../main/core/work/schedule/floor-rules';
import { openTempStore, type TempStore } from '../store/temp-store';

const HOUR = 3_600_000;
// October 2026 in China Standard Time starts at 2026-09-30T16:00Z.
const OCT = monthWindow('2026-10', 480);

describe('monthWindow', () => {
  it('is the local calendar month in UTC instants', () => {
    expect([OCT.fromIso, OCT.toIso]).toEqual(['2026-09-30T16:00:00.000Z', '2026-10-31T16:00:00.000Z']);
    expect(monthWindow('2026-12', 0).toIso).toBe('2027-01-01T00:00:00.000Z');
    expect(() => monthWindow('2026-13', 0)).toThrow(/YYYY-MM/);
  });
});

describe('store fact providers', () => {
  let store: TempStore;
  beforeEach(async () => {
    store = await openTempStore();
  });
  afterEach(async () => {
    await store.dispose();
  });

  let n = 0;
  const call = (direction: 'inbound' | 'outbound', ringMs: number, answerAfterS: number | null) => {
    n += 1;
    const ringAt = new Date(ringMs).toISOString();
    const answerAt = answerAfterS === null ? null : new Date(ringMs + answerAfterS * 1000).toISOString();
    return store.db.run(
      `INSERT INTO calls (call_id, direction, ring_at, answer_at, end_at, outcome, cause) VALUES (?, ?, ?, ?, ?, ?, 'test')`,
      [`c${n}`, direction, ringAt, answerAt, new Date(ringMs + 600_000).toISOString(), answerAt ? 'answered' : 'missed'],
    );
  };

  it('counts inbound calls offered and answered in the local month and sums seconds to answer', async () => {
    await call('inbound', OCT.fromMs, 6); // the first instant of the month
    await call('inbound', OCT.fromMs + HOUR, 10.5);
    await call('inbound', OCT.fromMs + 2 * HOUR, null); // missed
    await call('outbound', OCT.fromMs + 3 * HOUR, 4); // placed, not offered
    await call('inbound', OCT.fromMs - 1, 3); // 07:59:59.999 on 1 Oct local is still September
    await call('inbound', OCT.toMs, 3); // November
    const facts = await callLogFacts(store.db, OCT, '2026-11-01T00:00:00.000Z');
    expect([facts.offeredCalls?.value, facts.answeredCalls?.value, facts.ringToAnswerSecondsSum?.value, facts.ringToAnswerCount?.value]).toEqual([3, 2, 16.5, 2]);
    expect(facts.offeredCalls?.provenance).toEqual({ source: 'call_log', importedAt: '2026-11-01T00:00:00.000Z', ref: 'calls: inbound, ring_at in [2026-09-30T16:00:00.000Z, 2026-10-31T16:00:00.000Z)' });
  });

  it('counts as absences exactly the shifts the floor rules call "post left empty"', async () => {
    const day = (d: number) => OCT.fromMs + d * 24 * HOUR + 9 * HOUR; // 17:00 local, shift 9 h
    const shifts = [1, 2, 3, 4, 5].map((d, i) => ({ id: i + 1, agent: '8001', date: `2026-10-0${d}`, startMs: day(d), endMs: day(d) + 9 * HOUR }));
    for (const s of shifts) {
      await store.db.run(
        `INSERT INTO shifts (id, agent, date, start_local, end_local, start_ms, end_ms, import_id, imported_at) VALUES (?, ?, ?, '17:00', '02:00', ?, ?, 'i', 't')`,
        [s.id, s.agent, s.date, s.startMs, s.endMs],
      );
    }
    const log: { state: 'ready' | 'logged_out' | 'not_ready'; reason: string | null; atMs: number }[] = [
      { state: 'ready', reason: null, atMs: day(1) + HOUR }, // day 1: late, present
      { state: 'logged_out', reason: null, atMs: day(1) + 8 * HOUR },
      // day 2: nothing → absent
      { state: 'ready', reason: null, atMs: day(3) - HOUR }, // day 3: logged in before, no change inside → present
      { state: 'logged_out', reason: null, atMs: day(3) + 10 * HOUR },
      { state: 'logged_out', reason: null, atMs: day(4) + HOUR }, // day 4: only a logout inside → absent
      // day 5: still running at `now` → not judged
    ];
    for (const e of log) {
      await store.db.run('INSERT INTO agent_state_log (agent, state, reason, at, at_ms) VALUES (?, ?, ?, ?, ?)', ['8001', e.state, e.reason, new Date(e.atMs).toISOString(), e.atMs]);
    }
    // Another agent's shift with no log is not this agent's absence.
    await store.db.run(`INSERT INTO shifts (agent, date, start_local, end_local, start_ms, end_ms, import_id, imported_at) VALUES ('8002', '2026-10-02', '17:00', '02:00', ?, ?, 'i', 't')`, [day(2), day(2) + HOUR]);
    const nowMs = day(5) + HOUR;
    const facts = await agentStateFacts(store.db, '8001', OCT, nowMs, 't');
    expect([facts.scheduledShifts?.value, facts.absences?.value]).toEqual([5, 2]);
    const empty = checkFloorRules(shifts, log, { approvedReasons: new Set(), nowMs }).filter((f) => f.rule === 'post_left_empty');
    expect(empty.map((f) => f.date)).toEqual(['2026-10-02', '2026-10-04']);
    expect(facts.absences?.value).toBe(empty.length);
  });

  it('feeds the engine: one month from the store scored with the customer-service profile', async () => {
    for (let i = 0; i < 20; i += 1) await call('inbound', OCT.fromMs + i * HOUR, i < 19 ? 9 : null);
    const callbacks = { callbackStats: jest.fn(async () => ({ required: 10, done: 10, effective: 9 })) };
    const month = await storeFacts(store.db, callbacks, { agent: '8001', month: '2026-10', utcOffsetMinutes: 480, nowMs: OCT.toMs });
    expect(callbacks.callbackStats).toHaveBeenCalledWith(OCT.fromIso, OCT.toIso);
    const scored = scoreMonth(customerServiceProfile, month);
    const score = (id: string) => scored.metrics.find((m) => m.id === id)?.score;
    // 19/20 = 95 % → 100; 9 s → 1 s over → 98; 100 % callbacks → 101; 90 % effective → +2 per 5 % → 104.
    expect([score('answer-rate'), score('response-time'), score('repair-callback-rate'), score('effective-callback-rate'), score('attendance')]).toEqual([100, 98, 101, 104, 100]);
  });
});
