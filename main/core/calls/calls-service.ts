/**
 * Call control in desk-phone mode. Zuoxi registers as the agent's extension; a call to
 * it rings here (the card pops before anyone answers); Answer rings the agent's own SIP
 * phone with auto-answer and bridges the two as a B2BUA, so the audio flows phone to
 * phone and Zuoxi carries signalling only. Hold, DTMF, transfers and click-to-dial are
 * re-INVITEs, INFOs and REFERs on those legs. Every call ends in the call log.
 */
import { randomBytes } from 'node:crypto';
import type { CallLogPage, CallSummary, ConnectionReason, WorkstationStatus } from '../../common/domain';
import { ZuoxiError } from '../../common/errors';
import type { SipAccount, SipEdgeSettings } from '../config/settings';
import type { DirectoryService, NumberLookup } from '../directory/directory-service';
import { systemClock, type Clock, type SipTimerValues } from '../edge/clock';
import type { SipEdgeAddresses } from '../edge/sip-edge';
import type { Logger } from '../log/logger';
import type { SecretProvider } from '../secrets';
import { callerIdentity, dialledNumber, userOf } from './caller-identity';
import type { CallLog } from './call-log';
import { CallSession, Leg } from './call-session';
import { CallTracker } from './call-tracker';
import { aorOf, proxyOf, Registration, type BackoffOptions, type LineStatus } from './registration';
import { blackHoleAnswer, withDirection } from './sdp';
import { SipStack, SipStackError } from './sip-stack';
import { describeSipError, type DialogLike, type DigestCredentials, type SipRequestLike, type SipResponseLike, type SrfLike, type ThirdPartyOffer } from './srf-port';

export interface CallsSettings {
  sipAccount: SipAccount | null;
  deskPhoneUri: string | null;
  sipEdge: SipEdgeSettings;
}

export type LineState = Pick<WorkstationStatus, 'connection' | 'connectionDetail' | 'connectionReason'>;

export interface CallsServiceOptions {
  /** Read at start() and restart(): the SIP part of the current settings. */
  settings: () => CallsSettings;
  secrets: SecretProvider;
  directory: DirectoryService;
  callLog: CallLog;
  log: Logger;
  now: () => Date;
  /** Timers for registration refresh and backoff. */
  timers?: Clock;
  /** Every change of a call (its summary), for the `calls.changed` push. */
  publish: (summary: CallSummary) => void;
  /** Every change of the line (registration), for `status.changed`. */
  onLineState: (state: LineState) => void;
  edgeTimers?: Partial<SipTimerValues>;
  backoff?: BackoffOptions;
  /** How long a ringing call waits for the card before the first push goes out without it. */
  lookupDeadlineMs?: number;
  /** How long a blind transfer waits for the customer's phone to report the outcome. */
  transferTimeoutMs?: number;
  /**
   * Whether a new inbound call may ring (the agent's state: not ready, logged out and
   * wrap-up say no). A refused call gets 486 Busy Here so the PBX / ACD routes it elsewhere.
   */
  admitsInbound?: () => boolean;
}

// Asks the desk phone to answer by itself: Call-Info answer-after (Polycom, Yealink,
// Grandstream, Snom…) and Alert-Info auto-answer (Cisco/Linksys/Grandstream) between them
// cover most desk phones; a softphone set to auto-answer ignores both.
const AUTO_ANSWER_ALERT = '<http://www.notused.com>;info=alert-autoanswer';

const DTMF_DURATION_MS = 160;

export class CallsService {
  private readonly tracker = new CallTracker();
  /** Customer ↔ transfer-target pairs Zuoxi still relays after an attended transfer. */
  private readonly bridges = new Set<[Leg, Leg]>();
  /** Which leg hears which: re-INVITEs from one are passed to the other. */
  private readonly links = new Map<Leg, Leg>();
  private stack: SipStack | null = null;
  private registration: Registration | null = null;
  private account: SipAccount | null = null;
  private deskPhoneUri: string | null = null;
  private line: LineState = { connection: 'offline', connectionDetail: null, connectionReason: 'not_configured' };
  private readonly timers: Clock;
  private readonly log: Logger;
  private starting: Promise<void> | null = null;
  private unreachableTimer: unknown = null;

  constructor(private readonly options: CallsServiceOptions) {
    this.timers = options.timers ?? systemClock;
    this.log = options.log.child({ module: 'calls' });
  }

  get lineState(): LineState {
    return this.line;
  }

  get isRegistered(): boolean {
    return this.registration?.isRegistered ?? false;
  }

  /** Where the embedded edge listens (null when external or not started). */
  get edgeAddresses(): SipEdgeAddresses | null {
    return this.stack?.addresses ?? null;
  }

  /** Starts the SIP stack and registration from the current settings. Never throws: failures become the line state. */
  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => (this.starting = null));
    return this.starting;
  }

  /** After the SIP settings (or the password) changed. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private async doStart(): Promise<void> {
    const settings = this.options.settings();
    this.account = settings.sipAccount;
    this.deskPhoneUri = settings.deskPhoneUri;
    if (!this.account) {
      this.setLine({ connection: 'offline', connectionDetail: null, connectionReason: 'not_configured' });
      return;
    }
    this.setLine({ connection: 'connecting', connectionDetail: null, connectionReason: 'registering' });
    const account = this.account;
    try {
      this.stack = await SipStack.start({
        edge: settings.sipEdge,
        secrets: this.options.secrets,
        log: this.options.log,
        ...(this.options.edgeTimers ? { edgeTimers: this.options.edgeTimers } : {}),
        setup: (srf) => srf.invite((req, res) => void this.onInvite(req, res)),
        onConnect: (err) => this.onStackConnect(err),
        onDisconnect: () => {
          void this.registration?.stop(false);
          // A server that refused our secret closes right after: keep its reason, not "lost".
          if (this.line.connectionReason === 'unreachable' && this.line.connectionDetail !== null) return;
          this.setLine({ connection: 'offline', connectionDetail: 'lost the connection to the drachtio server', connectionReason: 'unreachable' });
        },
      });
    } catch (error) {
      const reason: ConnectionReason = error instanceof SipStackError ? error.reason : 'edge_failed';
      this.log.error('calls.stack_failed', { reason, error: (error as Error).message });
      this.setLine({ connection: 'offline', connectionDetail: (error as Error).message, connectionReason: reason });
      return;
    }
    this.registration = new Registration({
      account,
      srf: this.stack.srf,
      secrets: this.options.secrets,
      clock: this.timers,
      log: this.options.log,
      onStatus: (status) => this.onLineStatus(status),
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
    });
    // An external server that never answers would otherwise leave "registering" forever.
    this.unreachableTimer = this.timers.setTimeout(() => {
      this.unreachableTimer = null;
      if (this.line.connectionReason === 'registering' && !this.isRegistered) {
        this.setLine({ connection: 'offline', connectionDetail: 'no connection to the drachtio server', connectionReason: 'unreachable' });
      }
    }, 5000);
  }

  private onStackConnect(err: Error | null): void {
    if (err) {
      this.setLine({ connection: 'offline', connectionDetail: `the drachtio server refused us: ${err.message}`, connectionReason: 'unreachable' });
      return;
    }
    this.registration?.start();
  }

  private onLineStatus(status: LineStatus): void {
    if (status.state === 'registered') this.setLine({ connection: 'online', connectionDetail: null, connectionReason: null });
    else if (status.state === 'registering') this.setLine({ connection: 'connecting', connectionDetail: status.detail, connectionReason: 'registering' });
    else this.setLine({ connection: 'offline', connectionDetail: status.detail, connectionReason: status.reason });
  }

  private setLine(state: LineState): void {
    const same =
      state.connection === this.line.connection && state.connectionDetail === this.line.connectionDetail && state.connectionReason === this.line.connectionReason;
    this.line = state;
    if (!same) this.options.onLineState(state);
  }

  /** Ends every call (logged with cause shutdown), unregisters, and stops the SIP stack. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.unreachableTimer !== null) this.timers.clearTimeout(this.unreachableTimer);
    this.unreachableTimer = null;
    for (const session of this.tracker.list()) await this.finish(session, 'shutdown');
    for (const [a, b] of this.bridges) await Promise.all([a.hangUp(), b.hangUp()]);
    this.bridges.clear();
    this.links.clear();
    await this.registration?.stop();
    this.registration = null;
    await this.stack?.stop();
    this.stack = null;
  }

  /** Saves the account's password where the secret provider keeps it, then registers with it at once. */
  async setPassword(password: string): Promise<void> {
    const account = this.options.settings().sipAccount;
    if (!account) throw new ZuoxiError('invalid_input', 'No SIP account is configured');
    await this.options.secrets.set(account.passwordSecret, password);
    this.log.info('calls.password_saved', { secretName: account.passwordSecret });
    if (this.registration) this.registration.start();
    else await this.restart();
  }

  // ---- Reads

  list(): CallSummary[] {
    return this.tracker.list().map((session) => session.summary());
  }

  logPage(limit: number, before: number | null): Promise<CallLogPage> {
    return this.options.callLog.page(limit, before);
  }

  // ---- Inbound

  private async onInvite(req: SipRequestLike, res: SipResponseLike): Promise<void> {
    const callId = req.get('Call-ID') ?? '';
    if (!this.account || this.tracker.get(callId)) {
      res.send(this.account ? 482 : 480);
      return;
    }
    if (this.options.admitsInbound && !this.options.admitsInbound()) {
      res.send(486, 'Busy Here');
      this.log.info('calls.refused_not_ready', { callId });
      return;
    }
    const identity = callerIdentity({
      from: req.get('From'),
      pAssertedIdentity: req.get('P-Asserted-Identity'),
      remotePartyId: req.get('Remote-Party-ID'),
      privacy: req.get('Privacy'),
    });
    const session = new CallSession({
      id: callId,
      direction: 'inbound',
      state: 'ringing',
      remote: { number: identity.number, e164: null, displayName: identity.displayName, withheld: identity.withheld },
      dialled: dialledNumber({ pCalledPartyId: req.get('P-Called-Party-ID'), diversion: req.get('Diversion'), to: req.get('To'), requestUri: req.uri }),
      ringAt: this.stamp(),
    });
    session.inbound = { req, res };
    this.tracker.add(session);
    res.send(180);
    req.on('cancel', () => this.onCallerCancel(session));
    this.log.info('calls.ringing', { callId, number: identity.number, withheld: identity.withheld });
    await this.popCard(session);
  }

  /** Looks the caller up; the first push waits for the card, but never longer than the deadline. */
  private async popCard(session: CallSession): Promise<void> {
    const number = session.remote.number;
    if (number === null) {
      this.publish(session);
      return;
    }
    // A CRM connector answering after the first push brings a richer card: pushed again, in place.
    const enriched = (update: NumberLookup) => {
      if (session.ended) return;
      session.remote.e164 = update.e164;
      session.card = update.card;
      this.publish(session);
    };
    const lookup = this.options.directory.lookupNumber(number, enriched).then(
      (found) => {
        session.remote.e164 = found.e164;
        session.card = found.card;
        return true;
      },
      (error: unknown) => {
        this.log.warn('calls.lookup_failed', { callId: session.id, error });
        return false;
      },
    );
    session.lookup = lookup.then(() => undefined);
    let timer: unknown = null;
    const deadline = new Promise<'late'>((resolve) => (timer = this.timers.setTimeout(() => resolve('late'), this.options.lookupDeadlineMs ?? 1500)));
    const first = await Promise.race([lookup, deadline]);
    this.timers.clearTimeout(timer);
    if (session.ended) return;
    this.publish(session);
    if (first === 'late' && (await lookup) && !session.ended) this.publish(session);
  }

  private onCallerCancel(session: CallSession): void {
    if (session.ended) return;
    this.log.info('calls.cancelled', { callId: session.id });
    for (const request of session.pending) request.cancel();
    void this.conclude(session, 'missed', 'caller_cancelled', '487 Request Terminated');
  }

  async answer(callId: string): Promise<CallSummary> {
    const session = this.session(callId);
    return session.run(async () => {
      const inbound = session.inbound;
      if (session.state !== 'ringing' || !inbound) throw notNow(session, 'answer');
      const deskUri = this.requireDeskPhone();
      const { req, res } = inbound;
      let desk: DialogLike;
      try {
        desk = await this.invite(session, deskUri, {
          localSdp: req.body,
          headers: {
            From: this.fromHeaderFor(session),
            'Call-Info': `<${aorOf(this.requireAccount())}>;answer-after=0`,
            'Alert-Info': AUTO_ANSWER_ALERT,
          },
        });
      } catch (error) {
        if (session.ended) throw notNow(session, 'answer');
        this.log.warn('calls.desk_failed', { callId, error: describeSipError(error) });
        throw new ZuoxiError('unavailable', `Your desk phone did not answer (${describeSipError(error)}); the call is still ringing`);
      }
      if (session.ended) {
        await desk.destroy().catch(() => undefined);
        throw notNow(session, 'answer');
      }
      let customer: DialogLike;
      try {
        customer = await this.srf().createUAS(req, res, { localSdp: desk.remote.sdp });
      } catch (error) {
        await desk.destroy().catch(() => undefined);
        await this.conclude(session, 'missed', 'caller_cancelled', describeSipError(error));
        throw notNow(session, 'answer');
      }
      session.inbound = null;
      session.customer = this.adopt(new Leg('customer', customer, desk.remote.sdp), session);
      session.desk = this.adopt(new Leg('desk', desk, req.body), session);
      this.link(session.customer, session.desk);
      session.answerAt = this.stamp();
      session.state = 'active';
      this.log.info('calls.answered', { callId });
      this.publish(session);
      return session.summary();
    });
  }

  async reject(callId: string, reason: 'busy' | 'decline'): Promise<CallSummary> {
    const session = this.session(callId);
    return session.run(async () => {
      if (session.state !== 'ringing' || !session.inbound) throw notNow(session, 'reject');
      const [status, text] = reason === 'busy' ? [486, 'Busy Here'] : [603, 'Decline'];
      session.inbound.res.send(status, text);
      await this.conclude(session, 'rejected', 'rejected', `${status} ${text}`);
      return session.summary();
    });
  }

  async hangup(callId: string): Promise<CallSummary> {
    const session = this.session(callId);
    if (session.state === 'ringing' && session.direction === 'inbound') return this.reject(callId, 'busy');
    if (session.state === 'dialing') {
      // Not queued: the set-up in progress holds the queue until the INVITE is answered.
      for (const request of session.pending) request.cancel();
      await this.conclude(session, 'failed', 'local_hangup');
      if (!session.consultFor) await session.desk?.hangUp();
      return session.summary();
    }
    return session.run(async () => {
      if (session.ended) throw notNow(session, 'hang up');
      await this.finish(session, 'local_hangup');
      return session.summary();
    });
  }

  // ---- In a call

  async hold(callId: string, hold: boolean): Promise<CallSummary> {
    const session = this.session(callId);
    return session.run(async () => {
      if (session.state !== (hold ? 'active' : 'held') || !session.customer || !session.desk) throw notNow(session, hold ? 'hold' : 'resume');
      if (session.consult && !hold) throw new ZuoxiError('invalid_input', 'End the consultation call first, or complete the transfer');
      await this.setHeld(session, hold);
      this.publish(session);
      return session.summary();
    });
  }

  /**
   * Hold is both legs: the customer is told sendonly (RFC 3264 §8.4: we hold them) so
   * their phone stops sending, and the desk phone inactive so the agent's microphone no
   * longer reaches the customer. Resume offers each phone the other's SDP again.
   */
  private async setHeld(session: CallSession, hold: boolean): Promise<void> {
    const customer = session.customer!;
    const desk = session.desk!;
    if (hold) {
      this.unlink(customer);
      await customer.offer(withDirection(desk.dialog.remote.sdp, 'sendonly'));
      await desk.offer(withDirection(customer.dialog.remote.sdp, 'inactive'));
      session.state = 'held';
    } else {
      const deskAnswer = await desk.offer(withDirection(customer.dialog.remote.sdp, 'sendrecv'));
      await customer.offer(withDirection(deskAnswer, 'sendrecv'));
      this.link(customer, desk);
      session.state = 'active';
    }
    this.log.info(hold ? 'calls.held' : 'calls.resumed', { callId: session.id });
  }

  async dtmf(callId: string, digits: string): Promise<CallSummary> {
    const session = this.session(callId);
    return session.run(async () => {
      if ((session.state !== 'active' && session.state !== 'held') || !session.customer) throw notNow(session, 'send DTMF');
      for (const digit of digits.toUpperCase()) {
        const response = await session.customer.dialog.request({
          method: 'INFO',
          headers: { 'Content-Type': 'application/dtmf-relay' },
          body: `Signal=${digit}\r\nDuration=${DTMF_DURATION_MS}\r\n`,
        });
        if (response.status >= 300) throw new ZuoxiError('unavailable', `The customer's side refused the tone (${response.status} ${response.reason})`);
      }
      this.log.info('calls.dtmf', { callId, count: digits.length });
      return session.summary();
    });
  }

  /**
   * Blind transfer by REFER (RFC 3515) on the customer's leg: their phone calls the
   * target itself and Zuoxi leaves the call, so the transferred call no longer depends
   * on this workstation. The customer's phone reports the outcome in NOTIFYs (sipfrag);
   * on success both our legs are hung up; on failure the call stays as it was.
   */
  async transfer(callId: string, target: string): Promise<CallSummary> {
    const session = this.session(callId);
    return session.run(async () => {
      if ((session.state !== 'active' && session.state !== 'held') || !session.customer) throw notNow(session, 'transfer');
      const customer = session.customer;
      const targetUri = this.targetUri(target);
      const outcome = this.awaitReferOutcome(customer);
      const response = await customer.dialog.request({
        method: 'REFER',
        headers: { 'Refer-To': `<${targetUri}>`, 'Referred-By': `<${aorOf(this.requireAccount())}>` },
      });
      if (response.status >= 300) {
        outcome.cancel();
        throw new ZuoxiError('unavailable', `The customer's phone refused the transfer (${response.status} ${response.reason})`);
      }
      const result = await outcome.promise;
      if (result.ok) {
        this.log.info('calls.transferred', { callId, mode: 'blind' });
        await this.finish(session, 'transferred', result.detail);
        return session.summary();
      }
      this.log.warn('calls.transfer_failed', { callId, detail: result.detail });
      throw new ZuoxiError('unavailable', `The transfer failed (${result.detail}); the customer is still on the line`);
    });
  }

  private awaitReferOutcome(customer: Leg): { promise: Promise<{ ok: boolean; detail: string }>; cancel: () => void } {
    let settle: (result: { ok: boolean; detail: string }) => void = () => {};
    const promise = new Promise<{ ok: boolean; detail: string }>((resolve) => (settle = resolve));
    const onNotify = (req: SipRequestLike, res: SipResponseLike) => {
      res.send(200);
      if (!/^refer/i.test(req.get('Event') ?? '')) return;
      const status = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/m.exec(req.body ?? '');
      if (!status) return;
      const code = Number(status[1]);
      if (code < 200) return;
      done({ ok: code < 300, detail: `${code} ${status[2]!.trim()}`.trim() });
    };
    // Some phones hang up on us as soon as the new call is up, before (or instead of) the final NOTIFY.
    const onGone = () => done({ ok: true, detail: 'customer left after the transfer' });
    const timer = this.timers.setTimeout(() => done({ ok: false, detail: 'no answer from the customer’s phone' }), this.options.transferTimeoutMs ?? 30_000);
    const done = (result: { ok: boolean; detail: string }) => {
      this.timers.clearTimeout(timer);
      customer.dialog.removeListener('notify', onNotify);
      customer.dialog.removeListener('destroy', onGone);
      settle(result);
    };
    customer.dialog.on('notify', onNotify);
    customer.dialog.on('destroy', onGone);
    return { promise, cancel: () => done({ ok: false, detail: 'refused' }) };
  }

  /**
   * Attended transfer, step 1. Most phones cannot take a REFER with Replaces (Debian's
   * baresip cannot), so the consult is bridged: the customer is held, and the desk
   * phone — already in the call — is re-pointed at the target, which Zuoxi calls.
   */
  async consult(callId: string, target: string): Promise<CallSummary> {
    const session = this.session(callId);
    return session.run(async () => {
      if ((session.state !== 'active' && session.state !== 'held') || !session.customer || !session.desk) throw notNow(session, 'consult');
      if (session.consult) throw new ZuoxiError('invalid_input', 'A consultation call is already in progress for this call');
      const targetUri = this.targetUri(target);
      if (session.state === 'active') {
        await this.setHeld(session, true);
        this.publish(session);
      }
      const consult = new CallSession({
        id: newCallId(),
        direction: 'outbound',
        state: 'dialing',
        remote: { number: userOf(targetUri), e164: null, displayName: '', withheld: false },
        dialled: target,
        ringAt: this.stamp(),
        consultFor: session.id,
      });
      session.consult = consult;
      this.tracker.add(consult);
      this.publish(consult);
      // The consult rings in the background; its pushes say when it is answered (or fails).
      void consult.run(() => this.connectConsult(session, consult, targetUri)).catch((error: unknown) => this.failed(consult, error));
      return consult.summary();
    });
  }

  private async connectConsult(session: CallSession, consult: CallSession, targetUri: string): Promise<void> {
    const desk = session.desk!;
    let dialog: DialogLike;
    try {
      dialog = await this.invite(consult, targetUri, {
        localSdp: withDirection(desk.dialog.remote.sdp, 'sendrecv'),
        headers: { From: this.agentFrom(), 'Call-ID': consult.id },
      });
    } catch (error) {
      await this.conclude(consult, 'failed', consult.ended ? 'local_hangup' : 'remote_failed', describeSipError(error));
      return;
    }
    const leg = new Leg('target', dialog, desk.dialog.remote.sdp);
    if (consult.ended || session.ended || !desk.isUp) {
      await leg.hangUp();
      await this.conclude(consult, 'failed', 'local_hangup');
      return;
    }
    consult.customer = this.adopt(leg, consult);
    consult.desk = desk;
    await desk.offer(withDirection(dialog.remote.sdp, 'sendrecv'));
    this.link(leg, desk);
    // While consulting, the desk phone hanging up ends the consult and the held call with it.
    desk.onGone = () => void this.deskGoneDuringConsult(session);
    consult.answerAt = this.stamp();
    consult.state = 'active';
    this.log.info('calls.consulting', { callId: session.id, consultCallId: consult.id });
    this.publish(consult);
  }

  /** Attended transfer, step 2: customer and target are joined; the desk phone leaves. */
  async completeTransfer(callId: string, consultCallId: string): Promise<CallSummary> {
    const session = this.session(callId);
    const consult = this.session(consultCallId);
    return session.run(async () => {
      if (session.consult !== consult || consult.state !== 'active' || !consult.customer || !session.customer || !session.desk) {
        throw new ZuoxiError('invalid_input', 'That consultation call is not connected to this call');
      }
      const customer = session.customer;
      const target = consult.customer;
      const desk = session.desk;
      this.unlink(target);
      const customerAnswer = await customer.offer(withDirection(target.dialog.remote.sdp, 'sendrecv'));
      await target.offer(withDirection(customerAnswer, 'sendrecv'));
      this.link(customer, target);
      const pair: [Leg, Leg] = [customer, target];
      this.bridges.add(pair);
      const release = (gone: Leg) => {
        this.bridges.delete(pair);
        this.unlink(customer);
        void (gone === customer ? target : customer).hangUp();
      };
      customer.onGone = release;
      target.onGone = release;
      desk.onGone = () => {};
      session.customer = null;
      consult.customer = null;
      session.consult = null;
      await desk.hangUp();
      this.log.info('calls.transferred', { callId, mode: 'attended', consultCallId });
      await this.conclude(consult, 'transferred', 'transferred');
      await this.conclude(session, 'transferred', 'transferred');
      return session.summary();
    });
  }

  private async deskGoneDuringConsult(session: CallSession): Promise<void> {
    const consult = session.consult;
    session.consult = null;
    if (consult) await this.finish(consult, 'local_hangup');
    await this.finish(session, 'local_hangup');
  }

  /** The consult call ended before completion: back to the held call on the desk phone. */
  private async consultEnded(parent: CallSession, consult: CallSession): Promise<void> {
    if (parent.consult !== consult) return;
    parent.consult = null;
    const desk = parent.desk;
    if (!desk || !desk.isUp || !parent.customer || parent.ended) return;
    desk.onGone = (leg) => this.legGone(parent, leg);
    await desk.offer(withDirection(parent.customer.dialog.remote.sdp, 'inactive')).catch((error: unknown) => {
      this.log.warn('calls.desk_reoffer_failed', { callId: parent.id, error: describeSipError(error) });
    });
  }

  // ---- Click-to-dial

  /**
   * Third-party call control (RFC 3725): the desk phone is called first with no SDP and
   * answers with its offer, which we accept with a black-hole answer (§4.2) so it is
   * ACKed at once; the customer is then called with the desk phone's offer, and their
   * answer goes back to the desk phone in a re-INVITE. No 200 waits for its ACK while
   * the customer's phone rings, and the customer gets an ordinary offer.
   */
  async dial(number: string): Promise<CallSummary> {
    const deskUri = this.requireDeskPhone();
    this.requireAccount();
    this.srf();
    const targetUri = this.targetUri(number);
    const dialled = /^sips?:/i.test(number) ? number : number.replace(/[^\d+*#A-Za-z]/g, '');
    const session = new CallSession({
      id: newCallId(),
      direction: 'outbound',
      state: 'dialing',
      remote: { number: userOf(targetUri), e164: null, displayName: '', withheld: false },
      dialled,
      ringAt: this.stamp(),
    });
    this.tracker.add(session);
    if (session.remote.number) {
      const found = await this.options.directory.lookupNumber(session.remote.number).catch(() => null);
      if (found) {
        session.remote.e164 = found.e164;
        session.card = found.card;
        session.remote.displayName = found.card?.contact.name ?? '';
      }
    }
    this.publish(session);
    // Both phones ring in the background; the pushes tell the call bar how it goes.
    void session.run(() => this.connectDial(session, deskUri, targetUri)).catch((error: unknown) => this.failed(session, error));
    return session.summary();
  }

  private async connectDial(session: CallSession, deskUri: string, targetUri: string): Promise<void> {
    let deskOffer: ThirdPartyOffer;
    try {
      deskOffer = await this.srf().createUAC(
        deskUri,
        {
          noAck: true,
          headers: {
            From: `"${quote(session.remote.displayName || session.dialled || '')}" <sip:${encodeURIComponent(session.remote.number ?? 'unknown')}@localhost>`,
            'Call-Info': `<${aorOf(this.requireAccount())}>;answer-after=0`,
            'Alert-Info': AUTO_ANSWER_ALERT,
          },
          ...this.routeTo(deskUri),
        },
        this.progress(session),
      );
    } catch (error) {
      await this.conclude(session, 'failed', session.ended ? 'local_hangup' : 'desk_phone_failed', describeSipError(error));
      return;
    }
    const hole = blackHoleAnswer(deskOffer.sdp, String(Date.now()));
    const desk = new Leg('desk', await deskOffer.ack(hole), hole);
    if (session.ended) {
      await desk.hangUp();
      return;
    }
    session.desk = this.adopt(desk, session);
    let customer: DialogLike;
    try {
      customer = await this.invite(session, targetUri, { localSdp: deskOffer.sdp, headers: { From: this.agentFrom(), 'Call-ID': session.id } });
    } catch (error) {
      await desk.hangUp();
      await this.conclude(session, 'failed', session.ended ? 'local_hangup' : 'remote_failed', describeSipError(error));
      return;
    }
    const leg = new Leg('customer', customer, deskOffer.sdp);
    if (session.ended) {
      await leg.hangUp();
      await desk.hangUp();
      return;
    }
    session.customer = this.adopt(leg, session);
    await desk.offer(withDirection(customer.remote.sdp, 'sendrecv'));
    this.link(leg, desk);
    session.answerAt = this.stamp();
    session.state = 'active';
    this.log.info('calls.connected', { callId: session.id, direction: 'outbound' });
    this.publish(session);
  }

  /** A background set-up that threw (a bug or a dead line): the call ends as failed, never hangs in dialing. */
  private async failed(session: CallSession, error: unknown): Promise<void> {
    this.log.error('calls.setup_failed', { callId: session.id, error });
    await Promise.all([session.customer?.hangUp(), session.consultFor ? undefined : session.desk?.hangUp()]);
    await this.conclude(session, 'failed', 'remote_failed', describeSipError(error));
  }

  // ---- Plumbing

  private srf(): SrfLike {
    if (!this.stack) throw new ZuoxiError('unavailable', 'The phone line is not connected');
    return this.stack.srf;
  }

  private session(callId: string): CallSession {
    const session = this.tracker.get(callId);
    if (!session) throw new ZuoxiError('not_found', `There is no call ${callId}`);
    return session;
  }

  private requireAccount(): SipAccount {
    if (!this.account) throw new ZuoxiError('unavailable', 'No SIP account is configured');
    return this.account;
  }

  private requireDeskPhone(): string {
    if (!this.deskPhoneUri) throw new ZuoxiError('invalid_input', 'No desk phone is configured: set its SIP address in the settings');
    return this.deskPhoneUri;
  }

  /** An extension or number becomes sip:<digits>@<domain>; a sip: URI is taken as it is. */
  private targetUri(target: string): string {
    const account = this.requireAccount();
    const trimmed = target.trim();
    if (/^sips?:/i.test(trimmed)) return trimmed;
    const user = trimmed.replace(/[\s().-]/g, '');
    if (!/^[+]?[0-9A-Za-z*#_]+$/.test(user)) throw new ZuoxiError('invalid_input', `Not a number or extension: ${JSON.stringify(target)}`);
    return `sip:${user}@${account.domain}`;
  }

  /** Requests to the PBX's domain go through its proxy; a desk phone addressed directly is reached directly. */
  private routeTo(uri: string): { proxy?: string } {
    const account = this.requireAccount();
    const host = /^sips?:(?:[^@]*@)?([^:;>]+)/i.exec(uri)?.[1]?.toLowerCase();
    return host === account.domain.toLowerCase() ? { proxy: proxyOf(account) } : {};
  }

  private async credentials(): Promise<{ auth?: DigestCredentials }> {
    const account = this.requireAccount();
    const password = await this.options.secrets.get(account.passwordSecret);
    return password === null ? {} : { auth: { username: account.authUsername ?? account.user, password } };
  }

  private progress(session: CallSession) {
    return {
      cbRequest: (_err: unknown, req: SipRequestLike) => {
        if (req) session.pending.add(req);
      },
    };
  }

  /** INVITEs `uri` for `session`, remembering the request so ending the call can CANCEL it. */
  private async invite(session: CallSession, uri: string, opts: { localSdp: string; headers: Record<string, string> }): Promise<DialogLike> {
    const route = this.routeTo(uri);
    // The PBX challenges INVITEs from our extension; a desk phone reached directly does not.
    const auth = route.proxy ? await this.credentials() : {};
    const sent: SipRequestLike[] = [];
    try {
      return await this.srf().createUAC(uri, { ...opts, ...route, ...auth }, {
        cbRequest: (_err, req) => {
          if (!req) return;
          sent.push(req);
          session.pending.add(req);
        },
      });
    } finally {
      for (const req of sent) session.pending.delete(req);
    }
  }

  private agentFrom(): string {
    const account = this.requireAccount();
    return `${account.displayName ? `"${quote(account.displayName)}" ` : ''}<${aorOf(account)}>`;
  }

  /** The desk phone's display shows the customer: their name (or number) and number. */
  private fromHeaderFor(session: CallSession): string {
    const number = session.remote.withheld || !session.remote.number ? 'anonymous' : session.remote.number;
    const name = session.card?.contact.name || session.remote.displayName || number;
    return `"${quote(name)}" <sip:${encodeURIComponent(number).replace(/%2B/g, '+')}@localhost>`;
  }

  /** A leg's hang-up, routed by its current role. Also relays re-INVITEs and INFOs to whoever it is linked with. */
  private adopt(leg: Leg, session: CallSession): Leg {
    leg.onGone = (gone) => this.legGone(session, gone);
    if (leg.dialog.listenerCount('modify') === 0) {
      leg.dialog.on('modify', (req: SipRequestLike, res: SipResponseLike) => void this.relayReinvite(leg, req, res));
      leg.dialog.on('info', (req: SipRequestLike, res: SipResponseLike) => void this.relayInfo(leg, req, res));
    }
    return leg;
  }

  private link(a: Leg, b: Leg): void {
    this.links.set(a, b);
    this.links.set(b, a);
  }

  private unlink(a: Leg): void {
    const b = this.links.get(a);
    this.links.delete(a);
    if (b && this.links.get(b) === a) this.links.delete(b);
  }

  /** A phone changed its media (its own hold, a new port): the linked phone gets the new SDP. */
  private async relayReinvite(from: Leg, req: SipRequestLike, res: SipResponseLike): Promise<void> {
    const to = this.links.get(from);
    try {
      // Linked: the other phone answers. Not linked (on hold): we answer with what we last sent, hold included.
      const answer = to && to.isUp ? await to.offer(req.body) : from.lastSent;
      res.send(200, { body: from.stamp(answer), headers: { 'Content-Type': 'application/sdp' } });
    } catch (error) {
      this.log.warn('calls.reinvite_relay_failed', { error: describeSipError(error) });
      res.send(488, 'Not Acceptable Here');
    }
  }

  private async relayInfo(from: Leg, req: SipRequestLike, res: SipResponseLike): Promise<void> {
    const to = this.links.get(from);
    if (!to || !to.isUp || !req.body) {
      res.send(200);
      return;
    }
    try {
      const answer = await to.dialog.request({ method: 'INFO', headers: { 'Content-Type': req.get('Content-Type') ?? 'application/dtmf-relay' }, body: req.body });
      res.send(answer.status);
    } catch {
      res.send(200);
    }
  }

  private legGone(session: CallSession, leg: Leg): void {
    if (session.ended) return;
    const cause = leg.name === 'desk' ? 'local_hangup' : 'remote_hangup';
    this.log.info('calls.leg_gone', { callId: session.id, leg: leg.name });
    // A call still being set up holds its queue until the other phone answers: end it now.
    if (session.state === 'dialing') void this.finish(session, cause);
    else void session.run(() => this.finish(session, cause));
  }

  /** Hangs up every leg of an answered (or any) call and concludes it. */
  private async finish(session: CallSession, cause: 'local_hangup' | 'remote_hangup' | 'transferred' | 'shutdown', detail: string | null = null): Promise<void> {
    if (session.ended) return;
    if (session.inbound) session.inbound.res.send(cause === 'shutdown' ? 480 : 486);
    for (const request of session.pending) request.cancel();
    const consult = session.consult;
    session.consult = null;
    // A consult call borrows its parent's desk leg: ending the consult must not hang up the agent's phone.
    const legs = [session.customer, session.consultFor ? null : session.desk].filter((leg): leg is Leg => leg !== null);
    for (const leg of legs) this.unlink(leg);
    await Promise.all(legs.map((leg) => leg.hangUp()));
    const outcome = session.answerAt !== null ? (cause === 'transferred' ? 'transferred' : 'answered') : session.direction === 'inbound' ? 'missed' : 'failed';
    await this.conclude(session, outcome, cause, detail);
    if (consult) await this.finish(consult, cause === 'shutdown' ? 'shutdown' : 'local_hangup');
  }

  /** The end of every call: mark it, push it, forget it, log it. */
  private async conclude(
    session: CallSession,
    outcome: NonNullable<CallSession['outcome']>,
    cause: NonNullable<CallSession['endCause']>,
    detail: string | null = null,
  ): Promise<void> {
    if (!session.end(this.stamp(), outcome, cause, detail)) return;
    this.tracker.remove(session.id);
    this.log.info('calls.ended', { callId: session.id, outcome, cause, detail });
    // Logged before it is pushed: a renderer that reloads the log on "ended" finds the row.
    await session.lookup;
    await this.options.callLog.record(session.summary());
    this.publish(session);
    if (session.consultFor) {
      const parent = this.tracker.get(session.consultFor);
      if (parent) await this.consultEnded(parent, session);
    }
  }

  private publish(session: CallSession): void {
    this.options.publish(session.summary());
  }

  private stamp(): string {
    return this.options.now().toISOString();
  }
}

/** Outbound calls get their Call-ID from us, so the id the renderer first sees is the call's for good. */
function newCallId(): string {
  return `${randomBytes(16).toString('hex')}@zuoxi`;
}

function notNow(session: CallSession, action: string): ZuoxiError {
  return new ZuoxiError('invalid_input', `Cannot ${action} a call that is ${session.state}`);
}

/** Text inside a quoted display name: no quote or backslash can end it early. */
function quote(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ');
}
