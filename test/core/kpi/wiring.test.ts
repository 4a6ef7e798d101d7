/** kpi.* through the real router on a temp store: the month's calls scored by the engine, facts imported through the contract. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KpiScorecard, KpiWhatIf } from '../../../main/common/channels/kpi';
import { silentLogger } from '../../../main/core/log/logger';
import { Workstation } from '../../../main/core/workstation';

describe('kpi wiring', () => {
  let dataDir: string;
  let workstation: Workstation;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-kpi-'));
    workstation = await Workstation.open({ dataDir, host: 'headless', version: 'test', log: silentLogger, settings: { autoLogin: 'off' } });
  });
  type Ok<T> = { ok: true; value: T } | { ok: false; code: string };
  const scorecard = (args: object) => workstation.router.dispatch('kpi.scorecard', args) as Promise<Ok<KpiScorecard>>;
  const whatIf = (args: object) => workstation.router.dispatch('kpi.whatIf', args) as Promise<Ok<KpiWhatIf>>;

  afterEach(async () => {
    await workstation.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // Mid-month (15 March, 12:00 UTC), so any UTC offset keeps them in 2026-03.
  const logCall = (id: string, answerAfterS: number | null) => {
    const ringMs = Date.UTC(2026, 2, 15, 12);
    const answerAt = answerAfterS === null ? null : new Date(ringMs + answerAfterS * 1000).toISOString();
    return workstation.db.run(
      `INSERT INTO calls (call_id, direction, remote_number, ring_at, answer_at, end_at, outcome, cause) VALUES (?, 'inbound', '13800138000', ?, ?, ?, ?, 'remote_hangup')`,
      [id, new Date(ringMs).toISOString(), answerAt, new Date(ringMs + 300_000).toISOString(), answerAt ? 'answered' : 'missed'],
    );
  };

  it('kpi.profiles lists the built-in profiles', async () => {
    const reply = (await workstation.router.dispatch('kpi.profiles', {})) as Ok<{ id: string }[]>;
    expect(reply).toMatchObject({ ok: true });
    const ids = reply.ok ? reply.value.map((p) => p.id) : [];
    expect(ids).toEqual(['customer-service', 'securities-sales']);
  });

  it('kpi.scorecard scores the logged calls; facts not imported yet score by the unavailable rule', async () => {
    // 4 offered, 3 answered (4 s, 6 s, 20 s → mean 10 s).
    await logCall('a@pbx', 4);
    await logCall('b@pbx', 6);
    await logCall('c@pbx', 20);
    await logCall('d@pbx', null);
    const reply = await scorecard({ month: '2026-03' });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    const card = reply.value;
    expect(card).toMatchObject({ profileId: 'customer-service', month: '2026-03', formula: expect.stringContaining('overall = 80') });
    expect(card.metrics).toHaveLength(18);
    const byId = Object.fromEntries(card.metrics.map((m) => [m.id, m]));
    expect(byId['answer-rate']).toMatchObject({ raw: 75, target: 95, available: true, names: { 'zh-CN': expect.any(String), en: expect.any(String) } });
    expect(byId['answer-rate']?.inputs.map((i) => [i.fact, i.value, i.provenance.source])).toEqual([
      ['offeredCalls', 4, 'call_log'],
      ['answeredCalls', 3, 'call_log'],
    ]);
    expect(byId['response-time']).toMatchObject({ raw: 10, target: 8, available: true });
    expect(byId['response-time']!.points).toBeLessThan(0);
    // Survey facts are imported (not yet): scored at standard, marked unavailable.
    expect(byId['satisfaction']).toMatchObject({ available: false, score: 100, points: 0, unavailableReason: expect.stringContaining('no data') });
    // Metric 1 waits for the team's N1: excluded.
    expect(byId['calls-answered']).toMatchObject({ available: false, score: null, counted: false });
    expect(card.overall).toBeLessThan(80);
    expect(typeof card.workUnits).toBe('number');

    const other = await scorecard({ month: '2026-04' });
    expect(other.ok && other.value.metrics.find((m) => m.id === 'answer-rate')?.available).toBe(false);
    const securities = await scorecard({ month: '2026-03', profileId: 'securities-sales' });
    expect(securities).toMatchObject({ ok: true, value: { profileId: 'securities-sales' } });
  });

  it('kpi.importFacts takes a CSV through the contract, kpi.factImports lists it, kpi.fetchFacts says no endpoint is set', async () => {
    const sheet = Buffer.from('agent,month,fact,value\n*,2026-03,teamMaxAnsweredCalls,40\n', 'utf8').toString('base64');
    const reply = (await workstation.router.dispatch('kpi.importFacts', { fileName: 'n1.csv', contentBase64: sheet })) as Ok<{ teamFacts: number }>;
    expect(reply).toMatchObject({ ok: true, value: { teamFacts: 1, problemCount: 0, import: { origin: 'n1.csv', months: ['2026-03'] } } });
    expect(await workstation.router.dispatch('kpi.factImports', {})).toMatchObject({ ok: true, value: [{ origin: 'n1.csv', factCount: 1 }] });
    expect(await workstation.router.dispatch('kpi.importFacts', { fileName: 'x.csv', contentBase64: '%%%' })).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(await workstation.router.dispatch('kpi.fetchFacts', { month: '2026-03' })).toMatchObject({ ok: false, code: 'unavailable' });
    await logCall('a@pbx', 4);
    const card = await scorecard({ month: '2026-03' });
    expect(card.ok && card.value.metrics.find((m) => m.id === 'calls-answered')).toMatchObject({ available: true, raw: 2.5 });
  });

  it('kpi.whatIf: more calls answered within 8 s move the score up, by the same engine', async () => {
    await logCall('a@pbx', 12);
    await logCall('b@pbx', null);
    const reply = await whatIf({ month: '2026-03', change: { answeredWithinSeconds: { calls: 10, seconds: 5 } } });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    expect(reply.value.overallDelta).toBeGreaterThan(0);
    expect(reply.value.overallAfter).toBeCloseTo(reply.value.overallBefore + reply.value.overallDelta, 2);
    const card = await scorecard({ month: '2026-03' });
    expect(card.ok && card.value.overall).toBe(reply.value.overallBefore);
    expect(reply.value.metrics.find((m) => m.id === 'answer-rate')?.delta).toBeGreaterThan(0);
    const facts = await whatIf({ month: '2026-03', change: { facts: { absences: 1 } } });
    expect(facts.ok && facts.value.overallDelta).toBeLessThan(0);
  });

  it('kpi.trend scores each month up to the one asked for, oldest first', async () => {
    await logCall('a@pbx', 3);
    await logCall('b@pbx', null);
    const reply = (await workstation.router.dispatch('kpi.trend', { month: '2026-04', months: 3 })) as Ok<{ month: string; overall: number }[]>;
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    expect(reply.value.map((p) => p.month)).toEqual(['2026-02', '2026-03', '2026-04']);
    const march = await scorecard({ month: '2026-03' });
    expect(march.ok && reply.value[1]?.overall).toBe(march.ok && march.value.overall);
    expect(reply.value[1]!.overall).not.toBe(reply.value[0]!.overall);
    const yearEnd = (await workstation.router.dispatch('kpi.trend', { month: '2026-01', months: 2 })) as Ok<{ month: string }[]>;
    expect(yearEnd.ok && yearEnd.value.map((p) => p.month)).toEqual(['2025-12', '2026-01']);
  });

  it('kpi.calls lists the calls the call-log metrics counted, newest first', async () => {
    await logCall('a@pbx', 4.5);
    await logCall('b@pbx', null);
    const reply = (await workstation.router.dispatch('kpi.calls', { month: '2026-03', limit: 1 })) as Ok<{ total: number; calls: { callId: string; answered: boolean; secondsToAnswer: number | null }[] }>;
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    expect(reply.value.total).toBe(2);
    expect(reply.value.calls).toHaveLength(1);
    const all = (await workstation.router.dispatch('kpi.calls', { month: '2026-03' })) as Ok<{ calls: { callId: string; answered: boolean; secondsToAnswer: number | null; outcome: string }[] }>;
    expect(all.ok && all.value.calls.map((c) => [c.answered, c.secondsToAnswer, c.outcome]).sort()).toEqual([
      [false, null, 'missed'],
      [true, 4.5, 'answered'],
    ]);
    const april = (await workstation.router.dispatch('kpi.calls', { month: '2026-04' })) as Ok<{ total: number }>;
    expect(april.ok && april.value.total).toBe(0);
  });

  it('refuses a bad month, an unknown profile and an unknown fact', async () => {
    expect(await scorecard({ month: '2026-13' })).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(await scorecard({ month: '2026-03', profileId: 'nobody' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await whatIf({ month: '2026-03', change: { facts: { bonus: 5 } } })).toMatchObject({ ok: false, code: 'invalid_input' });
  });
});
