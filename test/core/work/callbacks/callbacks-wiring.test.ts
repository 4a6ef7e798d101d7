/** Callbacks as the workstation wires them: channels through the real router, pushes through the hub, the settings. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Callback, CallbackReminder } from '../../../../main/common/channels/callbacks';
import { PushGate } from '../../../../main/core/ipc/push-gate';
import { silentLogger } from '../../../../main/core/log/logger';
import { Workstation } from '../../../../main/core/workstation';
import { until } from '../../../peers';
import { ManualClock } from '../../sync/helpers/manual-clock';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('callbacks wiring', () => {
  let dataDir: string;
  let workstation: Workstation;
  let changed: Callback[];
  let reminders: CallbackReminder[];
  let clock: ManualClock;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-callbacks-'));
    clock = new ManualClock(T0);
    workstation = await Workstation.open({
      dataDir,
      host: 'headless',
      version: 'test',
      log: silentLogger,
      clock: () => new Date(clock.now()),
      workClock: clock,
      settings: { autoLogin: 'off', callbacks: { maxAttempts: 2, retrySpacingMinutes: [5], reminderLeadMinutes: 30, workOrderDueHours: 24, defaultDueHours: 2, dialFormat: 'domestic' } },
    });
    changed = [];
    reminders = [];
    const gate = new PushGate((push, payload) => {
      if (push === 'callbacks.changed') changed.push(payload as Callback);
      if (push === 'callbacks.reminder') reminders.push(payload as CallbackReminder);
    });
    gate.markReady();
    workstation.hub.attach(gate);
  });
  afterEach(async () => {
    await workstation.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, lists, reminds and resolves through the channels, with the center’s settings', async () => {
    const created = await workstation.router.dispatch('callbacks.create', { number: '+86 138 0013 8000', subject: '回访 宽带' });
    expect(created).toMatchObject({ ok: true, value: { number: '+8613800138000', source: 'manual', dueAt: '2026-03-02T10:00:00.000Z' } });
    const id = (created as { value: Callback }).value.id;
    expect(changed.map((c) => c.id)).toEqual([id]);

    await clock.advance(90 * 60_000, () => workstation.callbacks.settled());
    expect(reminders).toEqual([expect.objectContaining({ minutesToDue: 30, callback: expect.objectContaining({ id }) })]);

    expect(await workstation.router.dispatch('callbacks.list', { status: 'open' })).toMatchObject({ ok: true, value: [{ id, overdue: false }] });
    // No SIP account here: the dial is refused and no attempt is kept.
    expect(await workstation.router.dispatch('callbacks.call', { id })).toMatchObject({ ok: false });
    expect(await workstation.router.dispatch('callbacks.attempts', { id })).toEqual({ ok: true, value: [] });
    expect(await workstation.router.dispatch('callbacks.resolve', { id, outcome: 'happy' })).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(await workstation.router.dispatch('callbacks.resolve', { id, outcome: 'reached_resolved', note: '已修复' })).toMatchObject({
      ok: true,
      value: { status: 'done', resolution: 'reached_resolved' },
    });
    expect(await workstation.router.dispatch('callbacks.resolve', { id: 999, outcome: 'refused' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await workstation.router.dispatch('callbacks.stats', { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' })).toMatchObject({
      ok: true,
      value: { required: 0, callbackRate: null },
    });
    const kinds = await workstation.db.all<{ kind: string }>("SELECT kind FROM outbox WHERE kind = 'callback'");
    expect(kinds).toHaveLength(2);
  });

  it('a longer reminder lead set in the settings applies to the callbacks already waiting', async () => {
    await workstation.router.dispatch('callbacks.create', { number: '13800138000' }); // due in 2 h, lead 30 min
    expect(reminders).toEqual([]);
    const callbacks = { maxAttempts: 2, retrySpacingMinutes: [5], reminderLeadMinutes: 180, workOrderDueHours: 24, defaultDueHours: 2, dialFormat: 'domestic' };
    expect(await workstation.router.dispatch('settings.update', { key: 'callbacks', value: callbacks })).toMatchObject({ ok: true });
    await until(() => reminders[0], 'the reminder', 5_000);
    expect(reminders).toEqual([expect.objectContaining({ minutesToDue: 120 })]);
  });

  it('a work order saved at wrap-up makes its callback due 24 h later, reminded 30 min before; a correction updates it', async () => {
    await workstation.db.run(
      "INSERT INTO calls (call_id, direction, remote_number, ring_at, answer_at, end_at, outcome, cause) VALUES ('c1@pbx', 'inbound', '13800138000', ?, ?, ?, 'answered', 'remote_hangup')",
      ['2026-03-02T07:50:00.000Z', '2026-03-02T07:50:02.000Z', '2026-03-02T07:58:00.000Z'],
    );
    const workOrder = { faultType: 'outage', address: '海淀区中关村大街1号', contactPhone: '13800138000', description: '整栋楼停电' };
    expect(await workstation.router.dispatch('wrapup.save', { callId: 'c1@pbx', disposition: 'repair', workOrder })).toMatchObject({ ok: true, value: { saved: true } });
    const [callback] = (await workstation.callbacks.list('open', 10)) as [Callback];
    expect(callback).toMatchObject({ source: 'work_order', number: '+8613800138000', createdAt: iso(T0), deadlineAt: iso(T0 + 24 * HOUR), subject: 'outage' });
    expect(changed.map((c) => c.id)).toEqual([callback.id]);

    await clock.advance(23.5 * HOUR - 1, () => workstation.callbacks.settled());
    expect(reminders).toEqual([]);
    await clock.advance(1, () => workstation.callbacks.settled());
    expect(reminders).toEqual([expect.objectContaining({ minutesToDue: 30, callback: expect.objectContaining({ id: callback.id }) })]);

    await workstation.router.dispatch('wrapup.save', { callId: 'c1@pbx', disposition: 'repair', workOrder: { ...workOrder, contactPhone: '13800138001' } });
    expect(await workstation.callbacks.list('open', 10)).toEqual([expect.objectContaining({ id: callback.id, number: '+8613800138001', deadlineAt: iso(T0 + 24 * HOUR) })]);
  });

  it('makes a work order’s callback through createFromWorkOrder, due 24 h after the order', async () => {
    const callback = await workstation.callbacks.createFromWorkOrder({ id: 'WO-1', createdAt: '2026-03-02T07:00:00.000Z', contactPhone: '13800138000' });
    expect(callback).toMatchObject({ source: 'work_order', deadlineAt: '2026-03-03T07:00:00.000Z' });
    expect(changed).toHaveLength(1);
  });
});
