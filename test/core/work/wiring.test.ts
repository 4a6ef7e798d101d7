/** The work services as the workstation wires them: channels through the real router, status pushes, the log. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkstationStatus } from '../../../main/common/domain';
import { PushGate } from '../../../main/core/ipc/push-gate';
import { silentLogger } from '../../../main/core/log/logger';
import { Database } from '../../../main/core/store/database';
import { Workstation } from '../../../main/core/workstation';
import { BackOfficeServer } from '../sync/helpers/back-office-server';
import { fixture } from './scripts/fixtures';

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

  it('scripts through the router: import, run on a call, and the path saved with the wrap-up', async () => {
    const refused = await workstation.router.dispatch('scripts.import', { fileName: 'cycle.yaml', text: fixture('cycle.yaml') });
    expect(refused).toMatchObject({ ok: true, value: { ok: false, errors: [expect.objectContaining({ code: 'cycle', line: expect.any(Number) })] } });
    const imported = await workstation.router.dispatch('scripts.import', { fileName: '报修热线.yaml', text: fixture('repair-hotline.yaml') });
    expect(imported).toMatchObject({ ok: true, value: { ok: true, script: { id: 'repair-hotline', name: '报修热线' } } });
    expect(await workstation.router.dispatch('scripts.list', {})).toMatchObject({ ok: true, value: [{ id: 'repair-hotline' }] });
    expect(await workstation.router.dispatch('scripts.export', { id: 'repair-hotline', format: 'json' })).toMatchObject({ ok: true, value: { text: expect.stringContaining('"repair-hotline"') } });
    expect(await workstation.router.dispatch('scripts.remove', { id: 'nosuch' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await workstation.router.dispatch('scripts.continue', { callId: 'c2@pbx', stepId: 'greet' })).toMatchObject({ ok: false, code: 'not_found' });

    const first = await workstation.router.dispatch('scripts.start', { callId: 'c2@pbx', scriptId: 'repair-hotline' });
    expect(first).toMatchObject({ ok: true, value: { stepId: 'greet', type: 'say', text: expect.stringContaining('先生/女士') } });
    expect(await workstation.router.dispatch('scripts.continue', { callId: 'c2@pbx', stepId: 'greet' })).toMatchObject({ ok: true, value: { stepId: 'confirm-address' } });
    expect(await workstation.router.dispatch('scripts.continue', { callId: 'c2@pbx', stepId: 'greet' })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await workstation.router.dispatch('scripts.answer', { callId: 'c2@pbx', stepId: 'confirm-address', optionId: 'same' })).toMatchObject({ ok: true, value: { stepId: 'fault-type' } });
    expect(await workstation.router.dispatch('scripts.objection', { callId: 'c2@pbx', stepId: 'fault-type', snippetId: 'unhappy' })).toMatchObject({ ok: true, value: { title: '客户不满意' } });
    expect(await workstation.router.dispatch('scripts.back', { callId: 'c2@pbx', stepId: 'fault-type' })).toMatchObject({ ok: true, value: { stepId: 'confirm-address' } });
    // Removed from the library mid-call: the call's run and the path its wrap-up saves are untouched.
    expect(await workstation.router.dispatch('scripts.remove', { id: 'repair-hotline' })).toEqual({ ok: true, value: { id: 'repair-hotline' } });
    expect(await workstation.router.dispatch('scripts.list', {})).toEqual({ ok: true, value: [] });

    await workstation.db.run(
      "INSERT INTO calls (call_id, direction, remote_number, ring_at, end_at, outcome, cause) VALUES ('c2@pbx', 'inbound', '13800138000', '2026-03-02T08:00:00.000Z', '2026-03-02T08:05:00.000Z', 'answered', 'remote_hangup')",
    );
    expect(await workstation.router.dispatch('wrapup.save', { callId: 'c2@pbx', disposition: 'inquiry', notes: '' })).toMatchObject({ ok: true, value: { saved: true, wrapUp: { hasScriptPath: true } } });
    const row = await workstation.db.get<{ script_path: string }>("SELECT script_path FROM wrap_ups WHERE call_id = 'c2@pbx'");
    expect(JSON.parse(row!.script_path)).toMatchObject({ scriptId: 'repair-hotline', steps: ['greet', 'confirm-address'], entries: expect.arrayContaining([expect.objectContaining({ kind: 'back' })]) });
  });
});

describe('sync wiring', () => {
  let dataDir: string;
  let server: BackOfficeServer;
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-sync-'));
    server = new BackOfficeServer(null);
    await server.up();
  });
  afterEach(async () => {
    await server.down();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('waits while no back office is set, then sends every record once the endpoint is set, pushing "n waiting" down to 0', async () => {
    const workstation = await Workstation.open({ dataDir, host: 'headless', version: 'test', log: silentLogger, settings: { autoLogin: 'off' } });
    const pushes: { pending: number; activity: string }[] = [];
    const gate = new PushGate((push, payload) => {
      if (push === 'sync.changed') pushes.push(payload as { pending: number; activity: string });
    });
    gate.markReady();
    workstation.hub.attach(gate);
    try {
      await workstation.router.dispatch('agent.setState', { state: 'ready' });
      await workstation.router.dispatch('agent.setState', { state: 'not_ready', reason: 'break' });
      expect(await workstation.router.dispatch('sync.status', {})).toMatchObject({ ok: true, value: { activity: 'not_configured', pending: 2 } });
      expect(server.deliveries).toEqual([]);

      const updated = await workstation.router.dispatch('settings.update', { key: 'backOffice', value: { endpoint: server.url, tokenSecret: null } });
      expect(updated).toMatchObject({ ok: true });
      for (let i = 0; i < 200 && server.records().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await workstation.sync.settled();
      expect(server.records().map((record) => [record.kind, record.payload.state])).toEqual([
        ['agent_state', 'ready'],
        ['agent_state', 'not_ready'],
      ]);
      expect(await workstation.router.dispatch('sync.status', {})).toMatchObject({ ok: true, value: { pending: 0, failed: 0 } });
      expect(pushes.at(-1)).toMatchObject({ pending: 0 });
      expect(await workstation.router.dispatch('sync.retryFailed', {})).toEqual({ ok: true, value: { requeued: 0 } });
    } finally {
      await workstation.close();
    }
  });
});
