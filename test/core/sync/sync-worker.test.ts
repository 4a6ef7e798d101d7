/**
 * The sync worker against a real HTTP back office on loopback, with time on a
 * hand-stepped clock: 500s, timeouts, an hour of the server being down, refusals, bad
 * credentials and restarts. In every stage nothing is lost and the pending count is
 * what the outbox holds; after recovery the queue drains without anyone pressing a button.
 */
import { silentLogger } from '../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { backoffDelay, retryAfterMs } from '../../../main/core/sync/backoff';
import { NodeHttpSender } from '../../../main/core/sync/http-sender';
import { Outbox } from '../../../main/core/sync/outbox';
import type { BackOfficeSettings } from '../../../main/core/sync/sync-settings';
import { classify, SyncWorker, type SyncStatus } from '../../../main/core/sync/sync-worker';
import { BackOfficeServer } from './helpers/back-office-server';
import { ManualClock } from './helpers/manual-clock';
import { openOutboxStore, type OutboxStore } from './helpers/outbox-store';

const TOKEN = 's3cret-token';

describe('SyncWorker', () => {
  let store: OutboxStore;
  let clock: ManualClock;
  let outbox: Outbox;
  let server: BackOfficeServer;
  let secrets: MemorySecretProvider;
  let settings: BackOfficeSettings | null;
  let workers: SyncWorker[];
  let seq: number;

  beforeEach(async () => {
    store = await openOutboxStore();
    await store.db.exec('CREATE TABLE wrapups (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, disposition TEXT NOT NULL)');
    clock = new ManualClock();
    outbox = new Outbox(store.db, { now: () => new Date(clock.now()) });
    server = new BackOfficeServer(TOKEN);
    await server.up();
    secrets = new MemorySecretProvider({ 'backoffice.token': TOKEN });
    settings = {
      endpoint: server.url,
      tokenSecret: 'backoffice.token',
      requestTimeoutMs: 250,
      backoffBaseMs: 1_000,
      backoffMaxMs: 300_000,
      pollMs: 5_000,
    };
    workers = [];
    seq = 0;
  });

  afterEach(async () => {
    for (const worker of workers) await worker.close();
    await server.down();
    await store.dispose();
  });

  function newWorker(): SyncWorker {
    const worker = new SyncWorker({
      outbox,
      sender: new NodeHttpSender(),
      secrets,
      settings: () => settings,
      log: silentLogger,
      clock,
      random: () => 0.5,
    });
    workers.push(worker);
    return worker;
  }

  /** Wrap-ups written the way features will: record and outbox row in one transaction. */
  async function write(n: number): Promise<void> {
    for (let i = 0; i < n; i += 1) {
      await outbox.transaction(async (tx) => {
        seq += 1;
        const { lastId } = await tx.run("INSERT INTO wrapups (seq, disposition) VALUES (?, '已解决')", [seq]);
        await outbox.enqueue(tx, { kind: 'wrapup', payload: { seq, wrapupId: lastId, disposition: '已解决' } });
      });
    }
  }

  const step = (worker: SyncWorker, ms: number) => clock.advance(ms, () => worker.settled());
  const heldSeqs = () => server.records().map((record) => record.payload.seq);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const stored = async () => (await outbox.counts()).pending;

  async function expectDrained(worker: SyncWorker, n: number): Promise<void> {
    const status = await worker.status();
    expect(status).toMatchObject({ activity: 'idle', pending: 0, sending: 0, failed: 0, lastError: null, progress: { done: 0, total: 0 } });
    expect(status.lastSuccessAt).not.toBeNull();
    expect(heldSeqs()).toEqual(range(n));
    expect(await outbox.counts()).toEqual({ pending: 0, failed: 0, sent: n });
    // Every record the server holds is the very row of the outbox, under the row's own key.
    const keys = await store.db.all<{ idempotency_key: string }>('SELECT idempotency_key FROM outbox ORDER BY id');
    expect([...server.held.keys()]).toEqual(keys.map((row) => row.idempotency_key));
  }

  it('sends in order with the row’s key and the bearer token, and marks rows sent', async () => {
    const events: SyncStatus[] = [];
    const worker = newWorker();
    worker.onStatus((status) => events.push(status));
    await write(30);
    worker.start();
    await worker.settled();
    await expectDrained(worker, 30);
    expect(server.deliveries).toHaveLength(30);
    expect(server.deliveries.every((d) => d.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const first = JSON.parse(server.deliveries[0]!.body) as Record<string, unknown>;
    expect(first).toEqual({ id: server.deliveries[0]!.key, kind: 'wrapup', createdAt: '2026-03-02T08:00:00.000Z', payload: { seq: 1, wrapupId: 1, disposition: '已解决' } });
    expect(events[0]).toMatchObject({ activity: 'sending', pending: 30, sending: 1, progress: { done: 0, total: 30 } });
    expect(events.at(-1)).toMatchObject({ activity: 'idle', pending: 0, sending: 0 });

    // A later write wakes the idle worker at once (no poll needed: the clock stands still).
    await write(2);
    await worker.settled();
    expect(heldSeqs()).toEqual(range(32));
  });

  it('keeps rows on 500s with growing backoff, counts right at each stage, and drains by itself once the server recovers', async () => {
    server.decide = () => ({ apply: false, respond: 500 });
    const worker = newWorker();
    await write(5);
    worker.start();
    await worker.settled();

    const waits: number[] = [];
    for (let failure = 1; failure <= 5; failure += 1) {
      const status = await worker.status();
      expect(status).toMatchObject({ activity: 'waiting', pending: 5, sending: 0, failed: 0, lastError: 'HTTP 500: status 500' });
      expect(server.deliveries).toHaveLength(failure);
      const wait = Date.parse(status.nextAttemptAt!) - clock.now();
      waits.push(wait);
      // Not a millisecond early.
      await step(worker, wait - 1);
      expect(server.deliveries).toHaveLength(failure);
      await step(worker, 1);
    }
    // base 1 s doubling, equal jitter at 0.5: three quarters of each step.
    expect(waits).toEqual([750, 1_500, 3_000, 6_000, 12_000]);
    // Every retry is the same row under the same key: the head of the queue waits, the rest behind it.
    expect(new Set(server.deliveries.map((d) => d.key)).size).toBe(1);
    expect(server.held.size).toBe(0);

    // Written during the outage: counted at once, queued behind.
    await write(1);
    expect((await worker.status()).pending).toBe(6);
    expect(await stored()).toBe(6);

    server.decide = () => ({ apply: true, respond: 200 });
    await step(worker, 24_000);
    await expectDrained(worker, 6);
  });

  it('retries a timed-out request under the same key; the server that already applied it does not apply it twice', async () => {
    let hangs = 2;
    server.decide = () => (hangs-- > 0 ? { apply: true, respond: 'hang' } : { apply: true, respond: 200 });
    const worker = newWorker();
    await write(3);
    worker.start();
    await worker.settled();
    expect(await worker.status()).toMatchObject({ activity: 'waiting', pending: 3, lastError: expect.stringMatching(/^timeout: no answer within 250 ms/) });
    await step(worker, 1_000);
    expect(await worker.status()).toMatchObject({ activity: 'waiting', pending: 3 });
    await step(worker, 2_000);
    await expectDrained(worker, 3);
    expect(server.deliveries.slice(0, 3).map((d) => d.key)).toEqual(Array(3).fill(server.deliveries[0]!.key));
    expect(server.duplicates).toBe(2);
  });

  it('survives the back office being down for an hour: nothing lost, the count right every minute, drained within the backoff cap after', async () => {
    await server.down();
    const worker = newWorker();
    await write(20);
    worker.start();
    await worker.settled();
    for (let minute = 1; minute <= 60; minute += 1) {
      if (minute === 30) await write(5);
      await step(worker, 60_000);
      const status = await worker.status();
      const expected = minute >= 30 ? 25 : 20;
      expect(status).toMatchObject({ activity: 'waiting', pending: expected, failed: 0, sending: 0, lastSuccessAt: null });
      expect(status.lastError).toMatch(/ECONNREFUSED/);
      expect(status.progress).toEqual({ done: 0, total: expected });
      expect(await stored()).toBe(expected);
    }
    // Backoff grew to its cap instead of hammering: ~24 attempts in the hour, not thousands.
    const head = (await outbox.pending(1))[0]!;
    expect(head.attempts).toBeGreaterThanOrEqual(15);
    expect(head.attempts).toBeLessThanOrEqual(30);
    expect(head.nextAttemptAt - clock.now()).toBeLessThanOrEqual(300_000);

    await server.up();
    await step(worker, 300_000);
    await expectDrained(worker, 25);
  });

  it('parks a row the server refuses (4xx) with its reason, moves on, and sends it when re-queued', async () => {
    let refuse = true;
    server.decide = (delivery) =>
      refuse && (JSON.parse(delivery.body) as { payload: { seq: number } }).payload.seq === 2 ? { apply: false, respond: 422 } : { apply: true, respond: 201 };
    const worker = newWorker();
    const events: SyncStatus[] = [];
    worker.onStatus((status) => events.push(status));
    await write(3);
    worker.start();
    await worker.settled();
    expect(heldSeqs()).toEqual([1, 3]);
    // The refusal is announced when it happens; the later success clears lastError, while
    // the failed count and the row's own reason stay until someone acts.
    expect(events).toContainEqual(expect.objectContaining({ failed: 1, lastError: 'row 2 (wrapup) refused: HTTP 422: status 422' }));
    expect(await worker.status()).toMatchObject({ activity: 'idle', pending: 0, failed: 1, lastError: null });
    expect(await worker.failedRows()).toMatchObject([{ id: 2, state: 'failed', lastError: 'HTTP 422: status 422', attempts: 1 }]);
    // Parked is final until someone acts: time passing does not resend it.
    await step(worker, 3_600_000);
    expect(server.deliveries).toHaveLength(3);

    refuse = false;
    expect(await worker.retryFailed()).toBe(1);
    await worker.settled();
    expect(heldSeqs()).toEqual([1, 3, 2]);
    expect(await worker.status()).toMatchObject({ pending: 0, failed: 0, lastError: null });
  });

  it('does not park rows for a wrong or missing token (the rows are fine), and sends once the token is fixed', async () => {
    await secrets.set('backoffice.token', 'wrong');
    const worker = newWorker();
    await write(2);
    worker.start();
    await worker.settled();
    expect(await worker.status()).toMatchObject({ activity: 'waiting', pending: 2, failed: 0, lastError: 'HTTP 401: bad token — check the back-office token' });

    settings = { ...settings!, tokenSecret: 'backoffice.other' };
    await step(worker, 1_000);
    expect(await worker.status()).toMatchObject({ pending: 2, failed: 0, lastError: 'no back-office token in the secret store under "backoffice.other"' });
    expect(server.deliveries).toHaveLength(1);

    await secrets.set('backoffice.other', TOKEN);
    await step(worker, 2_000);
    await expectDrained(worker, 2);
  });

  it('picks up after a restart where it stopped: the backoff it was in, the same key, nothing sent early', async () => {
    server.decide = () => ({ apply: false, respond: 503 });
    const first = newWorker();
    await write(2);
    first.start();
    await first.settled();
    await step(first, 750);
    await first.close();
    const head = (await outbox.pending(1))[0]!;
    expect(head).toMatchObject({ attempts: 2, lastError: 'HTTP 503: status 503' });
    expect(head.nextAttemptAt - clock.now()).toBe(1_500);

    const second = newWorker();
    second.start();
    await second.settled();
    expect(server.deliveries).toHaveLength(2);
    expect(await second.status()).toMatchObject({ activity: 'waiting', pending: 2, nextAttemptAt: new Date(head.nextAttemptAt).toISOString() });
    server.decide = () => ({ apply: true, respond: 200 });
    await step(second, 1_500);
    await expectDrained(second, 2);
    expect(new Set(server.deliveries.slice(0, 3).map((d) => d.key)).size).toBe(1);
  });

  it('honours Retry-After on 429 and lets "sync now" cut a wait short', async () => {
    server.decide = (_, index) => (index === 0 ? { apply: false, respond: 429, headers: { 'retry-after': '120' } } : { apply: true, respond: 200 });
    const worker = newWorker();
    await write(1);
    worker.start();
    await worker.settled();
    const status = await worker.status();
    expect(status).toMatchObject({ activity: 'waiting', pending: 1, lastError: 'HTTP 429: status 429' });
    // The server's 2 minutes, not the 750 ms the first backoff step would have been.
    expect(Date.parse(status.nextAttemptAt!) - clock.now()).toBe(120_000);
    await worker.syncNow();
    await worker.settled();
    await expectDrained(worker, 1);
  });

  it('stops after the request in flight; the unanswered row stays pending and goes again, under its key, on the next start', async () => {
    server.decide = (_, index) => (index === 0 ? { apply: true, respond: 'hang' } : { apply: true, respond: 200 });
    const worker = newWorker();
    await write(2);
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await worker.status()).toMatchObject({ activity: 'sending', sending: 1, pending: 2 });
    await worker.stop();
    expect(await worker.status()).toMatchObject({ activity: 'stopped', sending: 0, pending: 2 });
    expect(server.deliveries).toHaveLength(1);
    worker.start();
    await step(worker, 1_000);
    await expectDrained(worker, 2);
    expect(server.deliveries[1]!.key).toBe(server.deliveries[0]!.key);
    expect(server.duplicates).toBe(1);
  });

  it('waits without sending while no endpoint is configured, and counts what waits', async () => {
    settings = null;
    const worker = newWorker();
    await write(4);
    worker.start();
    await worker.settled();
    expect(await worker.status()).toMatchObject({ activity: 'not_configured', pending: 4 });
    expect(server.deliveries).toHaveLength(0);
  });
});

describe('what an answer means', () => {
  const answer = (status: number, headers: Record<string, string> = {}) => classify({ status, headers, body: '' }, Date.parse('2026-03-02T08:00:00Z'));

  it('is sent on 2xx, retried on 5xx/408/429/401/403/3xx, and refused on the other 4xx', () => {
    for (const status of [200, 201, 202, 204]) expect(answer(status).kind).toBe('sent');
    for (const status of [500, 502, 503, 504, 408, 429, 401, 403, 301, 307]) expect(answer(status).kind).toBe('retry');
    for (const status of [400, 404, 409, 410, 413, 415, 422]) expect(answer(status).kind).toBe('refused');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(answer(429, { 'retry-after': '120' })).toMatchObject({ retryAfterMs: 120_000 });
    expect(answer(503, { 'retry-after': 'Mon, 02 Mar 2026 08:05:00 GMT' })).toMatchObject({ retryAfterMs: 300_000 });
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(undefined, 0)).toBeNull();
  });

  it('backs off exponentially with jitter, never past the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1_000, 300_000, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1_000, 300_000, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffDelay(40, 1_000, 300_000, () => 1)).toBe(300_000);
    expect(backoffDelay(40, 1_000, 300_000, () => 0)).toBe(150_000);
  });
});
