/** The work services as the workstation wires them: channels through the real router, status pushes, the log. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkstationStatus } from '../../../main/common/domain';
import { PushGate } from '../../../main/core/ipc/push-gate';
import { silentLogger } from '../../../main/core/log/logger';
import { Database } from '../../../main/core/store/database';
import { Workstation } from '../../../main/core/workstation';

describe('work wiring', () => {
  let dataDir: string;
  let workstation: Workstation;
  let statuses: WorkstationStatus[];

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-work-'));
    workstation = await Workstation.open({ dataDir, host: 'headless', version: 'test', log: silentLogger, settings: { autoLogin: 'off' } });
    statuses = [];
    const gate = new PushGate((push, payload) => {
      if (push === 'status.changed') statuses.push(payload as WorkstationStatus);
    });
    gate.markReady();
    workstation.hub.attach(gate);
  });
  afterEach(async () => {
    await workstation.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('agent.setState changes the state, pushes it in status.changed with reason and start, and the log keeps it; close logs out', async () => {
    expect(await workstation.router.dispatch('agent.state', {})).toMatchObject({ ok: true, value: { state: 'logged_out' } });
    const reply = await workstation.router.dispatch('agent.setState', { state: 'not_ready', reason: 'meeting' });
    expect(reply).toMatchObject({ ok: true, value: { state: 'not_ready', reason: 'meeting' } });
    expect(statuses.at(-1)).toMatchObject({ agentState: 'not_ready', agentStateReason: 'meeting', agentStateSince: expect.any(String) });
    expect(workstation.appInfo().status).toMatchObject({ agentState: 'not_ready', agentStateReason: 'meeting' });
    expect(await workstation.router.dispatch('agent.setState', { state: 'not_ready', reason: 'nap' })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await workstation.router.dispatch('agent.setState', { state: 'on_call' })).toMatchObject({ ok: false, code: 'invalid_payload' });
    await workstation.close();

    const db = await Database.open(path.join(dataDir, 'zuoxi.db'), silentLogger);
    try {
      const rows = await db.all<{ state: string; reason: string | null }>('SELECT state, reason FROM agent_state_log ORDER BY id');
      expect(rows).toEqual([
        { state: 'not_ready', reason: 'meeting' },
        { state: 'logged_out', reason: 'app_closed' },
      ]);
      const kinds = await db.all<{ kind: string }>('SELECT kind FROM outbox ORDER BY id');
      expect(kinds.map((row) => row.kind)).toEqual(['agent_state', 'agent_state']);
    } finally {
      await db.close();
    }
  });

  it('schedule.import takes the CSV as base64 and schedule.flags checks it against the log', async () => {
    const csv = '工号,日期,上班时间,下班时间\n,2026-03-02,09:00,18:00\n8001,2020-01-06,09:00,18:00\n';
    const report = await workstation.router.dispatch('schedule.import', { fileName: '排班.csv', contentBase64: Buffer.from(csv).toString('base64') });
    expect(report).toMatchObject({ ok: true, value: { imported: 1, errors: [{ row: 1, code: 'missing_agent' }] } });
    const flags = await workstation.router.dispatch('schedule.flags', { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z', agent: '8001' });
    expect(flags).toMatchObject({ ok: true, value: { agent: '8001', shifts: 1, points: -3, flags: [{ rule: 'post_left_empty', points: -3 }] } });
    expect(await workstation.router.dispatch('schedule.flags', { from: 'yesterday', to: '2020-02-01T00:00:00Z' })).toMatchObject({ ok: false, code: 'invalid_payload' });
  });

  it('wrapup.save through the router: options, field reasons, and a work order that makes its 24 h callback', async () => {
    const options = await workstation.router.dispatch('wrapup.options', {});
    expect(options).toMatchObject({ ok: true, value: { dispositions: expect.arrayContaining([expect.objectContaining({ code: 'repair' })]), faultTypes: expect.any(Array) } });
    expect(await workstation.router.dispatch('wrapup.save', { callId: 'nobody@x', disposition: 'repair' })).toMatchObject({ ok: false, code: 'not_found' });
    await workstation.db.run(
      "INSERT INTO calls (call_id, direction, remote_number, ring_at, answer_at, end_at, outcome, cause) VALUES ('c1@pbx', 'inbound', '13800138000', '2026-03-02T08:00:00.000Z', '2026-03-02T08:00:02.000Z', '2026-03-02T08:05:00.000Z', 'answered', 'remote_hangup')",
    );
    const bad = await workstation.router.dispatch('wrapup.save', { callId: 'c1@pbx', disposition: 'repair', workOrder: { faultType: 'outage', address: '海淀区中关村大街1号', contactPhone: 'abc', description: '整栋楼停电' } });
    expect(bad).toMatchObject({ ok: true, value: { saved: false, problems: [{ field: 'contactPhone', code: 'invalid_phone' }] } });
    const good = await workstation.router.dispatch('wrapup.save', { callId: 'c1@pbx', disposition: 'repair', workOrder: { faultType: 'outage', address: '海淀区中关村大街1号', contactPhone: '13800138000', description: '整栋楼停电' } });
    expect(good).toMatchObject({ ok: true, value: { saved: true, workOrder: { contactE164: '+8613800138000' } } });
    const callbacks = await workstation.router.dispatch('callbacks.list', {});
    expect(callbacks).toMatchObject({ ok: true });
    expect(JSON.stringify(callbacks)).toContain('work_order');
  });
});
