import iconv from 'iconv-lite';
import { silentLogger } from '../../../../main/core/log/logger';
import { DEFAULT_NOT_READY_REASONS } from '../../../../main/core/work/agent-state/work-settings';
import { ScheduleService } from '../../../../main/core/work/schedule/schedule-service';
import { openTempStore, type TempStore } from '../../store/temp-store';

// Shifts are written in the seat's local time; expectations are built the same way.
const local = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min).getTime();

describe('ScheduleService', () => {
  let store: TempStore;
  let now: number;
  let service: ScheduleService;
  beforeEach(async () => {
    store = await openTempStore();
    now = local(2026, 3, 3, 12);
    service = new ScheduleService({ db: store.db, log: silentLogger, now: () => new Date(now), notReadyReasons: () => DEFAULT_NOT_READY_REASONS, agentId: () => '8001' });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const csv = (text: string) => ({ fileName: 'schedule.csv', content: Buffer.from(text, 'utf8') });
  const logState = (atMs: number, state: string, reason: string | null = null, agent = '8001') =>
    store.db.run('INSERT INTO agent_state_log (agent, state, reason, at, at_ms) VALUES (?, ?, ?, ?, ?)', [agent, state, reason, new Date(atMs).toISOString(), atMs]);

  it('imports Chinese headers (GBK), lists each bad row with its reason, and places night shifts on the next day', async () => {
    const text = [
      '工号,日期,上班时间,下班时间,备注',
      '8001,2026-03-02,09:00,18:00,早班',
      '8002,2026/3/2,22:00,06:00,夜班',
      ',2026-03-02,09:00,18:00,',
      '8003,2026-02-30,09:00,18:00,',
      '8003,2026-03-02,9点,18:00,',
      '8001,2026年3月2日,09:00,17:00,',
      '8004,2026-03-02,10:00,10:00,',
    ].join('\r\n');
    const report = await service.import({ fileName: '排班.csv', content: iconv.encode(text, 'gbk') });
    expect(report).toMatchObject({ encoding: 'gbk', totalRows: 7, imported: 2, replaced: 0, ignoredColumns: ['备注'] });
    expect(report.errors.map((error) => [error.row, error.code, error.detail])).toEqual([
      [3, 'missing_agent', ''],
      [4, 'invalid_date', '2026-02-30'],
      [5, 'invalid_time', '9点'],
      [6, 'duplicate_shift', '8001 2026-03-02 09:00'],
      [7, 'invalid_time', '10:00-10:00'],
    ]);
    expect(report.errors[3]!.reason).toContain('row 1');
    const shifts = await store.db.all<{ agent: string; start_ms: number; end_ms: number }>('SELECT agent, start_ms, end_ms FROM shifts ORDER BY agent');
    expect(shifts).toEqual([
      { agent: '8001', start_ms: local(2026, 3, 2, 9), end_ms: local(2026, 3, 2, 18) },
      { agent: '8002', start_ms: local(2026, 3, 2, 22), end_ms: local(2026, 3, 3, 6) },
    ]);
  });

  it('reads English headers and replaces a shift imported again', async () => {
    await service.import(csv('Agent,Date,Start,End\n8001,2026-03-02,09:00,18:00\n'));
    const again = await service.import(csv('agent id,date,start time,end time\n8001,2026-03-02,09:00,17:30\n8001,2026-03-03,09:00,18:00\n'));
    expect(again).toMatchObject({ imported: 2, replaced: 1, errors: [] });
    expect(await store.db.all('SELECT date, end_local FROM shifts ORDER BY date')).toEqual([
      { date: '2026-03-02', end_local: '17:30' },
      { date: '2026-03-03', end_local: '18:00' },
    ]);
  });

  it('refuses a file without the four columns, writing nothing', async () => {
    await expect(service.import(csv('姓名,日期,上班时间\n张三,2026-03-02,09:00\n'))).rejects.toMatchObject({ code: 'import_failed', message: expect.stringContaining('agent') });
    expect(await store.db.all('SELECT * FROM shifts')).toEqual([]);
  });

  it('flags this agent’s shifts from the state log with the seed’s points, and leaves other agents’ out', async () => {
    await service.import(csv('工号,日期,上班时间,下班时间\n8001,2026-03-02,09:00,18:00\n8001,2026-03-03,09:00,18:00\n8002,2026-03-02,09:00,18:00\n'));
    await logState(local(2026, 3, 2, 9, 7), 'ready');
    await logState(local(2026, 3, 2, 14), 'not_ready', 'break');
    await logState(local(2026, 3, 2, 14, 25), 'ready');
    await logState(local(2026, 3, 2, 17), 'logged_out', 'app_closed');
    await logState(local(2026, 3, 2, 9), 'ready', null, '8002');
    now = local(2026, 3, 4, 0);
    const result = await service.flags(new Date(local(2026, 3, 2, 0)), new Date(local(2026, 3, 4, 0)));
    expect(result.agent).toBe('8001');
    expect(result.shifts).toBe(2);
    expect(result.flags.map((flag) => [flag.date, flag.rule, flag.minutes, flag.points])).toEqual([
      ['2026-03-02', 'late', 7, -1],
      ['2026-03-02', 'away', 25, -1],
      ['2026-03-02', 'early_leave', 60, -2],
      ['2026-03-03', 'post_left_empty', 540, -3],
    ]);
    expect(result.points).toBe(-7);
    const other = await service.flags(new Date(local(2026, 3, 2, 0)), new Date(local(2026, 3, 3, 0)), '8002');
    expect(other.flags.map((flag) => flag.rule)).toEqual([]);
  });
});
