/**
 * The SIP core between the transaction layer and the drachtio applications: it does
 * what drachtio-server does for drachtio-srf. Requests from the network go to the
 * application that routed their method (503 if none, 481 for an unknown dialog);
 * what the application sends is completed (Via, tags, Call-ID, CSeq, Contact,
 * Max-Forwards, the dialog's route set and remote target) and sent through client or
 * server transactions; 2xx to INVITE are resent until ACKed and re-ACKed when
 * retransmitted; an incoming CANCEL is answered 200 + 487 and then reported.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, SipTimerValues, TimerGroup } from './clock';
import type { Logger } from '../log/logger';
import type { AppLink, AppRegistry } from './drachtio/app-registry';
import { sipEvent, stackTime, type WireMeta } from './drachtio/wire';
import { buildInDialogRequest, createDialog, dialogId, DialogStore, uriOf, type Dialog } from './dialog';
import { isSipUri, parseCSeq, parseUri, tagOf } from './sip/grammar';
import { displayName, headerKey, REASON_PHRASES, serialize, SipHeaders, type SipMessage, type SipRequest, type SipResponse } from './sip/message';
import { parseApplicationMessage, type SipParseError } from './sip/parser';
import { cancelFor, createResponse, cseqNumber, newBranch, randomToken, responseFromHeaders, stampReceived } from './sip/responses';
import { ClientTransaction, TransactionLayer, type ServerTransaction, type TransactionUser } from './transaction/transactions';
import { requestTarget, responseTarget, RoutingError, type Resolver } from './transport/routing';
import type { MessageOrigin, Protocol, SendTarget, SentVia } from './transport/transport-layer';

export interface AgentTransport {
  send(data: Buffer, target: SendTarget): Promise<SentVia>;
  advertised(protocol: Protocol): { host: string; port: number } | undefined;
  supports(protocol: Protocol): boolean;
  isLocal(address: string, port: number): boolean;
}

export interface AgentDeps {
  transport: AgentTransport;
  apps: AppRegistry;
  timers: TimerGroup;
  values: SipTimerValues;
  clock: Clock;
  log: Logger;
  resolve?: Resolver;
}

/** What the application's `sip|…` request came to. */
export type AppOutcome =
  | { ok: true; kind: 'request' | 'response'; meta: WireMeta; transactionId: string; dialogId: string; sent: Buffer }
  | { ok: false; reason: string };

interface UasPending {
  transactionId: string;
  app: AppLink;
  request: SipRequest;
  origin: MessageOrigin;
  transaction: ServerTransaction;
  dialogId: string;
  localTag: string;
  dialog: Dialog | undefined;
}

interface UacPending {
  transactionId: string;
  app: AppLink;
  request: SipRequest;
  transaction: ClientTransaction;
  dialogId: string;
  /** Set when the request creates a dialog (INVITE, SUBSCRIBE outside one). */
  creates: boolean;
  dialog: Dialog | undefined;
  cancel: { request: SipRequest; sent: boolean } | undefined;
  cancelled: boolean;
  okSeen: boolean;
}

/** Headers the application may not set (drachtio-server's immutable list). */
const STACK_OWNED = new Set(['via', 'route', 'record-route', 'rseq', 'content-length']);
/** …and, in responses and in-dialog requests, the dialog identifiers. */
const DIALOG_OWNED = new Set(['from', 'to', 'call-id', 'cseq']);
const TARGET_REFRESH = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'UPDATE']);

function appHeaderName(name: string): string {
  const known = displayName(name);
  if (known !== name.trim() || /^x-/i.test(name)) return known;
  return name.trim().replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

export class SipAgent implements TransactionUser {
  readonly transactions: TransactionLayer;
  readonly dialogs = new DialogStore();
  private readonly uas = new Map<string, UasPending>();
  private readonly uasByTransaction = new WeakMap<ServerTransaction, UasPending>();
  private readonly uac = new Map<string, UacPending>();

  constructor(private readonly deps: AgentDeps) {
    this.transactions = new TransactionLayer(
      { sender: deps.transport, timers: deps.timers, values: deps.values, log: deps.log },
      this,
      () => randomToken(),
    );
  }

  get pending(): { uas: number; uac: number; dialogs: number } {
    return { uas: this.uas.size, uac: this.uac.size, dialogs: this.dialogs.size };
  }

  stop(): void {
    this.transactions.stop();
    for (const dialog of this.dialogs.all()) this.dialogs.remove(dialog);
    this.uas.clear();
    this.uac.clear();
  }

  // ---- from the network -------------------------------------------------

  receive(message: SipMessage, origin: MessageOrigin): void {
    if (message.kind === 'request') this.transactions.receiveRequest(message, origin);
    else this.transactions.receiveResponse(message, origin);
  }

  /** A request we could not parse gets a 400/505 where it can be addressed; anything else is dropped. */
  receiveInvalid(error: SipParseError, origin: MessageOrigin): void {
    this.deps.log.info('sip.invalid_message', { code: error.code, reason: error.reason, from: `${origin.address}:${origin.port}` });
    if (!error.status || !error.partial || error.partial.kind !== 'request') return;
    const headers = error.partial.headers;
    if (error.partial.method === 'ACK') return;
    const pseudo: SipRequest = { kind: 'request', method: 'INVALID', uri: '', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    stampReceived(pseudo, origin.address, origin.port);
    // The reason may quote the offending line: keep it to one printable line.
    const why = [...error.reason.slice(0, 80)].map((ch) => (ch < ' ' || ch === '\x7f' ? ' ' : ch)).join('');
    const response = responseFromHeaders(headers, error.status, `${REASON_PHRASES[error.status]} (${why})`, randomToken());
    this.deps.transport.send(serialize(response), responseTarget(pseudo, origin)).catch((e: unknown) => {
      this.deps.log.debug('sip.invalid_message.reply_failed', { error: e });
    });
  }

  onRequest(request: SipRequest, origin: MessageOrigin, transaction: ServerTransaction): void {
    if (request.method === 'INVITE') this.respondLocally(transaction, 100);
    const uri = parseUri(request.uri);
    if (!uri || (!isSipUri(uri) && uri.scheme !== 'tel')) {
      this.respondLocally(transaction, 416);
      return;
    }
    if (request.method === 'CANCEL') {
      this.onCancel(request, origin, transaction);
      return;
    }
    const toTag = tagOf(request.headers.get('to'));
    if (toTag !== undefined) {
      this.onInDialogRequest(request, origin, transaction, toTag);
      return;
    }
    const app = this.deps.apps.pick(request.method);
    if (!app) {
      this.respondLocally(transaction, 503);
      return;
    }
    const creates = request.method === 'INVITE' || request.method === 'SUBSCRIBE';
    const fromTag = tagOf(request.headers.get('from')) ?? '';
    const pending: UasPending = {
      transactionId: randomUUID(),
      app,
      request,
      origin,
      transaction,
      dialogId: creates ? dialogId(request.headers.get('call-id') ?? '', fromTag) : '',
      localTag: transaction.localTag,
      dialog: undefined,
    };
    this.trackUas(pending);
    this.deliver(app, this.networkMeta(origin, request), pending.transactionId, '', [origin.localAddress, String(origin.localPort)], request);
  }

  private onInDialogRequest(request: SipRequest, origin: MessageOrigin, transaction: ServerTransaction, toTag: string): void {
    const callId = request.headers.get('call-id') ?? '';
    const dialog = this.dialogs.find(callId, toTag, tagOf(request.headers.get('from')));
    if (!dialog || !dialog.app.open) {
      if (dialog) this.dialogs.remove(dialog);
      this.respondLocally(transaction, 481);
      return;
    }
    const seq = cseqNumber(request);
    if (dialog.remoteSeq !== undefined && seq <= dialog.remoteSeq) {
      this.respondLocally(transaction, 500, 'CSeq out of order');
      return;
    }
    dialog.remoteSeq = seq;
    if (TARGET_REFRESH.has(request.method)) {
      const contact = request.headers.values('contact')[0];
      if (contact) dialog.remoteTarget = uriOf(contact);
    }
    const ends =
      request.method === 'BYE' ||
      (request.method === 'NOTIFY' && dialog.usage === 'SUBSCRIBE' && /terminated/i.test(request.headers.get('subscription-state') ?? ''));
    // drachtio clears the dialog when the BYE arrives; the app's 200 goes by transaction id.
    if (ends) this.dialogs.remove(dialog);
    const pending: UasPending = {
      transactionId: randomUUID(),
      app: dialog.app,
      request,
      origin,
      transaction,
      dialogId: dialog.id,
      localTag: dialog.localTag,
      dialog: ends ? undefined : dialog,
    };
    this.trackUas(pending);
    this.deliver(dialog.app, this.networkMeta(origin, request), pending.transactionId, dialog.id, [], request);
  }

  private onCancel(cancel: SipRequest, origin: MessageOrigin, transaction: ServerTransaction): void {
    const invite = this.transactions.findInviteFor(cancel);
    if (!invite) {
      this.respondLocally(transaction, 481);
      return;
    }
    this.respondLocally(transaction, 200);
    if (invite.finalSent) return;
    this.respondLocally(invite, 487);
    const pending = this.uasByTransaction.get(invite);
    if (!pending || this.uas.get(pending.transactionId) !== pending) return;
    this.uas.delete(pending.transactionId);
    this.deliver(pending.app, this.networkMeta(origin, cancel), pending.transactionId, pending.dialogId, [], cancel);
  }

  onAck(ack: SipRequest, origin: MessageOrigin): void {
    const dialog = this.dialogs.find(ack.headers.get('call-id') ?? '', tagOf(ack.headers.get('to')), tagOf(ack.headers.get('from')));
    if (!dialog) return;
    const seq = cseqNumber(ack);
    if (dialog.unacked && dialog.unacked.cseq === seq) {
      dialog.unacked.retransmit?.cancel();
      dialog.unacked.giveUp.cancel();
      dialog.unacked = undefined;
    }
    if (dialog.lastAckedSeq === seq) return;
    dialog.lastAckedSeq = seq;
    if (dialog.app.open) this.deliver(dialog.app, this.networkMeta(origin, ack), randomUUID(), dialog.id, [], ack);
  }

  onStrayResponse(response: SipResponse, origin: MessageOrigin): void {
    // A retransmitted 2xx after the INVITE transaction ended: re-send our ACK.
    const cseq = parseCSeq(response.headers.get('cseq') ?? '');
    if (!cseq || cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const dialog = this.dialogs.find(response.headers.get('call-id') ?? '', tagOf(response.headers.get('from')), tagOf(response.headers.get('to')));
    if (dialog?.lastAck?.cseq === cseq.seq) this.resendAck(dialog);
    else this.deps.log.debug('sip.stray_response', { status: response.status, from: `${origin.address}:${origin.port}` });
  }

  private trackUas(pending: UasPending): void {
    this.uas.set(pending.transactionId, pending);
    this.uasByTransaction.set(pending.transaction, pending);
    // A non-INVITE server transaction has no timer of its own until it answers: if
    // the app never does, answer for it once the client has given up (Timer F).
    const deadline =
      pending.request.method === 'INVITE'
        ? undefined
        : this.deps.timers.start(64 * this.deps.values.t1, () => {
            if (this.uas.get(pending.transactionId) !== pending) return;
            this.uas.delete(pending.transactionId);
            this.deps.log.info('sip.app_did_not_answer', { method: pending.request.method });
            this.respondLocally(pending.transaction, 500, 'No Response From Application');
          });
    const previous = pending.transaction.onTerminated;
    pending.transaction.onTerminated = () => {
      previous();
      deadline?.cancel();
      if (this.uas.get(pending.transactionId) === pending) this.uas.delete(pending.transactionId);
    };
  }

  private respondLocally(transaction: ServerTransaction, status: number, reason?: string): void {
    if (transaction.finalSent) return;
    transaction.respond(createResponse(transaction.request, status, reason, transaction.localTag)).catch((error: unknown) => {
      this.deps.log.debug('sip.respond_failed', { status, error });
    });
  }

  // ---- from the application ---------------------------------------------

  /** Handles `sip|<txnId>|<dialogId>[|<proxy>]\r\n<SIP>` from `app`. */
  async fromApp(app: AppLink, transactionId: string, dialogIdToken: string, proxy: string | undefined, sip: string): Promise<AppOutcome> {
    const parsed = parseApplicationMessage(sip);
    if (!parsed.ok) return { ok: false, reason: `invalid SIP message: ${parsed.error.reason}` };
    const message = parsed.message;
    try {
      if (message.kind === 'response') return await this.appResponse(transactionId, message);
      if (dialogIdToken) return await this.appInDialog(app, this.dialogs.get(dialogIdToken), transactionId, message);
      if (transactionId && message.method === 'CANCEL') return await this.appCancel(transactionId, message);
      const existing = message.headers.has('call-id') ? this.dialogs.findByCallId(message.headers.get('call-id')!) : undefined;
      if (existing && existing.app === app) return await this.appInDialog(app, existing, transactionId, message);
      return await this.appOutOfDialog(app, transactionId, message, proxy || undefined);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.log.info('sip.app_request_failed', { reason });
      return { ok: false, reason };
    }
  }

  /** Connection to an application lost: what it owned cannot be answered any more. */
  appClosed(app: AppLink): void {
    for (const pending of [...this.uas.values()]) {
      if (pending.app !== app) continue;
      this.uas.delete(pending.transactionId);
      this.respondLocally(pending.transaction, 503);
    }
    for (const pending of [...this.uac.values()]) if (pending.app === app) this.uac.delete(pending.transactionId);
  }

  private async appResponse(transactionId: string, from: SipResponse): Promise<AppOutcome> {
    const pending = this.uas.get(transactionId);
    if (!pending) {
      const method = parseCSeq(from.headers.get('cseq') ?? '')?.method;
      return {
        ok: false,
        reason: method === 'CANCEL' ? '200 OK to incoming CANCEL is automatically generated by the stack' : 'Response not sent due to unknown transaction',
      };
    }
    const { request, transaction } = pending;
    if (transaction.finalSent) return { ok: false, reason: 'final response already sent' };
    // The app may choose our To tag, as long as no tagged response has gone out yet.
    const appTag = tagOf(from.headers.get('to'));
    if (appTag && (transaction.lastResponse?.status ?? 100) === 100 && tagOf(request.headers.get('to')) === undefined) {
      pending.localTag = appTag;
      transaction.localTag = appTag;
    }

    const response = createResponse(request, from.status, from.reason || REASON_PHRASES[from.status], from.status > 100 ? pending.localTag : undefined);
    const protocol = pending.origin.protocol;
    this.copyAppHeaders(from.headers, response.headers, true, protocol);
    const dialogForming = (request.method === 'INVITE' || request.method === 'SUBSCRIBE') && from.status > 100 && from.status < 300;
    if (dialogForming) {
      for (const rr of request.headers.lines('record-route')) response.headers.append('Record-Route', rr);
      if (!response.headers.has('contact')) response.headers.append('Contact', this.ourContact(protocol));
    }
    if (from.status < 200) this.stripReliable(response.headers);
    this.setBody(response, from.body);

    const sent = await transaction.respond(response);
    const bytes = serialize(response);
    if (from.status >= 200) this.uas.delete(transactionId);
    if (dialogForming && from.status >= 200) this.afterUasSuccess(pending, response, bytes, sent);
    return { ok: true, kind: 'response', meta: this.appMeta(sent, bytes), transactionId, dialogId: pending.dialogId, sent: bytes };
  }

  /** 2xx to INVITE/SUBSCRIBE: the dialog exists now; a 2xx to INVITE waits for its ACK. */
  private afterUasSuccess(pending: UasPending, response: SipResponse, bytes: Buffer, sent: SentVia): void {
    const { request } = pending;
    let dialog = pending.dialog;
    if (!dialog) {
      dialog = createDialog({
        id: pending.dialogId,
        app: pending.app,
        role: 'uas',
        usage: request.method === 'SUBSCRIBE' ? 'SUBSCRIBE' : 'INVITE',
        state: 'confirmed',
        callId: request.headers.get('call-id') ?? '',
        localTag: pending.localTag,
        remoteTag: tagOf(request.headers.get('from')) ?? '',
        localHeader: response.headers.get('to') ?? '',
        remoteHeader: request.headers.get('from') ?? '',
        remoteTarget: uriOf(request.headers.values('contact')[0] ?? `<${request.uri}>`),
        routeSet: request.headers.values('record-route'),
        localSeq: 1 + Math.floor(Math.random() * 10_000),
        remoteSeq: cseqNumber(request),
        localContact: response.headers.values('contact')[0] ?? this.ourContact(pending.origin.protocol),
        protocol: pending.origin.protocol,
        connectionId: pending.origin.connectionId,
      });
      this.dialogs.add(dialog);
    }
    if (request.method !== 'INVITE') return;
    const target: SendTarget = { protocol: sent.protocol, address: sent.address, port: sent.port };
    if (sent.connectionId) target.connectionId = sent.connectionId;
    this.awaitAck(dialog, cseqNumber(request), bytes, target);
  }

  /** §13.3.1.4: resend the 2xx (T1 doubling to T2, UDP only) until the ACK; BYE after 64*T1 without one. */
  private awaitAck(dialog: Dialog, cseq: number, bytes: Buffer, target: SendTarget): void {
    const { t1, t2 } = this.deps.values;
    const state: NonNullable<Dialog['unacked']> = {
      cseq,
      retransmit: undefined,
      giveUp: this.deps.timers.start(64 * t1, () => {
        if (dialog.unacked !== state) return;
        state.retransmit?.cancel();
        dialog.unacked = undefined;
        this.deps.log.info('sip.ack_timeout', { dialog: dialog.id });
        this.byeOnOurOwn(dialog, 'ACK timeout');
      }),
    };
    let interval = t1;
    const retransmit = () => {
      if (dialog.unacked !== state) return;
      this.deps.transport.send(bytes, target).catch(() => undefined);
      interval = Math.min(interval * 2, t2);
      state.retransmit = this.deps.timers.start(interval, retransmit);
    };
    if (target.protocol === 'udp') state.retransmit = this.deps.timers.start(interval, retransmit);
    dialog.unacked?.retransmit?.cancel();
    dialog.unacked?.giveUp.cancel();
    dialog.unacked = state;
  }

  /** drachtio's "unsolicited" BYE: sent by the edge, reported to the app as if it had arrived. */
  private byeOnOurOwn(dialog: Dialog, text: string): void {
    this.dialogs.remove(dialog);
    dialog.localSeq += 1;
    const extra = new SipHeaders([{ name: 'Reason', value: `SIP ;cause=200 ;text="${text}"` }]);
    this.sendInDialog(dialog, 'BYE', dialog.localSeq, extra, Buffer.alloc(0))
      .then(({ request, sent }) => {
        const bytes = serialize(request);
        if (dialog.app.open) this.deliverRaw(dialog.app, this.appMeta(sent, bytes), 'unsolicited', dialog.id, [], bytes);
      })
      .catch((error: unknown) => this.deps.log.info('sip.bye_failed', { dialog: dialog.id, error }));
  }

  private async appInDialog(app: AppLink, dialog: Dialog | undefined, transactionId: string, from: SipRequest): Promise<AppOutcome> {
    if (from.method === 'ACK') return this.appAck(dialog, from);
    if (!dialog) throw new Error('unable to find dialog for dialog id provided');
    const cseq = parseCSeq(from.headers.get('cseq') ?? '');
    // An explicit CSeq (drachtio-srf's digest retry) wins when it moves forward.
    dialog.localSeq = cseq && cseq.seq > dialog.localSeq ? cseq.seq : dialog.localSeq + 1;
    const extra = new SipHeaders();
    this.copyAppHeaders(from.headers, extra, false, dialog.protocol, true);
    if (TARGET_REFRESH.has(from.method) && from.method !== 'UPDATE' && !extra.has('contact')) extra.append('Contact', dialog.localContact);
    const id = transactionId || randomUUID();
    const built = this.buildInDialog(dialog, from.method, dialog.localSeq, extra, from.body);
    const { request } = built;
    let nextHop = built.nextHop;
    // drachtio replaces only `sip:placeholder`; an explicit Request-URI is the app's choice.
    if (!/placeholder/.test(from.uri) && from.uri !== request.uri) {
      request.uri = from.uri;
      if (dialog.routeSet.length === 0) nextHop = from.uri;
    }
    const ends = from.method === 'BYE';
    return this.startClient(app, id, request, nextHop, dialog.id, false, dialog, { ends });
  }

  private buildInDialog(dialog: Dialog, method: string, cseq: number, extra: SipHeaders, body: Buffer) {
    const via = this.deps.transport.advertised(dialog.protocol) ?? this.deps.transport.advertised('udp') ?? this.deps.transport.advertised('tcp');
    if (!via) throw new Error('no transport available');
    const built = buildInDialogRequest(dialog, method, cseq, { protocol: dialog.protocol, ...via }, extra, Buffer.from(body));
    this.setBody(built.request, built.request.body);
    return built;
  }

  private async sendInDialog(dialog: Dialog, method: string, cseq: number, extra: SipHeaders, body: Buffer) {
    const { request, nextHop } = this.buildInDialog(dialog, method, cseq, extra, body);
    const target = await this.targetFor(nextHop, dialog.protocol, dialog.connectionId);
    const transaction = this.transactions.createClient(request, target, { onResponse: () => {} });
    const sent = await transaction.start();
    return { request, sent };
  }

  private async appAck(dialog: Dialog | undefined, from: SipRequest): Promise<AppOutcome> {
    if (!dialog || dialog.awaitingAck === undefined) {
      throw new Error('ACK for non-success final response is automatically generated by the stack');
    }
    const cseq = dialog.awaitingAck;
    dialog.awaitingAck = undefined;
    const extra = new SipHeaders();
    this.copyAppHeaders(from.headers, extra, false, dialog.protocol, true);
    const { request, nextHop } = this.buildInDialog(dialog, 'ACK', cseq, extra, from.body);
    const target = await this.targetFor(nextHop, dialog.protocol, dialog.connectionId);
    const bytes = serialize(request);
    const sent = await this.deps.transport.send(bytes, target);
    dialog.lastAck = { cseq, bytes, target: { protocol: sent.protocol, address: sent.address, port: sent.port } };
    if (dialog.ackBye) this.byeOnOurOwn(dialog, 'ACK-BYE due to cancel race condition');
    return { ok: true, kind: 'request', meta: this.appMeta(sent, bytes), transactionId: randomUUID(), dialogId: dialog.id, sent: bytes };
  }

  private resendAck(dialog: Dialog): void {
    const last = dialog.lastAck;
    if (last) this.deps.transport.send(last.bytes, last.target).catch(() => undefined);
  }

  private async appCancel(transactionId: string, from: SipRequest): Promise<AppOutcome> {
    const pending = this.uac.get(transactionId);
    if (!pending || pending.request.method !== 'INVITE' || pending.transaction.state === 'terminated' || pending.transaction.state === 'completed' || pending.transaction.state === 'accepted') {
      throw new Error(`unable to cancel unknown transaction id: ${transactionId}`);
    }
    const extra = new SipHeaders();
    for (const name of ['reason', 'x-reason']) {
      const value = from.headers.get(name);
      if (value !== undefined) extra.append(appHeaderName(name === 'reason' ? 'Reason' : 'X-Reason'), value);
    }
    const cancel = cancelFor(pending.request, extra);
    pending.cancelled = true;
    pending.cancel = { request: cancel, sent: false };
    // §9.1: a CANCEL goes out only once the INVITE has drawn a provisional response.
    if (pending.transaction.provisionalSeen) this.sendCancel(pending);
    const bytes = serialize(cancel);
    const target = pending.transaction.target;
    const meta = this.appMeta(pending.transaction.sent ?? { ...target, localAddress: '', localPort: 0 }, bytes);
    return { ok: true, kind: 'request', meta, transactionId: randomUUID(), dialogId: '', sent: bytes };
  }

  private sendCancel(pending: UacPending): void {
    if (!pending.cancel || pending.cancel.sent) return;
    pending.cancel.sent = true;
    const target = pending.transaction.sent ?? pending.transaction.target;
    this.transactions
      .createClient(pending.cancel.request, { protocol: target.protocol, address: target.address, port: target.port }, { onResponse: () => {} })
      .start()
      .catch((error: unknown) => this.deps.log.info('sip.cancel_failed', { error }));
  }

  private async appOutOfDialog(app: AppLink, transactionId: string, from: SipRequest, proxy: string | undefined): Promise<AppOutcome> {
    const uri = from.uri;
    const target = await this.targetFor(proxy ?? uri);
    if (this.deps.transport.isLocal(target.address, target.port)) throw new Error('can not send request to myself');
    const via = this.deps.transport.advertised(target.protocol)!;
    const hostport = `${via.host}:${via.port}`;
    const local = (value: string) => value.replace(/@localhost(?![\w.-])(:\d+)?/g, `@${hostport}`);

    const headers = new SipHeaders();
    headers.append('Via', `SIP/2.0/${target.protocol.toUpperCase()} ${hostport};branch=${newBranch()};rport`);
    headers.append('Max-Forwards', from.headers.get('max-forwards') ?? '70');
    let fromValue = local(from.headers.get('from') ?? `<sip:${hostport}>`);
    if (tagOf(fromValue) === undefined) fromValue += `;tag=${randomToken()}`;
    headers.append('From', fromValue);
    headers.append('To', local(from.headers.get('to') ?? `<${uri}>`));
    const callId = from.headers.get('call-id') ?? randomUUID();
    headers.append('Call-ID', callId);
    const cseq = parseCSeq(from.headers.get('cseq') ?? '');
    headers.append('CSeq', `${cseq?.seq ?? 1} ${from.method}`);
    const contact = from.headers.get('contact');
    if (contact !== undefined) headers.append('Contact', local(contact));
    else if (TARGET_REFRESH.has(from.method) && from.method !== 'UPDATE') headers.append('Contact', this.ourContact(target.protocol));
    this.copyAppHeaders(from.headers, headers, false, target.protocol, true, ['from', 'to', 'call-id', 'cseq', 'contact', 'max-forwards']);
    const request: SipRequest = { kind: 'request', method: from.method, uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    this.setBody(request, from.body);

    const creates = from.method === 'INVITE' || from.method === 'SUBSCRIBE';
    const id = creates ? dialogId(callId, tagOf(fromValue) ?? '') : '';
    return this.startClient(app, transactionId || randomUUID(), request, undefined, id, creates, undefined, { target });
  }

  private async startClient(
    app: AppLink,
    transactionId: string,
    request: SipRequest,
    nextHop: string | undefined,
    dialogIdValue: string,
    creates: boolean,
    dialog: Dialog | undefined,
    options: { target?: SendTarget; ends?: boolean },
  ): Promise<AppOutcome> {
    const target = options.target ?? (await this.targetFor(nextHop!, dialog?.protocol, dialog?.connectionId));
    let pending: UacPending | undefined = undefined;
    const transaction = this.transactions.createClient(request, target, {
      onResponse: (response, origin) => {
        if (pending) this.onUacResponse(pending, response, origin, options.ends === true);
      },
    });
    pending = { transactionId, app, request, transaction, dialogId: dialogIdValue, creates, dialog, cancel: undefined, cancelled: false, okSeen: false };
    this.uac.set(transactionId, pending);
    const sent = await transaction.start().catch((error: unknown) => {
      this.uac.delete(transactionId);
      throw new Error(`failed to send request: ${error instanceof Error ? error.message : String(error)}`);
    });
    const bytes = serialize(request);
    return { ok: true, kind: 'request', meta: this.appMeta(sent, bytes), transactionId, dialogId: dialogIdValue, sent: bytes };
  }

  private onUacResponse(pending: UacPending, response: SipResponse, origin: MessageOrigin | undefined, ends: boolean): void {
    const { request } = pending;
    const status = response.status;
    const isInvite = request.method === 'INVITE';
    if (isInvite && status >= 200 && status < 300) {
      if (pending.okSeen) {
        // A retransmitted 2xx: the ACK already went out (or will), say it again.
        const dialog = pending.dialog ?? this.dialogs.get(pending.dialogId);
        if (dialog?.lastAck?.cseq === cseqNumber(request)) this.resendAck(dialog);
        return;
      }
      pending.okSeen = true;
    }
    if (status < 200) this.sendCancel(pending);
    else if (pending.cancel && !pending.cancel.sent) pending.cancel = undefined;

    if (pending.creates) this.trackUacDialog(pending, response, origin);
    else if (pending.dialog && isInvite && status >= 200 && status < 300) {
      // A 2xx to a re-INVITE refreshes the target and must be ACKed by the app.
      const contact = response.headers.values('contact')[0];
      if (contact) pending.dialog.remoteTarget = uriOf(contact);
      pending.dialog.awaitingAck = cseqNumber(request);
    }
    if (status >= 200) {
      this.uac.delete(pending.transactionId);
      if (ends && status !== 401 && status !== 407 && pending.dialog) this.dialogs.remove(pending.dialog);
      if (
        request.method === 'NOTIFY' &&
        pending.dialog?.usage === 'SUBSCRIBE' &&
        /terminated/i.test(request.headers.get('subscription-state') ?? '')
      ) {
        this.dialogs.remove(pending.dialog);
      }
    }
    if (!pending.app.open) return;
    const meta: WireMeta = origin
      ? this.networkMeta(origin, response)
      : { source: 'network', bytes: serialize(response).length, protocol: pending.transaction.target.protocol, address: pending.transaction.target.address, port: pending.transaction.target.port, time: this.now() };
    this.deliver(pending.app, meta, pending.transactionId, pending.dialogId, [], response);
  }

  /** Dialog bookkeeping for a UAC INVITE/SUBSCRIBE (§12.1.2): early on a tagged 1xx, confirmed on 2xx. */
  private trackUacDialog(pending: UacPending, response: SipResponse, origin: MessageOrigin | undefined): void {
    const { request } = pending;
    const status = response.status;
    const remoteTag = tagOf(response.headers.get('to'));
    let dialog = pending.dialog;
    if (status >= 300) {
      if (dialog) this.dialogs.remove(dialog);
      pending.dialog = undefined;
      return;
    }
    if (!remoteTag || status === 100) return;
    if (status < 200 && request.method !== 'INVITE') return;
    const contact = response.headers.values('contact')[0];
    if (!dialog) {
      dialog = createDialog({
        id: pending.dialogId,
        app: pending.app,
        role: 'uac',
        usage: request.method === 'SUBSCRIBE' ? 'SUBSCRIBE' : 'INVITE',
        state: 'early',
        callId: request.headers.get('call-id') ?? '',
        localTag: tagOf(request.headers.get('from')) ?? '',
        remoteTag: '',
        localHeader: request.headers.get('from') ?? '',
        remoteHeader: response.headers.get('to') ?? '',
        remoteTarget: contact ? uriOf(contact) : request.uri,
        routeSet: [...response.headers.values('record-route')].reverse(),
        localSeq: cseqNumber(request),
        remoteSeq: undefined,
        localContact: request.headers.values('contact')[0] ?? this.ourContact(pending.transaction.target.protocol),
        protocol: pending.transaction.target.protocol,
        connectionId: origin?.connectionId,
      });
      pending.dialog = dialog;
      this.dialogs.add(dialog);
    }
    if (dialog.remoteTag !== remoteTag) this.dialogs.setRemoteTag(dialog, remoteTag);
    dialog.remoteHeader = response.headers.get('to') ?? dialog.remoteHeader;
    if (contact) dialog.remoteTarget = uriOf(contact);
    if (status >= 200) {
      dialog.state = 'confirmed';
      dialog.routeSet = [...response.headers.values('record-route')].reverse();
      if (request.method === 'INVITE') {
        dialog.awaitingAck = cseqNumber(request);
        dialog.ackBye = pending.cancelled;
      }
    }
  }

  // ---- helpers ------------------------------------------------------------

  private async targetFor(uri: string, preferred?: Protocol, connectionId?: string): Promise<SendTarget> {
    const supports = (p: Protocol) => this.deps.transport.supports(p);
    const parsed = parseUri(uri.replace(/^<|>$/g, ''));
    const explicit = parsed && isSipUri(parsed) && parsed.params.get('transport');
    const target = await requestTarget(
      !explicit && preferred && preferred !== 'udp' && supports(preferred) ? `${uri.replace(/^<|>$/g, '')};transport=${preferred}` : uri,
      supports,
      this.deps.resolve,
    ).catch((error: unknown) => {
      throw error instanceof RoutingError ? error : new RoutingError(String(error));
    });
    if (connectionId && target.protocol !== 'udp') target.connectionId = connectionId;
    return target;
  }

  private ourContact(protocol: Protocol): string {
    const a = this.deps.transport.advertised(protocol) ?? this.deps.transport.advertised('udp') ?? { host: '127.0.0.1', port: 5060 };
    return `<sip:${a.host}:${a.port}${protocol === 'udp' ? '' : `;transport=${protocol}`}>`;
  }

  /**
   * Application headers onto an outgoing message: stack-owned ones dropped,
   * `@localhost` in identity headers replaced by our address (as drachtio does).
   */
  private copyAppHeaders(
    from: SipHeaders,
    to: SipHeaders,
    isResponse: boolean,
    protocol: Protocol,
    dropDialogHeaders = isResponse,
    alsoSkip: string[] = [],
  ): void {
    const a = this.deps.transport.advertised(protocol) ?? this.deps.transport.advertised('udp');
    const hostport = a ? `${a.host}:${a.port}` : 'localhost';
    for (const { name, value } of from) {
      const key = headerKey(name);
      if (STACK_OWNED.has(key) || alsoSkip.includes(key)) continue;
      if (DIALOG_OWNED.has(key) && (isResponse || dropDialogHeaders)) continue;
      if (key === 'content-type' && to.has('content-type')) continue;
      const fixed = ['contact', 'p-asserted-identity', 'from', 'to'].includes(key) ? value.replace(/@localhost(?![\w.-])(:\d+)?/g, `@${hostport}`) : value;
      if (key === 'contact' && to.has('contact')) to.set('Contact', fixed);
      else to.append(appHeaderName(name), fixed);
    }
  }

  /** Sets the body, and Content-Type for SDP when the application left it out. */
  private setBody(message: SipMessage, body: Buffer): void {
    message.body = body;
    if (body.length > 0 && !message.headers.has('content-type')) {
      if (body.toString('latin1', 0, 3) === 'v=0') message.headers.append('Content-Type', 'application/sdp');
      else throw new Error('missing content-type');
    }
  }

  /** Reliable provisional responses (RFC 3262) are not offered: send them unreliably. */
  private stripReliable(headers: SipHeaders): void {
    const require = headers.values('require').filter((r) => r.toLowerCase() !== '100rel');
    headers.remove('require');
    if (require.length > 0) headers.append('Require', require.join(', '));
  }

  private networkMeta(origin: MessageOrigin, message: SipMessage): WireMeta {
    return { source: 'network', bytes: serialize(message).length, protocol: origin.protocol, address: origin.address, port: origin.port, time: this.now() };
  }

  private appMeta(sent: SentVia, bytes: Buffer): WireMeta {
    return { source: 'application', bytes: bytes.length, protocol: sent.protocol, address: sent.localAddress, port: sent.localPort, time: this.now() };
  }

  private now(): string {
    return stackTime(this.deps.clock.now());
  }

  private deliver(app: AppLink, meta: WireMeta, transactionId: string, dialog: string, extra: string[], message: SipMessage): void {
    this.deliverRaw(app, meta, transactionId, dialog, extra, serialize(message));
  }

  private deliverRaw(app: AppLink, meta: WireMeta, transactionId: string, dialog: string, extra: string[], bytes: Buffer): void {
    if (!app.open) return;
    app.send(sipEvent({ ...meta, bytes: bytes.length }, transactionId, dialog, extra, bytes));
  }
}
