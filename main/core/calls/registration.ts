/**
 * Keeps the agent's extension registered at the PBX: REGISTER with digest auth
 * (drachtio-srf answers the challenge with the credentials we pass), a refresh at 80 %
 * of the time the registrar granted, and exponential backoff (capped) after any
 * failure — so a registrar that restarts, or a password fixed in the keychain, is
 * picked up again without anyone pressing a button. The password is read from the
 * secret provider for each REGISTER and kept nowhere else.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionReason } from '../../common/domain';
import type { SipAccount } from '../config/settings';
import type { Clock } from '../edge/clock';
import type { Logger } from '../log/logger';
import type { SecretProvider } from '../secrets';
import { parseNameAddr } from './caller-identity';
import { describeSipError, sipStatusOf, type SipResponseLike, type SrfLike } from './srf-port';

export type LineStatus =
  | { state: 'registering'; detail: string | null }
  | { state: 'registered'; expires: number }
  | { state: 'failing'; reason: Exclude<ConnectionReason, 'not_configured' | 'registering' | 'edge_failed'>; detail: string };

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000 };
/** The part of the granted time after which we refresh. */
const REFRESH_AT = 0.8;

export interface RegistrationOptions {
  account: SipAccount;
  srf: SrfLike;
  secrets: SecretProvider;
  clock: Clock;
  log: Logger;
  onStatus: (status: LineStatus) => void;
  backoff?: BackoffOptions;
  /** Gives up on one REGISTER after this long (the SIP stack's own 32 s timer usually answers first). */
  requestTimeoutMs?: number;
}

/** Where out-of-dialog requests go: the registrar / outbound proxy, with the account's transport. */
export function proxyOf(account: SipAccount): string {
  if (account.transport === 'tcp' && !/;transport=/i.test(account.registrar)) return `${account.registrar};transport=tcp`;
  return account.registrar;
}

export function aorOf(account: SipAccount): string {
  return `sip:${account.user}@${account.domain}`;
}

export class Registration {
  private timer: unknown = null;
  private failures = 0;
  private stopped = false;
  private registered = false;
  private inFlight: Promise<void> | null = null;
  // One Call-ID and a rising CSeq for every REGISTER of this binding (RFC 3261 §10.2.4).
  private readonly callId = `${randomBytes(12).toString('hex')}@zuoxi`;
  private cseq = 0;
  private readonly backoff: BackoffOptions;
  private readonly log: Logger;

  constructor(private readonly options: RegistrationOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.log = options.log.child({ module: 'calls.registration' });
  }

  /** Registers now (again); cancels a pending refresh or backoff. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** Stops refreshing and, when registered, removes the binding (best effort, bounded in time). */
  async stop(unregister = true): Promise<void> {
    this.stopped = true;
    this.cancelTimer();
    await this.inFlight?.catch(() => undefined);
    if (unregister && this.registered) {
      this.registered = false;
      try {
        await this.send(0, 2000);
        this.log.info('sip.unregistered');
      } catch (error) {
        this.log.warn('sip.unregister_failed', { error: describeSipError(error) });
      }
    }
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      // One REGISTER at a time: a new password arriving mid-attempt waits for that attempt.
      const run: Promise<void> = (this.inFlight ?? Promise.resolve()).then(() => this.attempt()).finally(() => {
        if (this.inFlight === run) this.inFlight = null;
      });
      this.inFlight = run;
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private async attempt(): Promise<void> {
    if (!this.registered) this.options.onStatus({ state: 'registering', detail: null });
    const { account } = this.options;
    let outcome: LineStatus;
    try {
      const response = await this.send(account.registerExpires);
      outcome = this.judge(response);
    } catch (error) {
      if (error instanceof MissingPassword) {
        outcome = { state: 'failing', reason: 'no_password', detail: `no password saved as "${account.passwordSecret}"` };
      } else {
        // drachtio-srf reports a failed request (e.g. no route to the registrar) as an error, sometimes with a status.
        const sip = sipStatusOf(error);
        outcome = sip ? failureOf(sip.status, sip.reason) : { state: 'failing', reason: 'unreachable', detail: describeSipError(error) };
      }
    }
    if (this.stopped) return;
    if (outcome.state === 'registered') {
      const first = !this.registered || this.failures > 0;
      this.registered = true;
      this.failures = 0;
      if (first) this.log.info('sip.registered', { aor: aorOf(account), expires: outcome.expires });
      else this.log.debug('sip.refreshed', { expires: outcome.expires });
      this.options.onStatus(outcome);
      this.schedule(Math.max(1000, outcome.expires * 1000 * REFRESH_AT));
      return;
    }
    this.registered = false;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.failures);
    this.failures += 1;
    this.log.warn('sip.register_failed', { ...(outcome.state === 'failing' ? { reason: outcome.reason, detail: outcome.detail } : {}), retryInMs: delay });
    this.options.onStatus(outcome);
    this.schedule(delay);
  }

  private judge(response: SipResponseLike): LineStatus {
    if (response.status >= 200 && response.status < 300) {
      return { state: 'registered', expires: grantedExpires(response, this.options.account.registerExpires) };
    }
    return failureOf(response.status, response.reason);
  }

  private async send(expires: number, timeoutMs = this.options.requestTimeoutMs ?? 40_000): Promise<SipResponseLike> {
    const { account, secrets, srf } = this.options;
    const password = await secrets.get(account.passwordSecret);
    if (password === null) throw new MissingPassword();
    const aor = aorOf(account);
    const transport = account.transport === 'tcp' ? ';transport=tcp' : '';
    this.cseq += 1;
    return new Promise<SipResponseLike>((resolve, reject) => {
      const timeout = this.options.clock.setTimeout(() => reject(new Error(`no answer to REGISTER within ${timeoutMs} ms`)), timeoutMs);
      const done = (fn: () => void) => {
        this.options.clock.clearTimeout(timeout);
        fn();
      };
      srf.request(
        `sip:${account.domain}`,
        {
          method: 'REGISTER',
          proxy: proxyOf(account),
          headers: {
            From: `<${aor}>`,
            To: `<${aor}>`,
            // The edge (or drachtio-server) puts its own address where "localhost" is.
            Contact: `<sip:${account.user}@localhost${transport}>`,
            Expires: String(expires),
            'Call-ID': this.callId,
            CSeq: `${this.cseq} REGISTER`,
            'User-Agent': 'Zuoxi',
          },
          auth: { username: account.authUsername ?? account.user, password },
        },
        (err, req) => {
          if (err) return done(() => reject(err));
          req.on('response', (res) => {
            // The digest retry (after 401/407) is drachtio-srf's; it also moves CSeq on.
            this.cseq = Math.max(this.cseq, Number((res.get('CSeq') ?? '').split(' ')[0]) || 0);
            done(() => resolve(res));
          });
        },
      );
    });
  }
}

class MissingPassword extends Error {}

/** A challenge that survived our credentials, or a 403, is the password; no answer is the network; the rest, the registrar's word. */
function failureOf(status: number, reason: string): LineStatus {
  const detail = `${status}${reason ? ` ${reason}` : ''}`;
  if (status === 401 || status === 403 || status === 407) return { state: 'failing', reason: 'auth_failed', detail };
  if (status === 408 || status === 503 || status === 504) return { state: 'failing', reason: 'unreachable', detail };
  return { state: 'failing', reason: 'rejected', detail };
}

/** What the registrar granted: the smallest Contact expires (ours is among them), else Expires, else what we asked. */
function grantedExpires(response: SipResponseLike, asked: number): number {
  const contacts = splitContacts(response.get('Contact') ?? '');
  const values = contacts
    .map((contact) => /;\s*expires\s*=\s*(\d+)/i.exec(contact.slice(contact.indexOf('>') + 1))?.[1])
    .filter((value): value is string => value !== undefined)
    .map(Number)
    .filter((value) => value > 0);
  if (values.length > 0) return Math.min(...values);
  const header = Number(response.get('Expires'));
  return Number.isFinite(header) && header > 0 ? header : asked;
}

function splitContacts(value: string): string[] {
  return value
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)(?![^<]*>)/)
    .map((part) => part.trim())
    .filter((part) => part !== '' && parseNameAddr(part) !== null);
}
