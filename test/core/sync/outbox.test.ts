import { Outbox } from '../../../main/core/sync/outbox';
import { openOutboxStore, type OutboxStore } from './helpers/outbox-store';

describe('Outbox', () => {
  let store: OutboxStore;
  let outbox: Outbox;
  let keys: number;
  beforeEach(async () => {
    store = await openOutboxStore();
    await store.db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    keys = 0;
    outbox = new Outbox(store.db, { now: () => new Date('2026-03-02T08:00:00.000Z'), newKey: () => `key-${++keys}` });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const rows = () => store.db.all<{ id: number; kind: string; payload: string; idempotency_key: string; state: string }>(
    'SELECT id, kind, payload, idempotency_key, state FROM outbox ORDER BY id',
  );

  it('commits the row together with the record, in enqueue order, with a key chosen at enqueue', async () => {
    const first = await store.db.transaction(async (tx) => {
      const { lastId } = await tx.run("INSERT INTO notes (text) VALUES ('一')");
      return outbox.enqueue(tx, { kind: 'note', payload: { noteId: lastId, text: '一' } });
    });
    const second = await store.db.transaction((tx) => outbox.enqueue(tx, { kind: 'note', payload: [1, 2], idempotencyKey: 'mine-1' }));
    expect(first).toEqual({ id: 1, idempotencyKey: 'key-1' });
    expect(second).toEqual({ id: 2, idempotencyKey: 'mine-1' });
    expect(await rows()).toEqual([
      { id: 1, kind: 'note', payload: '{"noteId":1,"text":"一"}', idempotency_key: 'key-1', state: 'pending' },
      { id: 2, kind: 'note', payload: '[1,2]', idempotency_key: 'mine-1', state: 'pending' },
    ]);
    expect(await outbox.counts()).toEqual({ pending: 2, failed: 0, sent: 0 });
  });

  it('rolls the row back with the record: a failed transaction leaves neither', async () => {
    await expect(
      store.db.transaction(async (tx) => {
        await tx.run("INSERT INTO notes (text) VALUES ('lost')");
        await outbox.enqueue(tx, { kind: 'note', payload: { text: 'lost' } });
        throw new Error('the form failed validation after all');
      }),
    ).rejects.toThrow('validation');
    expect(await store.db.all('SELECT * FROM notes')).toEqual([]);
    expect(await rows()).toEqual([]);
  });

  it('refuses the bare database, so a row can never commit apart from its record', async () => {
    await expect(outbox.enqueue(store.db, { kind: 'note', payload: {} })).rejects.toThrow(/handle of the transaction/);
    expect(await rows()).toEqual([]);
  });

  it('refuses a bad kind, a payload that is not JSON or too big, and a key that cannot travel as a header', async () => {
    await store.db.transaction(async (tx) => {
      await expect(outbox.enqueue(tx, { kind: 'has space', payload: {} })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(outbox.enqueue(tx, { kind: 'note', payload: undefined })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(outbox.enqueue(tx, { kind: 'note', payload: {}, idempotencyKey: 'a b' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(outbox.enqueue(tx, { kind: 'note', payload: {}, idempotencyKey: '键' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(outbox.enqueue(tx, { kind: 'note', payload: 'x'.repeat(256 * 1024) })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/over 262144 bytes/) });
    });
    expect(await rows()).toEqual([]);
  });

  it('treats the same key with the same record as the same row, and refuses it for another record', async () => {
    const again = () => store.db.transaction((tx) => outbox.enqueue(tx, { kind: 'note', payload: { a: 1 }, idempotencyKey: 'k' }));
    expect(await again()).toEqual({ id: 1, idempotencyKey: 'k' });
    expect(await again()).toEqual({ id: 1, idempotencyKey: 'k' });
    await expect(store.db.transaction((tx) => outbox.enqueue(tx, { kind: 'note', payload: { a: 2 }, idempotencyKey: 'k' }))).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/already used/),
    });
    expect(await rows()).toHaveLength(1);
  });

  it('wakes its listeners only after the transaction committed', async () => {
    const seen: number[] = [];
    outbox.onCommitted(() => seen.push(1));
    await expect(outbox.transaction(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(seen).toEqual([]);
    let visibleAtWakeUp: number | null = null;
    outbox.onCommitted(() => {
      void outbox.counts().then((counts) => (visibleAtWakeUp = counts.pending));
    });
    await outbox.transaction((tx) => outbox.enqueue(tx, { kind: 'note', payload: {} }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([1]);
    expect(visibleAtWakeUp).toBe(1);
  });

  it('settles only pending rows, re-queues parked ones in their place, and prunes only sent ones', async () => {
    for (let i = 0; i < 3; i += 1) await store.db.transaction((tx) => outbox.enqueue(tx, { kind: 'note', payload: { i } }));
    const at = new Date('2026-03-02T09:00:00.000Z');
    expect(await outbox.markSent(1, at)).toBe(true);
    expect(await outbox.markSent(1, at)).toBe(false);
    await outbox.markFailed(2, at, 'HTTP 422: bad phone');
    await outbox.markRetry(3, at, 12345, 'HTTP 500');
    expect(await outbox.counts()).toEqual({ pending: 1, failed: 1, sent: 1 });
    expect(await outbox.failed()).toMatchObject([{ id: 2, lastError: 'HTTP 422: bad phone', attempts: 1, failedAt: at.toISOString() }]);
    expect(await outbox.get(3)).toMatchObject({ attempts: 1, nextAttemptAt: 12345, lastError: 'HTTP 500', state: 'pending' });
    expect(await outbox.requeueFailed([2])).toBe(1);
    expect((await outbox.pending(10)).map((row) => [row.id, row.idempotencyKey])).toEqual([
      [2, 'key-2'],
      [3, 'key-3'],
    ]);
    await outbox.dueNow();
    expect(await outbox.get(2)).toMatchObject({ nextAttemptAt: 0 });
    expect(await outbox.pruneSent(new Date('2026-03-02T10:00:00.000Z'))).toBe(1);
    expect((await rows()).map((row) => row.id)).toEqual([2, 3]);
  });
});
