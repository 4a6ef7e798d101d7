/**
 * Contacts agents save are queued for the CRM: one `contact` outbox row per version, in
 * the transaction that writes the contact (real sqlite in a temp dir), and delivered by
 * the real sync worker to a real HTTP back office on loopback. The workstation's wiring:
 * contact-outbox-wiring.test.ts.
 */
import type { ContactInput } from '../../../main/common/domain';
import { CONTACT_OUTBOX_KIND, DirectoryService, type ContactRecord } from '../../../main/core/directory/directory-service';
import { silentLogger } from '../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { NodeHttpSender } from '../../../main/core/sync/http-sender';
import { Outbox } from '../../../main/core/sync/outbox';
import { SyncWorker } from '../../../main/core/sync/sync-worker';
import { openTempStore, type TempStore } from '../store/temp-store';
import { BackOfficeServer } from '../sync/helpers/back-office-server';
import { ManualClock } from '../sync/helpers/manual-clock';

const FORM: ContactInput = {
  name: '陈静',
  company: '华东电力',
  tier: 'gold',
  tags: ['报修', '电表', '报修'],
  notes: '询问电表读数',
  numbers: [
    { label: 'mobile', raw: '139 1234 5678' },
    { label: 'work', raw: '021-5555 0000' },
  ],
};

describe('DirectoryService queues saved contacts for the CRM', () => {
  let store: TempStore;
  let clock: ManualClock;
  let outbox: Outbox;
  let directory: DirectoryService;
  let agent: string;

  beforeEach(async () => {
    store = await openTempStore();
    clock = new ManualClock();
    agent = '8001';
    outbox = new Outbox(store.db, { now: () => new Date(clock.now()) });
    directory = new DirectoryService(
      store.db,
      { defaultRegion: 'CN', crmQueue: { outbox, agentId: () => agent } },
      silentLogger,
      () => new Date(clock.now()),
    );
  });
  afterEach(async () => {
    await store.dispose();
  });

  const rows = async () =>
    (await store.db.all<{ kind: string; payload: string; idempotency_key: string }>('SELECT kind, payload, idempotency_key FROM outbox ORDER BY id')).map((row) => ({
      kind: row.kind,
      key: row.idempotency_key,
      payload: JSON.parse(row.payload) as ContactRecord,
    }));
  const keys = async () => (await rows()).map((row) => row.key);
  const contacts = () => store.db.all<{ id: number; name: string; revision: number }>('SELECT id, name, revision FROM contacts ORDER BY id');
  const later = (ms: number) => clock.advance(ms, async () => undefined);

  it('queues a created contact once, with everything the CRM needs and the call it came from', async () => {
    const card = await directory.saveContact(null, FORM, 'u1@pbx');
    expect(await rows()).toEqual([
      {
        kind: 'contact',
        key: `contact:${card.contact.id}:1`,
        payload: {
          action: 'created',
          contactId: card.contact.id,
          revision: 1,
          name: '陈静',
          company: '华东电力',
          tier: 'gold',
          tags: ['报修', '电表'],
          notes: '询问电表读数',
          numbers: [
            { label: 'mobile', raw: '139 1234 5678', e164: '+8613912345678' },
            { label: 'work', raw: '021-5555 0000', e164: '+862155550000' },
          ],
          agent: '8001',
          at: '2026-03-02T08:00:00.000Z',
          callId: 'u1@pbx',
        },
      },
    ]);
    expect(CONTACT_OUTBOX_KIND).toBe('contact');
  });

  it('queues an edit as the next revision, with what the contact is now', async () => {
    const { contact } = await directory.saveContact(null, FORM, 'u1@pbx');
    await later(60_000);
    agent = '8002';
    await directory.saveContact(contact.id, { name: '陈静', company: '华东电网', numbers: [{ label: 'mobile', raw: '13912345678' }] });
    const [created, updated] = await rows();
    expect(created!.key).toBe(`contact:${contact.id}:1`);
    expect(updated).toEqual({
      kind: 'contact',
      key: `contact:${contact.id}:2`,
      payload: {
        action: 'updated',
        contactId: contact.id,
        revision: 2,
        name: '陈静',
        company: '华东电网',
        tier: '',
        tags: [],
        notes: '',
        numbers: [{ label: 'mobile', raw: '13912345678', e164: '+8613912345678' }],
        agent: '8002',
        at: '2026-03-02T08:01:00.000Z',
        callId: null,
      },
    });
    expect(await contacts()).toEqual([{ id: contact.id, name: '陈静', revision: 2 }]);
  });

  it('does not queue a retry of the same save again: the same edit twice is one version, a repeated create is refused', async () => {
    const { contact } = await directory.saveContact(null, FORM);
    const edit: ContactInput = { ...FORM, notes: '已上门' };
    await directory.saveContact(contact.id, edit);
    await later(1_000);
    const again = await directory.saveContact(contact.id, edit);
    expect(again.contact.updatedAt).toBe('2026-03-02T08:00:00.000Z');
    expect(await keys()).toEqual([`contact:${contact.id}:1`, `contact:${contact.id}:2`]);
    expect(await contacts()).toEqual([{ id: contact.id, name: '陈静', revision: 2 }]);

    // A label changed is a change: the numbers are compared as typed and labelled, not only by E.164.
    await directory.saveContact(contact.id, { ...edit, numbers: [{ ...FORM.numbers[0]!, label: 'home' }, FORM.numbers[1]!] });
    expect(await keys()).toEqual([`contact:${contact.id}:1`, `contact:${contact.id}:2`, `contact:${contact.id}:3`]);

    await expect(directory.saveContact(null, FORM)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('already belongs') });
    expect(await rows()).toHaveLength(3);
  });

  it('queues nothing for a save it refuses', async () => {
    await expect(directory.saveContact(null, { name: '某人', numbers: [{ raw: '12345' }] })).rejects.toMatchObject({ code: 'invalid_input' });
    const { contact } = await directory.saveContact(null, FORM);
    await expect(directory.saveContact(contact.id, { ...FORM, numbers: [{ raw: '12345' }] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(directory.saveContact(contact.id + 1, { name: '无此人', numbers: [{ raw: '13800138000' }] })).rejects.toMatchObject({ code: 'not_found' });
    expect(await keys()).toEqual([`contact:${contact.id}:1`]);
    expect(await contacts()).toEqual([{ id: contact.id, name: '陈静', revision: 1 }]);
  });

  it('leaves neither the contact nor its record when the transaction fails after the contact is written', async () => {
    const enqueue = jest.spyOn(outbox, 'enqueue').mockRejectedValueOnce(new Error('disk I/O error'));
    await expect(directory.saveContact(null, FORM, 'u1@pbx')).rejects.toThrow('disk I/O error');
    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(await contacts()).toEqual([]);
    expect(await rows()).toEqual([]);
    expect((await directory.lookupNumber('13912345678')).card).toBeNull();

    const { contact } = await directory.saveContact(null, FORM);
    enqueue.mockRejectedValueOnce(new Error('disk I/O error'));
    await expect(directory.saveContact(contact.id, { name: '改名', numbers: [{ raw: '13800138000' }] })).rejects.toThrow('disk I/O error');
    expect(await contacts()).toEqual([{ id: contact.id, name: '陈静', revision: 1 }]);
    expect((await directory.card(contact.id)).contact.numbers.map((number) => number.e164)).toEqual(['+8613912345678', '+862155550000']);
    expect(await keys()).toEqual([`contact:${contact.id}:1`]);
  });

  it('queues nothing for an import, new or merged contacts; a merged contact edited later is queued at its next revision', async () => {
    const { contact } = await directory.saveContact(null, FORM);
    const csv = Buffer.from('姓名,公司,手机\r\n陈静,华东电力集团,13912345678\r\n李四,上海贸易,13900139000\r\n', 'utf8');
    const report = await directory.import({ fileName: '客户.csv', content: csv }, () => undefined);
    expect(report).toMatchObject({ imported: 1, merged: 1 });
    expect((await contacts()).map((row) => [row.name, row.revision])).toEqual([
      ['陈静', 2],
      ['李四', 1],
    ]);
    expect(await keys()).toEqual([`contact:${contact.id}:1`]);

    await directory.saveContact(contact.id, { ...FORM, company: '华东电力集团', notes: '' });
    expect((await rows()).map((row) => [row.key, row.payload.company])).toEqual([
      [`contact:${contact.id}:1`, '华东电力'],
      [`contact:${contact.id}:3`, '华东电力集团'],
    ]);
  });

  describe('delivered by the sync worker', () => {
    let server: BackOfficeServer;
    let worker: SyncWorker;

    beforeEach(async () => {
      server = new BackOfficeServer('t0ken');
      await server.up();
      worker = new SyncWorker({
        outbox,
        sender: new NodeHttpSender(),
        secrets: new MemorySecretProvider({ 'backoffice.token': 't0ken' }),
        settings: () => ({ endpoint: server.url, tokenSecret: 'backoffice.token', requestTimeoutMs: 1_000, backoffBaseMs: 1_000, backoffMaxMs: 60_000, pollMs: 5_000 }),
        log: silentLogger,
        clock,
        random: () => 0.5,
      });
    });
    afterEach(async () => {
      await worker.close();
      await server.down();
    });

    it('reaches the back office exactly once per version, in order, also when an answer is lost after the server applied it', async () => {
      // The first request is applied but answered 500: the worker must send it again, and the key makes that harmless.
      server.decide = (_, index) => ({ apply: true, respond: index === 0 ? 500 : 200 });
      worker.start();
      const { contact } = await directory.saveContact(null, FORM, 'u1@pbx');
      await worker.settled();
      expect(server.deliveries).toHaveLength(1);
      await directory.saveContact(contact.id, { ...FORM, tier: 'vip' });
      await clock.advance(1_000, () => worker.settled());

      expect(server.deliveries.map((delivery) => delivery.key)).toEqual([`contact:${contact.id}:1`, `contact:${contact.id}:1`, `contact:${contact.id}:2`]);
      expect(server.duplicates).toBe(1);
      const records = server.records();
      expect(records).toEqual([
        { id: `contact:${contact.id}:1`, kind: 'contact', createdAt: '2026-03-02T08:00:00.000Z', payload: expect.objectContaining({ action: 'created', revision: 1, tier: 'gold', callId: 'u1@pbx' }) },
        { id: `contact:${contact.id}:2`, kind: 'contact', createdAt: '2026-03-02T08:00:00.000Z', payload: expect.objectContaining({ action: 'updated', revision: 2, tier: 'vip', callId: null }) },
      ]);
      expect(records[0]!.payload).toEqual((await rows())[0]!.payload);
      expect(await outbox.counts()).toEqual({ pending: 0, failed: 0, sent: 2 });
    });
  });
});
