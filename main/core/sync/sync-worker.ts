import { systemClock, type Clock } from '../edge/clock';
import type { Logger } from '../log/logger';
import type { SecretProvider } from '../secrets';
import { backoffDelay, retryAfterMs } from './backoff';
import { HttpTransportError, type HttpResponse, type HttpSender } from './http-sender';
import type { Outbox, OutboxRow } from './outbox';
import type { BackOfficeSettings } from './sync-settings';

/**
 * - `idle`: nothing to send.
 * - `sending`: a request is in flight.
 * - `waiting`: the next row failed and waits for its backoff (see `nextAttemptAt`).
 * - `not_configured`: no back-office endpoint; rows wait in the outbox.
 * - `stopped`: `stop()` was called (or `start()` never was).
 */
export type SyncActivity = 'idle' | 'sending' | 'waiting' | 'not_configured' | 'stopped';

export interface SyncStatus {
  activity: SyncActivity;
  /** Rows not yet accepted by the back office, including the one in flight: the "n waiting to sync". */
  pending: number;
  /** 1 while a request is in flight, else 0. */
  sending: number;
  /** Rows the back office refused (4xx); parked with their reason until re-queued. */
  failed: number;
  /** Why the last attempt failed; null once a later one succeeded. */
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  /** When the waiting row is tried next (ISO), while `activity` is `waiting`. */
  nextAttemptAt: string | null;
  /**
   * The backlog being worked through: `done` rows settled (sent or parked) since the
   * queue was last empty, out of `total` = done + pending. Back to 0/0 when empty.
   */
  progress: { done: number; total: number };
}

export interface SyncWorkerOptions {
  outbox: Outbox;
  sender: HttpSender;
  secrets: SecretProvider;
  /** Read at every pass, so a settings change applies without a restart; null = not configured. */
  settings: () => BackOfficeSettings | null;
  log: Logger;
  /** Backoff waits, polling and timestamps; a hand-stepped clock in tests. */
  clock?: Clock;
  /** Jitter source, in [0, 1). */
  random?: () => number;
  /** Status events are spaced at least this far apart while draining (transitions always go out). Default 250 ms. */
  statusIntervalMs?: number;
}

/** A Retry-After longer than this is not believed: the worker comes back within an hour anyway. */
const MAX_RETRY_AFTER_MS = 3_600_000;
const BATCH = 100;

/** What one attempt means for its row. */
export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null }
  | { kind: 'refused'; reason: string };

/**
 * Sends the outbox to the back office, one row at a time in id order, so the server sees
 * records in the order they were written (a wrap-up before its correction). A row is
 * marked sent only after a 2xx; a crash between the server's answer and that mark means
 * the row goes again — with the same Idempotency-Key, which is what makes it harmless.
 *
 * A row that fails for a reason that is not its own (5xx, 408, 429, timeout, no
 * connection, bad credentials) stays at the head of the queue and is retried with
 * backoff; the rows behind it wait, keeping the order. A row the server refuses as such
 * (any other 4xx) is parked as failed with the reason, and the queue moves on.
 */
export class SyncWorker {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly statusIntervalMs: number;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private readonly unsubscribe: () => void;

  private running = false;
  private timer: unknown = null;
  /** The pass in progress, if any; `stop()` waits for it. */
  private pass: Promise<void> | null = null;
  /** A wake-up arrived during a pass: run another when it ends. */
  private again = false;

  private activity: SyncActivity = 'stopped';
  private inFlight = 0;
  private pending = 0;
  private failed = 0;
  private done = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private lastSuccessAt: string | null = null;
  private nextAttemptAt: number | null = null;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private lastEmitted = '';

  constructor(private readonly options: SyncWorkerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.statusIntervalMs = options.statusIntervalMs ?? 250;
    this.unsubscribe = options.outbox.onCommitted(() => this.notify());
  }

  /** Starts sending; rows left from an earlier run (also mid-backoff) are picked up where they were. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.kick();
  }

  /**
   * Stops after the request in flight (bounded by the request timeout). A row whose
   * answer is lost this way is simply sent again next time, with its key.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    await this.pass;
    this.activity = 'stopped';
    this.emit(true);
  }

  /** Stops, and detaches from the outbox and the sender for good. */
  async close(): Promise<void> {
    await this.stop();
    this.unsubscribe();
    this.listeners.clear();
    this.options.sender.close();
  }

  /** Something was written: look now rather than at the next poll. Does not cut a backoff short. */
  notify(): void {
    if (!this.running) return;
    if (this.activity === 'waiting' && this.nextAttemptAt !== null && this.nextAttemptAt > this.clock.now()) {
      // The head row is in backoff and the new row queues behind it; only the count changes.
      void this.refreshCounts().then(() => this.emit(true));
      return;
    }
    this.kick();
  }

  /** "Sync now": the row in backoff is tried at once. */
  async syncNow(): Promise<void> {
    await this.options.outbox.dueNow();
    this.kick();
  }

  /** Re-queues parked rows (all, or the ids given) and sends them in their old place by id. */
  async retryFailed(ids?: readonly number[]): Promise<number> {
    const n = await this.options.outbox.requeueFailed(ids);
    if (n > 0) this.kick();
    return n;
  }

  /** The rows the back office refused, with the reasons, for the sync screen. */
  failedRows(limit = 100): Promise<OutboxRow[]> {
    return this.options.outbox.failed(limit);
  }

  /**
   * Resolves once no pass is running — a row waiting for its backoff timer does not
   * count as running. Lets a caller (shutdown, a test stepping a clock) wait for the
   * real I/O a wake-up started.
   */
  async settled(): Promise<void> {
    while (this.pass) await this.pass;
  }

  /** Counts straight from the store, so they are right even before the first pass. */
  async status(): Promise<SyncStatus> {
    await this.refreshCounts();
    return this.snapshot();
  }

  /** Every change of status (throttled while draining); returns the unsubscribe. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- the loop ----

  private kick(): void {
    if (!this.running) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.pass = this.runPass()
      .catch((error: unknown) => {
        // A store error (disk full, database closed under us): report it and try later.
        this.noteError(`store: ${error instanceof Error ? error.message : String(error)}`);
        this.options.log.error('sync.pass_failed', { error });
        this.schedule(this.settingsOrNull()?.pollMs ?? 5_000);
      })
      .finally(() => {
        this.pass = null;
        if (this.again && this.running) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async runPass(): Promise<void> {
    this.again = false;
    await this.refreshCounts();
    const settings = this.settingsOrNull();
    if (!settings) {
      this.activity = 'not_configured';
      this.emit(true);
      this.schedule(60_000);
      return;
    }
    const token = await this.token(settings);
    let afterId = 0;
    while (this.running) {
      const batch = await this.options.outbox.pending(BATCH, afterId);
      if (batch.length === 0) {
        await this.refreshCounts();
        if (this.pending === 0) this.done = 0;
        this.activity = 'idle';
        this.nextAttemptAt = null;
        this.emit(true);
        this.schedule(settings.pollMs);
        return;
      }
      for (const row of batch) {
        if (!this.running) return;
        const wait = row.nextAttemptAt - this.clock.now();
        if (wait > 0) {
          this.activity = 'waiting';
          this.nextAttemptAt = row.nextAttemptAt;
          this.emit(true);
          this.schedule(wait);
          return;
        }
        const settled = await this.attempt(row, settings, token);
        if (!settled) {
          // The head row is in backoff now: the next pass starts from it again.
          return this.kickLater();
        }
        afterId = row.id;
      }
      // Rows written meanwhile are counted once per batch, not per row.
      await this.refreshCounts();
    }
  }

  /** After a failed attempt: the loop re-reads the head row and finds its new due time. */
  private kickLater(): void {
    this.again = true;
  }

  /** Sends one row; true when it is settled (sent or parked), false when it waits for a retry. */
  private async attempt(row: OutboxRow, settings: BackOfficeSettings, token: TokenLookup): Promise<boolean> {
    this.activity = 'sending';
    this.inFlight = 1;
    this.emit(false);
    let outcome: SendOutcome;
    if (token.kind === 'missing') {
      outcome = { kind: 'retry', reason: `no back-office token in the secret store under "${token.name}"`, retryAfterMs: null };
    } else {
      outcome = await this.send(row, settings, token.value);
    }
    this.inFlight = 0;
    const now = new Date(this.clock.now());
    switch (outcome.kind) {
      case 'sent':
        await this.options.outbox.markSent(row.id, now);
        this.pending = Math.max(0, this.pending - 1);
        this.done += 1;
        this.lastSuccessAt = now.toISOString();
        this.lastError = null;
        this.lastErrorAt = null;
        this.options.log.debug('sync.sent', { id: row.id, kind: row.kind, attempts: row.attempts + 1 });
        this.emit(false);
        return true;
      case 'refused':
        await this.options.outbox.markFailed(row.id, now, outcome.reason);
        this.pending = Math.max(0, this.pending - 1);
        this.failed += 1;
        this.done += 1;
        this.noteError(`row ${row.id} (${row.kind}) refused: ${outcome.reason}`);
        this.options.log.error('sync.refused', { id: row.id, kind: row.kind, reason: outcome.reason });
        this.emit(true);
        return true;
      case 'retry': {
        const failures = row.attempts + 1;
        let delay = backoffDelay(failures, settings.backoffBaseMs, settings.backoffMaxMs, this.random);
        if (outcome.retryAfterMs !== null) delay = Math.max(delay, Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS));
        const next = this.clock.now() + delay;
        await this.options.outbox.markRetry(row.id, now, next, outcome.reason);
        this.noteError(outcome.reason);
        this.options.log.warn('sync.retry', { id: row.id, kind: row.kind, failures, delayMs: delay, reason: outcome.reason });
        return false;
      }
    }
  }

  private async send(row: OutboxRow, settings: BackOfficeSettings, token: string | null): Promise<SendOutcome> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'idempotency-key': row.idempotencyKey,
    };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    // The payload is stored as JSON text and goes out untouched: every attempt is the same bytes.
    const body = `{"id":${JSON.stringify(row.idempotencyKey)},"kind":${JSON.stringify(row.kind)},"createdAt":${JSON.stringify(row.createdAt)},"payload":${row.payload}}`;
    let response: HttpResponse;
    try {
      response = await this.options.sender.post({ url: settings.endpoint, headers, body, timeoutMs: settings.requestTimeoutMs });
    } catch (error) {
      if (error instanceof HttpTransportError) return { kind: 'retry', reason: `${error.reason}: ${error.message}`, retryAfterMs: null };
      return { kind: 'retry', reason: error instanceof Error ? error.message : String(error), retryAfterMs: null };
    }
    return classify(response, this.clock.now());
  }

  private async token(settings: BackOfficeSettings): Promise<TokenLookup> {
    if (settings.tokenSecret === null) return { kind: 'none', value: null };
    const value = await this.options.secrets.get(settings.tokenSecret);
    return value ? { kind: 'found', value } : { kind: 'missing', name: settings.tokenSecret };
  }

  private settingsOrNull(): BackOfficeSettings | null {
    try {
      return this.options.settings();
    } catch (error) {
      this.options.log.error('sync.settings_unreadable', { error });
      return null;
    }
  }

  private schedule(ms: number): void {
    this.clearTimer();
    if (!this.running) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.kick();
    }, Math.max(0, ms));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private async refreshCounts(): Promise<void> {
    const counts = await this.options.outbox.counts();
    this.pending = counts.pending;
    this.failed = counts.failed;
  }

  private noteError(reason: string): void {
    this.lastError = reason;
    this.lastErrorAt = new Date(this.clock.now()).toISOString();
  }

  private snapshot(): SyncStatus {
    const waiting = this.activity === 'waiting' && this.nextAttemptAt !== null;
    return {
      activity: this.activity,
      pending: this.pending,
      sending: this.inFlight,
      failed: this.failed,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      lastSuccessAt: this.lastSuccessAt,
      nextAttemptAt: waiting ? new Date(this.nextAttemptAt!).toISOString() : null,
      progress: { done: this.done, total: this.done + this.pending },
    };
  }

  /** `force` for transitions the agent must see; per-row progress is spaced out by `statusIntervalMs`. */
  private emit(force: boolean): void {
    if (this.listeners.size === 0) return;
    const now = this.clock.now();
    if (!force && now - this.lastEmitAt < this.statusIntervalMs) return;
    const status = this.snapshot();
    const fingerprint = JSON.stringify(status);
    if (fingerprint === this.lastEmitted) return;
    this.lastEmitAt = now;
    this.lastEmitted = fingerprint;
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (error) {
        this.options.log.error('sync.listener_failed', { error });
      }
    }
  }
}

type TokenLookup = { kind: 'none'; value: null } | { kind: 'found'; value: string } | { kind: 'missing'; name: string };

/** What an HTTP answer means for the row. */
export function classify(response: HttpResponse, nowMs: number): SendOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'sent' };
  const detail = summarise(response);
  const after = retryAfterMs(response.headers['retry-after'], nowMs);
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', reason: detail, retryAfterMs: after };
  // Credentials and redirects are about the endpoint, not the row: parking every row
  // behind a wrong token would turn one settings mistake into a pile of "failed" records.
  if (status === 401 || status === 403) return { kind: 'retry', reason: `${detail} — check the back-office token`, retryAfterMs: after };
  if (status >= 300 && status < 400) {
    return { kind: 'retry', reason: `${detail} — the endpoint redirects to ${response.headers.location ?? '?'}; set that URL instead`, retryAfterMs: null };
  }
  if (status >= 400 && status < 500) return { kind: 'refused', reason: detail };
  return { kind: 'retry', reason: detail, retryAfterMs: null };
}

function summarise(response: HttpResponse): string {
  const text = response.body.replace(/\s+/g, ' ').trim();
  return text ? `HTTP ${response.status}: ${text.slice(0, 300)}` : `HTTP ${response.status}`;
}
