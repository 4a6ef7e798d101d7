/**
 * CRM answers kept as the offline fallback do not pile up for ever: the workstation drops
 * the ones not refreshed in CONNECTOR_ANSWER_RETENTION_DAYS when it opens and every 24 h.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONNECTOR_ANSWER_RETENTION_DAYS } from '../../../main/core/directory/directory-service';
import { silentLogger } from '../../../main/core/log/logger';
import { Workstation } from '../../../main/core/workstation';
import { ManualClock } from '../sync/helpers/manual-clock';

// A simulated day fires the idle sync worker's minute poll 1,440 times, each with a database round trip: slow on a loaded machine.
jest.setTimeout(30_000);

const T0 = Date.parse('2026-11-30T01:00:00.000Z');
const DAY = 86_400_000;

describe('connector answer retention', () => {
  let dataDir: string;
  let clock: ManualClock;
  let workstation: Workstation;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-retention-'));
    clock = new ManualClock(T0);
    workstation = await Workstation.open({ dataDir, host: 'headless', version: 'test', log: silentLogger, clock: () => new Date(clock.now()), workClock: clock, settings: { autoLogin: 'off' } });
  });
  afterEach(async () => {
    await workstation.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const cache = (key: string, daysAgo: number) =>
    workstation.db.run("INSERT INTO connector_cache (lookup_key, connector, matched, record, fetched_at) VALUES (?, 'crm', 0, NULL, ?)", [key, new Date(clock.now() - daysAgo * DAY).toISOString()]);
  const keys = async () => (await workstation.db.all<{ lookup_key: string }>('SELECT lookup_key FROM connector_cache ORDER BY lookup_key')).map((row) => row.lookup_key);
  // Other services' timers fire too as a day goes by (the idle sync worker polls every minute):
  // each pass gets its database round trip, so none pile up behind the housekeeping pass.
  const settle = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await workstation.db.get('SELECT 1');
  };
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 50));
  /** The pass runs real sqlite I/O after its timer fires: wait for it to show. */
  const eventually = async (expected: string[]) => {
    for (let tries = 0; tries < 400 && JSON.stringify(await keys()) !== JSON.stringify(expected); tries += 1) await pause();
    expect(await keys()).toEqual(expected);
  };

  it('drops answers older than the retention a day later, and keeps the rest', async () => {
    await cache('+8613800000001', CONNECTOR_ANSWER_RETENTION_DAYS + 1);
    await cache('+8613800000002', CONNECTOR_ANSWER_RETENTION_DAYS - 2);
    await cache('+8613800000003', 1);
    expect(await keys()).toHaveLength(3);
    // Each pass arms the next when it ends, in the background: wait for that before moving the clock on.
    const armed = async (at: number) => {
      for (let tries = 0; tries < 400 && !clock.hasTimerAt(at); tries += 1) await pause();
      expect(clock.hasTimerAt(at)).toBe(true);
    };
    await armed(T0 + DAY);
    // Not yet: the next pass is 24 h after the one at opening.
    await clock.advance(DAY - 1, settle);
    await pause();
    expect(await keys()).toHaveLength(3);
    await clock.advance(1, settle);
    await eventually(['+8613800000002', '+8613800000003']);
    // The second one reaches 90 days at T0 + 2 days and passes them by the pass at T0 + 3 days.
    await armed(T0 + 2 * DAY);
    await clock.advance(DAY, settle);
    await armed(T0 + 3 * DAY);
    expect(await keys()).toEqual(['+8613800000002', '+8613800000003']);
    await clock.advance(DAY, settle);
    await eventually(['+8613800000003']);
  });

  it('drops them at opening too', async () => {
    await cache('+8613800000001', CONNECTOR_ANSWER_RETENTION_DAYS + 5);
    await workstation.close();
    workstation = await Workstation.open({ dataDir, host: 'headless', version: 'test', log: silentLogger, clock: () => new Date(clock.now()), workClock: clock, settings: { autoLogin: 'off' } });
    await eventually([]);
  });
});
