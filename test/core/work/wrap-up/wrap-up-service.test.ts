import type { SavedWorkOrder } from '../../../../main/common/channels/work';
import { PhoneNumberNormalizer } from '../../../../main/core/directory/phone-number';
import { silentLogger } from '../../../../main/core/log/logger';
import { Outbox } from '../../../../main/core/sync/outbox';
import { DEFAULT_DISPOSITIONS, DEFAULT_FAULT_TYPES } from '../../../../main/core/work/agent-state/work-settings';
import type { ScriptPath } from '../../../../main/core/work/scripts/script-engine';
import { WrapUpService, type WrapUpInput } from '../../../../main/core/work/wrap-up/wrap-up-service';
import { openTempStore, type TempStore } from '../../store/temp-store';

const PATH: ScriptPath = {
  scriptId: 'repair-hotline',
  scriptName: '报修热线',
  scriptVersion: 1,
  startedAt: '2026-03-02T08:00:00.000Z',
  endedAt: '2026-03-02T08:01:00.000Z',
  steps: ['greet', 'bye'],
  answers: [],
  endStepId: 'bye',
  outcome: '已派单',
  entries: [{ at: '2026-03-02T08:00:00.000Z', kind: 'start', stepId: 'greet' }],
};

const ORDER = { faultType: 'outage', address: '北京市海淀区中关村大街1号', contactPhone: '138 0013 8000', description: '整栋楼停电，已持续两小时' };

describe('WrapUpService', () => {
  let store: TempStore;
  let service: WrapUpService;
  let dispositionSaved: string[];
  let announced: SavedWorkOrder[];
  const numbers = new PhoneNumberNormalizer({ defaultRegion: 'CN' });

  beforeEach(async () => {
    store = await openTempStore();
    dispositionSaved = [];
    announced = [];
    service = new WrapUpService({
      outbox: new Outbox(store.db, { now: () => new Date('2026-03-02T08:02:00.000Z') }),
      log: silentLogger,
      now: () => new Date('2026-03-02T08:02:00.000Z'),
      settings: () => ({ dispositions: DEFAULT_DISPOSITIONS, faultTypes: DEFAULT_FAULT_TYPES }),
      toE164: (raw) => numbers.toE164(raw),
      callKnown: async (callId) => callId.startsWith('call-'),
      scriptPath: (callId) => (callId === 'call-1' ? PATH : null),
      agentId: () => '8001',
      dispositionSaved: async (callId) => {
        dispositionSaved.push(callId);
      },
    });
    service.onWorkOrderSaved((order) => {
      announced.push(order);
    });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const save = (input: Partial<WrapUpInput>) => service.save({ callId: 'call-1', disposition: 'repair', notes: '', ...input });
  const outbox = () => store.db.all<{ kind: string; payload: string; idempotency_key: string }>('SELECT kind, payload, idempotency_key FROM outbox ORDER BY id');

  it('saves the wrap-up, the work order (phone in E.164) and the script path in one transaction with their outbox rows', async () => {
    const result = await save({ notes: ' 客户很着急 ', workOrder: ORDER });
    expect(result).toMatchObject({
      saved: true,
      wrapUp: { callId: 'call-1', disposition: 'repair', notes: '客户很着急', revision: 1, hasScriptPath: true },
      workOrder: { callId: 'call-1', faultType: 'outage', contactPhone: '138 0013 8000', contactE164: '+8613800138000', createdAt: '2026-03-02T08:02:00.000Z' },
    });
    const rows = await outbox();
    expect(rows.map((row) => [row.kind, row.idempotency_key])).toEqual([
      ['wrapup', 'wrapup%3Acall-1%3A1'],
      ['work_order', 'work-order%3Acall-1%3A1'],
    ]);
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({ agent: '8001', scriptPath: { scriptId: 'repair-hotline', outcome: '已派单' }, wrapUp: { disposition: 'repair' } });
    expect(JSON.parse(rows[1]!.payload)).toMatchObject({ workOrder: { address: ORDER.address, contactE164: '+8613800138000' } });
    expect(dispositionSaved).toEqual(['call-1']);
    expect(announced).toEqual([expect.objectContaining({ callId: 'call-1', contactE164: '+8613800138000' })]);
  });

  it('refuses a bad form with every field’s reason and writes nothing', async () => {
    const result = await save({ disposition: 'nonsense', workOrder: { faultType: 'ufo', address: '北京', contactPhone: '12345', description: '  ' } });
    expect(result).toEqual({
      saved: false,
      problems: [
        { field: 'disposition', code: 'unknown_code', reason: expect.any(String) },
        { field: 'faultType', code: 'unknown_code', reason: expect.any(String) },
        { field: 'address', code: 'too_short', reason: expect.any(String) },
        { field: 'contactPhone', code: 'invalid_phone', reason: expect.any(String) },
        { field: 'description', code: 'required', reason: expect.any(String) },
      ],
    });
    expect(await save({ disposition: '' })).toMatchObject({ saved: false, problems: [{ field: 'disposition', code: 'required' }] });
    expect(await store.db.all('SELECT * FROM wrap_ups')).toEqual([]);
    expect(await outbox()).toEqual([]);
    expect(dispositionSaved).toEqual([]);
    expect(announced).toEqual([]);
  });

  it('refuses a call this seat does not know', async () => {
    await expect(save({ callId: 'other' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a second save corrects the wrap-up (revision 2, its own outbox row) and keeps the work order’s id and creation time', async () => {
    const first = await save({ workOrder: ORDER });
    const second = await save({ disposition: 'complaint', workOrder: { ...ORDER, description: '整栋楼停电，已持续三小时' } });
    expect(second).toMatchObject({ saved: true, wrapUp: { revision: 2, disposition: 'complaint' } });
    if (!first.saved || !second.saved) throw new Error('not saved');
    expect(second.workOrder).toMatchObject({ id: first.workOrder!.id, createdAt: first.workOrder!.createdAt, description: '整栋楼停电，已持续三小时' });
    expect((await outbox()).map((row) => row.idempotency_key)).toEqual(['wrapup%3Acall-1%3A1', 'work-order%3Acall-1%3A1', 'wrapup%3Acall-1%3A2', 'work-order%3Acall-1%3A2']);
  });

  it('a listener that throws does not undo the save', async () => {
    service.onWorkOrderSaved(() => {
      throw new Error('callbacks down');
    });
    expect(await save({ callId: 'call-2', workOrder: ORDER })).toMatchObject({ saved: true, wrapUp: { hasScriptPath: false } });
    expect(await store.db.all('SELECT call_id FROM work_orders')).toEqual([{ call_id: 'call-2' }]);
  });
});
