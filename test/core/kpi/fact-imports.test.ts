/**
 * Facts that live outside Zuoxi (issue 6, "Facts"): CSV and REST imports, checked row by
 * row, stored all-or-nothing, newest import winning, each number traceable to its file
 * row or URL; the team's N1; and the center's UTC offset deciding the month.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import type { KpiScorecard } from '../../../main/common/channels/kpi';
import { normaliseMonth } from '../../../main/core/kpi/facts/fact-records';
import { ImportedFacts } from '../../../main/core/kpi/facts/imported-facts';
import { KpiService } from '../../../main/core/kpi/kpi-service';
import { DEFAULT_KPI_SETTINGS, type KpiSettings } from '../../../main/core/kpi/kpi-settings';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { openTempStore, type TempStore } from '../store/temp-store';

const AGENT = '8001';
const NOW = Date.UTC(2026, 10, 20, 6); // 20 Nov 2026, 14:00 in Beijing

describe('KPI fact imports', () => {
  let store: TempStore;
  let settings: KpiSettings;
  let secrets: MemorySecretProvider;
  let kpi: KpiService;
  let now: number;

  beforeEach(async () => {
    now = NOW;
    store = await openTempStore();
    settings = { ...DEFAULT_KPI_SETTINGS, centerUtcOffsetMinutes: 480 };
    secrets = new MemorySecretProvider();
    kpi = new KpiService({
      db: store.db,
      callbacks: { callbackStats: async () => ({ required: 0, done: 0, effective: 0 }) },
      secrets,
      settings: () => settings,
      agent: () => AGENT,
      nowMs: () => now,
    });
  });
  afterEach(() => store.dispose());

  const metric = (card: KpiScorecard, id: string) => {
    const found = card.metrics.find((m) => m.id === id);
    if (!found) throw new Error(`no metric ${id}`);
    return found;
  };
  const logCall = (id: string, ringIso: string, answerAfterS: number | null) =>
    store.db.run(
      `INSERT INTO calls (call_id, direction, remote_number, ring_at, answer_at, end_at, outcome, cause) VALUES (?, 'inbound', '13800138000', ?, ?, ?, ?, 'remote_hangup')`,
      [id, ringIso, answerAfterS === null ? null : new Date(Date.parse(ringIso) + answerAfterS * 1000).toISOString(), ringIso, answerAfterS === null ? 'missed' : 'answered'],
    );
  const csv = (text: string) => Buffer.from(text, 'utf8');

  describe('CSV', () => {
    it('takes a long sheet with Chinese headers in GBK and scores the survey metrics from it, traceably', async () => {
      for (let i = 0; i < 10; i += 1) await logCall(`c${i}@pbx`, '2026-11-10T02:00:00.000Z', 5);
      const before = await kpi.scorecard('2026-11', undefined);
      expect(metric(before, 'evaluation-sampling-rate')).toMatchObject({ available: false });

      const sheet = '工号,月份,指标,数值\r\n8001,2026年11月,评价数,7\r\n8001,2026-11,validEvaluations,4\r\n8001,2026/11,满意数,7\r\n';
      const report = await kpi.importCsv('满意度.csv', iconv.encode(sheet, 'gbk'));
      expect(report).toMatchObject({ forThisAgent: 3, teamFacts: 0, otherAgents: 0, problemCount: 0, importedBefore: null, import: { kind: 'csv', origin: '满意度.csv', factCount: 3, months: ['2026-11'] } });

      const after = await kpi.scorecard('2026-11', undefined);
      // 7 evaluations of 10 answered = 70 %, target 60, +2 per 2 % above → +10.
      expect(metric(after, 'evaluation-sampling-rate')).toMatchObject({ available: true, raw: 70, points: 10 });
      expect(metric(after, 'satisfaction')).toMatchObject({ available: true, raw: 100 });
      const input = metric(after, 'evaluation-sampling-rate').inputs.find((i) => i.fact === 'evaluations');
      expect(input).toMatchObject({ value: 7, provenance: { source: 'survey', ref: '满意度.csv, row 1', importedAt: new Date(NOW).toISOString() } });
      expect(after.overall).toBeGreaterThan(before.overall);
    });

    it('takes a wide sheet, reports every bad cell by row with why, and keeps the good ones', async () => {
      const sheet = [
        'agent,month,evaluations,validEvaluations,qaReviewsDone,answeredCalls,evaluatons',
        '8001,2026-11,12,,3,99,1', // empty validEvaluations = not reported; answeredCalls is Zuoxi's own
        '8001,2026-13,5,5,5,,', // no such month
        '8002,2026-11,-4,2.5%,x,,', // negative, a percentage, not a number
        ',2026-11,1,,,,', // no agent
      ].join('\n');
      const report = await kpi.importCsv('wide.csv', csv(sheet));
      expect(report.ignoredColumns).toEqual(['evaluatons']);
      expect(report).toMatchObject({ forThisAgent: 2, otherAgents: 0 });
      expect(report.problems).toEqual([
        { ref: 'row 1, answeredCalls', reason: 'answeredCalls is counted by Zuoxi from its own call log and cannot be imported' },
        { ref: 'row 2, evaluations', reason: expect.stringContaining('"2026-13" is not a month') },
        { ref: 'row 2, validEvaluations', reason: expect.stringContaining('is not a month') },
        { ref: 'row 2, qaReviewsDone', reason: expect.stringContaining('is not a month') },
        { ref: 'row 3, evaluations', reason: expect.stringContaining('negative') },
        { ref: 'row 3, validEvaluations', reason: expect.stringContaining('percentage') },
        { ref: 'row 3, qaReviewsDone', reason: '"x" is not a number' },
        { ref: 'row 4, evaluations', reason: 'no agent for evaluations' },
      ]);
      expect(report.problemCount).toBe(8);
      const facts = await new ImportedFacts(store.db).forMonth(AGENT, '2026-11');
      expect(Object.fromEntries(Object.entries(facts).map(([name, fact]) => [name, fact.value]))).toEqual({ evaluations: 12, qaReviewsDone: 3 });
    });

    it('refuses a file with no usable figure whole, with the reasons, and stores nothing', async () => {
      await expect(kpi.importCsv('calls.csv', csv('agent,month,fact,value\n8001,2026-11,offeredCalls,5\n'))).rejects.toMatchObject({
        code: 'import_failed',
        message: expect.stringMatching(/No usable figure in calls\.csv.*row 1: offeredCalls is counted by Zuoxi/),
      });
      await expect(kpi.importCsv('names.csv', csv('name,phone\n王芳,138\n'))).rejects.toMatchObject({ code: 'import_failed', message: expect.stringContaining('no month column') });
      await expect(kpi.importCsv('odd.csv', csv('month,colour\n2026-11,red\n'))).rejects.toMatchObject({ code: 'import_failed', message: expect.stringContaining('named after a fact') });
      expect(await kpi.imports(10)).toEqual([]);
    });

    it('uses the newest import of a fact, keeps the older one, says when a file was imported before, and the last of a repeated row', async () => {
      const first = csv('agent,month,fact,value\n8001,2026-11,examScore,70\n');
      await kpi.importCsv('exam.csv', first);
      const corrected = await kpi.importCsv('exam-corrected.csv', csv('agent,month,fact,value\n8001,2026-11,examScore,80\n8001,2026-11,examScore,92\n'));
      expect(corrected.problems).toEqual([{ ref: 'row 1', reason: expect.stringContaining('given again later (row 2); the later one is used') }]);
      expect(metric(await kpi.scorecard('2026-11', undefined), 'monthly-exam').inputs).toEqual([
        { fact: 'examScore', value: 92, provenance: expect.objectContaining({ source: 'exams', ref: 'exam-corrected.csv, row 2' }) },
      ]);
      const again = await kpi.importCsv('exam.csv', first);
      expect(again.importedBefore).toBe(new Date(NOW).toISOString());
      expect(metric(await kpi.scorecard('2026-11', undefined), 'monthly-exam').inputs[0]?.value).toBe(70);
      const history = await kpi.imports(10);
      expect(history.map((i) => [i.origin, i.factCount, i.months])).toEqual([
        ['exam.csv', 1, ['2026-11']],
        ['exam-corrected.csv', 1, ['2026-11']],
        ['exam.csv', 1, ['2026-11']],
      ]);
    });

    it('stores a whole team sheet, past one statement’s worth of rows, and counts it right', async () => {
      const agents = Array.from({ length: 601 }, (_, i) => String(8001 + i));
      const sheet = ['工号,月份,考试成绩,执行力', ...agents.map((agent, i) => `${agent},2026-11,${i % 100},${i % 7}`)].join('\n');
      const report = await kpi.importCsv('team.csv', csv(sheet));
      expect(report).toMatchObject({ forThisAgent: 2, otherAgents: 1200, problemCount: 0, import: { factCount: 1202 } });
      const stored = await store.db.get<{ n: number; total: number }>('SELECT COUNT(*) AS n, SUM(value) AS total FROM kpi_facts');
      const expectedTotal = agents.reduce((sum, _, i) => sum + (i % 100) + (i % 7), 0);
      expect(stored).toEqual({ n: 1202, total: expectedTotal });
      expect(metric(await kpi.scorecard('2026-11', undefined), 'monthly-exam').inputs[0]).toMatchObject({ value: 0, provenance: { ref: 'team.csv, row 1, 考试成绩' } });
    });

    it('writes an import all or nothing: a row the store refuses rolls the whole import back', async () => {
      const facts = new ImportedFacts(store.db);
      const good = { agent: AGENT, month: '2026-11', fact: 'examScore' as const, value: 90, ref: 'row 1' };
      await expect(facts.save({ kind: 'csv', origin: 'x.csv', checksum: 'c', importedAt: 't' }, [good, { ...good, fact: 'qaReviewsDone', value: -1, ref: 'row 2' }])).rejects.toThrow();
      expect(await facts.recent(5)).toEqual([]);
      expect(await facts.forMonth(AGENT, '2026-11')).toEqual({});
    });

    it('keeps other agents’ rows out of this agent’s card, and hostile text out of the reasons', async () => {
      const report = await kpi.importCsv(
        'team.csv',
        csv('工号,月份,考试成绩,执行力\n8002,2026-11,55,1\n8001,2026-11,88,2\n"\u202e<img src=x onerror=alert(1)>",2026-11,1,1\n'),
      );
      expect(report).toMatchObject({ forThisAgent: 2, otherAgents: 2, problemCount: 2 });
      expect(report.problems[0]?.reason).toMatch(/^"\?<img src=x onerror=alert\(1\)>" is not an agent id$/);
      const card = await kpi.scorecard('2026-11', undefined);
      expect(metric(card, 'monthly-exam').inputs[0]?.value).toBe(88);
      expect(metric(card, 'execution').inputs[0]?.value).toBe(2);
    });
  });

  describe("the team's N1", () => {
    it('scores metric 1 as N × 100 / N1 once the team figure is imported, and never above 100 from a stale N1', async () => {
      for (let i = 0; i < 8; i += 1) await logCall(`n${i}@pbx`, '2026-11-05T03:00:00.000Z', 3);
      expect(metric(await kpi.scorecard('2026-11', undefined), 'calls-answered')).toMatchObject({ available: false, counted: false });

      const report = await kpi.importCsv('n1.csv', csv('坐席,月份,N1\n全组,2026-11,10\n'));
      expect(report).toMatchObject({ teamFacts: 1, forThisAgent: 0 });
      const scored = metric(await kpi.scorecard('2026-11', undefined), 'calls-answered');
      expect(scored).toMatchObject({ available: true, counted: true, raw: 80, score: 80 });
      expect(scored.inputs.find((i) => i.fact === 'teamMaxAnsweredCalls')?.provenance).toMatchObject({ source: 'team', ref: 'n1.csv, row 1, N1' });

      // Two more answered than the imported N1 knew of: this agent is now the team's best.
      for (let i = 0; i < 4; i += 1) await logCall(`m${i}@pbx`, '2026-11-06T03:00:00.000Z', 3);
      const raised = metric(await kpi.scorecard('2026-11', undefined), 'calls-answered');
      expect(raised).toMatchObject({ raw: 100, score: 100 });
      expect(raised.inputs.find((i) => i.fact === 'teamMaxAnsweredCalls')).toMatchObject({
        value: 12,
        provenance: { source: 'call_log', ref: expect.stringContaining('above the imported N1 10 (n1.csv, row 1') },
      });
    });

    it('refuses an agent’s figure given for the team; N1 is the team’s whatever the agent column says', async () => {
      const report = await kpi.importCsv('mixed.csv', csv('agent,month,fact,value\n班组,2026-11,examScore,90\n8001,2026-11,teamMaxAnsweredCalls,300\n'));
      expect(report.problems).toEqual([{ ref: 'row 1', reason: "examScore is one agent's figure, not the team's" }]);
      // N1 is the team's whatever the agent column says.
      expect(report).toMatchObject({ teamFacts: 1 });
    });
  });

  it.each([
    ['2026-11', '2026-11'],
    ['2026/1', '2026-01'],
    ['2026.11', '2026-11'],
    ['202611', '2026-11'],
    ['2026年11月', '2026-11'],
    ['２０２６年１１月', '2026-11'],
    ['2026-11-01', '2026-11'],
    ['2026-13', null],
    ['2026-00', null],
    ['Nov-26', null],
    ['11/2026', null],
  ])('reads the month %p as %p', (text, month) => {
    expect(normaliseMonth(text)).toBe(month);
  });

  describe('the center’s month', () => {
    it('counts a call by the center’s calendar, not the PC’s zone', async () => {
      // 31 Oct 17:30 UTC is 1 Nov 01:30 in Beijing (UTC+8) and still 31 Oct in UTC.
      await logCall('edge@pbx', '2026-10-31T17:30:00.000Z', 4);
      const offered = async () => metric(await kpi.scorecard('2026-11', undefined), 'answer-rate').inputs.find((i) => i.fact === 'offeredCalls')?.value;
      settings = { ...settings, centerUtcOffsetMinutes: 480 };
      expect(await offered()).toBe(1);
      expect((await kpi.calls('2026-11', 10)).total).toBe(1);
      settings = { ...settings, centerUtcOffsetMinutes: 0 };
      expect(await offered()).toBe(0);
      expect((await kpi.calls('2026-10', 10)).total).toBe(1);
    });

    it('says which month is the current one by the center’s calendar, on the scorecard too', async () => {
      now = Date.parse('2026-10-31T17:30:00.000Z');
      settings = { ...settings, centerUtcOffsetMinutes: 480 };
      expect(kpi.currentMonth()).toBe('2026-11');
      expect((await kpi.scorecard('2026-10', undefined)).currentMonth).toBe('2026-11');
      settings = { ...settings, centerUtcOffsetMinutes: -60 };
      expect(kpi.currentMonth()).toBe('2026-10');
    });
  });

  describe('REST endpoint', () => {
    let server: http.Server;
    let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void;
    let asked: { url: string; authorization: string | undefined }[];
    beforeEach(async () => {
      asked = [];
      server = http.createServer((req, res) => {
        asked.push({ url: req.url ?? '', authorization: req.headers.authorization });
        reply(req, res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      settings = { ...settings, factsEndpoint: { url: `http://127.0.0.1:${port}/kpi?agent={agent}&month={month}`, tokenSecret: 'kpi.token', timeoutMs: 300 } };
      await secrets.set('kpi.token', 'tok-123');
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const json = (body: unknown, status = 200) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };

    it('fetches this agent’s month with the token and takes it in with the URL as provenance', async () => {
      reply = json({ facts: [{ fact: 'complaintsHandled', value: 4 }, { fact: 'complaintsClosedOnTime', value: 3, ref: 'BI 工单报表' }, { fact: 'teamMaxAnsweredCalls', value: 500 }, { fact: 'nope', value: 1 }, 7] });
      const report = await kpi.fetch('2026-11');
      expect(asked).toEqual([{ url: '/kpi?agent=8001&month=2026-11', authorization: 'Bearer tok-123' }]);
      expect(report).toMatchObject({ forThisAgent: 2, teamFacts: 1, import: { kind: 'rest', origin: expect.stringContaining('/kpi?agent=8001&month=2026-11') } });
      expect(report.problems).toEqual([
        { ref: 'facts[3]', reason: 'unknown fact "nope"' },
        { ref: 'facts[4]', reason: 'not an object' },
      ]);
      const onTime = metric(await kpi.scorecard('2026-11', undefined), 'complaint-handling-on-time');
      expect(onTime).toMatchObject({ available: true, raw: 75 });
      expect(onTime.inputs.find((i) => i.fact === 'complaintsClosedOnTime')?.provenance).toMatchObject({ source: 'complaints', ref: expect.stringMatching(/\/kpi\?agent=8001&month=2026-11, facts\[1\] \(BI 工单报表\)$/) });
    });

    it.each([
      ['an HTML error page', (_q: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>login</h1>'), /did not answer JSON \(text\/html\)/],
      ['a 500', json({ error: 'x' }, 500), /answered 500/],
      ['broken JSON', json('{"facts": [{"fact": "examScore", "val'), /not valid JSON/],
      ['the wrong shape', json({ rows: 'a' }), /neither \{"facts": \[...\]\} nor a list/],
      ['no answer in time', () => undefined, /did not answer within 300 ms/],
      ['a reply over 2 MB', json({ facts: [], pad: 'x'.repeat(2 * 1024 * 1024) }), /larger than 2048 KB/],
    ])('refuses %s whole, saying why, and stores nothing', async (_name, handler, message) => {
      reply = handler;
      await expect(kpi.fetch('2026-11')).rejects.toMatchObject({ message: expect.stringMatching(message) });
      expect(await kpi.imports(5)).toEqual([]);
    });

    it('says what is missing when no endpoint or no token is configured', async () => {
      await secrets.set('kpi.token', '');
      settings = { ...settings, factsEndpoint: { ...settings.factsEndpoint!, tokenSecret: 'absent.token' } };
      await expect(kpi.fetch('2026-11')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('needs the token "absent.token"') });
      settings = { ...settings, factsEndpoint: null };
      await expect(kpi.fetch('2026-11')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('No KPI facts endpoint is configured') });
      expect(asked).toEqual([]);
    });
  });
});
