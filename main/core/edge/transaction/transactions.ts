/**
 * RFC 3261 §17 transactions, with the RFC 6026 "Accepted" state for 2xx to INVITE.
 * Retransmission timers (A, E, G) run only over UDP; the wait timers (D, I, J, K)
 * are zero over TCP. The transaction user (the SIP core) sees each response once,
 * except 2xx to INVITE, which it must see again to re-ACK.
 */
import type { Timer, TimerGroup, SipTimerValues } from '../clock';
import type { Logger } from '../../log/logger';
import { parseCSeq, tagOf } from '../sip/grammar';
import { serialize, type SipRequest, type SipResponse } from '../sip/message';
import { ackForFailure, BRANCH_COOKIE, createResponse, stampReceived, topVia } from '../sip/responses';
import { responseTarget } from '../transport/routing';
import type { MessageOrigin, SendTarget, SentVia } from '../transport/transport-layer';

export interface Sender {
  send(data: Buffer, target: SendTarget): Promise<SentVia>;
}

export interface TransactionDeps {
  sender: Sender;
  timers: TimerGroup;
  values: SipTimerValues;
  log: Logger;
}

export type TransactionState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

abstract class Transaction {
  state: TransactionState;
  private readonly running = new Map<string, Timer>();
  onTerminated: () => void = () => {};

  protected constructor(
    readonly key: string,
    protected readonly deps: TransactionDeps,
    initial: TransactionState,
  ) {
    this.state = initial;
  }

  protected abstract get reliable(): boolean;

  protected timer(name: string, ms: number, fn: () => void): void {
    this.running.get(name)?.cancel();
    this.running.set(
      name,
      this.deps.timers.start(ms, () => {
        this.running.delete(name);
        fn();
      }),
    );
  }

  protected stopTimer(name: string): void {
    this.running.get(name)?.cancel();
    this.running.delete(name);
  }

  /** Timers D, I, J, K: a wait over UDP, immediate over TCP. */
  protected linger(name: string, udpMs: number): void {
    if (this.reliable) this.terminate();
    else this.timer(name, udpMs, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    for (const timer of this.running.values()) timer.cancel();
    this.running.clear();
    this.onTerminated();
  }

  get activeTimers(): string[] {
    return [...this.running.keys()];
  }
}

export interface ClientCallbacks {
  /** Every response the core should see; `synthetic` marks 408/503 made up locally. */
  onResponse(response: SipResponse, origin: MessageOrigin | undefined, synthetic?: boolean): void;
}

/** A client transaction: INVITE (§17.1.1) or non-INVITE (§17.1.2). */
export class ClientTransaction extends Transaction {
  readonly isInvite: boolean;
  sent: SentVia | undefined;
  provisionalSeen = false;
  private bytes: Buffer;
  private interval: number;

  constructor(
    key: string,
    readonly request: SipRequest,
    readonly target: SendTarget,
    deps: TransactionDeps,
    private readonly callbacks: ClientCallbacks,
  ) {
    const isInvite = request.method === 'INVITE';
    super(key, deps, isInvite ? 'calling' : 'trying');
    this.isInvite = isInvite;
    this.bytes = serialize(request);
    this.interval = deps.values.t1;
  }

  protected get reliable(): boolean {
    return this.target.protocol !== 'udp';
  }

  /** Sends the request; resolves with where it went, rejects if it could not leave. */
  async start(): Promise<SentVia> {
    const { t1 } = this.deps.values;
    try {
      this.sent = await this.deps.sender.send(this.bytes, this.target);
    } catch (error) {
      this.terminate();
      throw error;
    }
    if (this.state === 'terminated') return this.sent;
    if (!this.reliable) this.timer(this.isInvite ? 'A' : 'E', t1, () => this.retransmit());
    this.timer(this.isInvite ? 'B' : 'F', 64 * t1, () => this.timeout());
    return this.sent;
  }

  private retransmit(): void {
    const { t2 } = this.deps.values;
    if (this.state !== 'calling' && this.state !== 'trying' && this.state !== 'proceeding') return;
    if (this.isInvite && this.state !== 'calling') return;
    this.send(this.bytes);
    // Timer A doubles without bound (B stops it); E doubles up to T2, and is T2 once proceeding.
    this.interval = this.isInvite ? this.interval * 2 : this.state === 'proceeding' ? t2 : Math.min(this.interval * 2, t2);
    this.timer(this.isInvite ? 'A' : 'E', this.interval, () => this.retransmit());
  }

  private send(bytes: Buffer, target: SendTarget = this.sent ?? this.target): void {
    this.deps.sender.send(bytes, target).catch((error: unknown) => {
      this.deps.log.debug('sip.transaction.send_failed', { key: this.key, error });
      this.fail(503, 'Service Unavailable');
    });
  }

  private timeout(): void {
    if (this.state === 'calling' || this.state === 'trying' || this.state === 'proceeding') this.fail(408, 'Request Timeout');
  }

  /** Transport failure or timeout: tell the core as if the network had answered. */
  private fail(status: number, reason: string): void {
    if (this.state === 'terminated' || this.state === 'completed' || this.state === 'accepted') return;
    this.terminate();
    this.callbacks.onResponse(createResponse(this.request, status, reason), undefined, true);
  }

  receive(response: SipResponse, origin: MessageOrigin): void {
    const { status } = response;
    switch (this.state) {
      case 'calling':
      case 'trying':
      case 'proceeding':
        if (status < 200) {
          this.provisionalSeen = true;
          if (this.isInvite) {
            this.stopTimer('A');
            this.stopTimer('B');
          }
          this.state = 'proceeding';
          this.callbacks.onResponse(response, origin);
        } else if (!this.isInvite) {
          this.stopTimer('E');
          this.stopTimer('F');
          this.state = 'completed';
          this.callbacks.onResponse(response, origin);
          this.linger('K', this.deps.values.t4);
        } else if (status < 300) {
          this.stopTimer('A');
          this.stopTimer('B');
          this.state = 'accepted';
          this.timer('M', 64 * this.deps.values.t1, () => this.terminate());
          this.callbacks.onResponse(response, origin);
        } else {
          this.stopTimer('A');
          this.stopTimer('B');
          this.state = 'completed';
          this.ackFailure(response);
          this.callbacks.onResponse(response, origin);
          this.linger('D', 32_000);
        }
        break;
      case 'accepted':
        // Retransmitted 2xx (or another fork's 2xx): the core re-sends its ACK.
        if (status >= 200 && status < 300) this.callbacks.onResponse(response, origin);
        break;
      case 'completed':
        if (this.isInvite && status >= 300) this.ackFailure(response);
        break;
      default:
        break;
    }
  }

  private ackFailure(response: SipResponse): void {
    this.send(serialize(ackForFailure(this.request, response)));
  }
}

/** A server transaction: INVITE (§17.2.1, with RFC 6026) or non-INVITE (§17.2.2). */
export class ServerTransaction extends Transaction {
  readonly isInvite: boolean;
  lastResponse: SipResponse | undefined;
  private lastBytes: Buffer | undefined;
  private interval: number;
  /** The To tag the edge gives this request's responses (dialog-creating or not). */
  localTag: string;
  /** Set by the core: lets an ACK absorbed here still reach the dialog layer. */
  onAckInAccepted: ((ack: SipRequest, origin: MessageOrigin) => void) | undefined;

  constructor(
    key: string,
    readonly request: SipRequest,
    readonly origin: MessageOrigin,
    deps: TransactionDeps,
    localTag: string,
  ) {
    const isInvite = request.method === 'INVITE';
    super(key, deps, isInvite ? 'proceeding' : 'trying');
    this.isInvite = isInvite;
    this.interval = deps.values.t1;
    this.localTag = tagOf(request.headers.get('to')) ?? localTag;
  }

  protected get reliable(): boolean {
    return this.origin.protocol !== 'udp';
  }

  get finalSent(): boolean {
    return (this.lastResponse?.status ?? 0) >= 200;
  }

  /** Sends a response from the core; resolves with where it went. */
  async respond(response: SipResponse): Promise<SentVia> {
    if (this.state === 'terminated' || this.finalSent) throw new Error('final response already sent');
    const bytes = serialize(response);
    this.lastResponse = response;
    this.lastBytes = bytes;
    const { t1 } = this.deps.values;
    if (response.status >= 200) {
      if (this.isInvite && response.status < 300) {
        this.state = 'accepted';
        this.timer('L', 64 * t1, () => this.terminate());
      } else if (this.isInvite) {
        this.state = 'completed';
        if (!this.reliable) this.timer('G', t1, () => this.retransmitFinal());
        this.timer('H', 64 * t1, () => {
          this.deps.log.info('sip.transaction.no_ack', { key: this.key });
          this.terminate();
        });
      } else {
        this.state = 'completed';
        this.linger('J', 64 * t1);
      }
    } else if (!this.isInvite) this.state = 'proceeding';
    return this.deps.sender.send(bytes, responseTarget(this.request, this.origin));
  }

  private retransmitFinal(): void {
    if (this.state !== 'completed') return;
    this.resend();
    this.interval = Math.min(this.interval * 2, this.deps.values.t2);
    this.timer('G', this.interval, () => this.retransmitFinal());
  }

  private resend(): void {
    if (!this.lastBytes) return;
    this.deps.sender.send(this.lastBytes, responseTarget(this.request, this.origin)).catch((error: unknown) => {
      this.deps.log.debug('sip.transaction.resend_failed', { key: this.key, error });
    });
  }

  /** A retransmitted request, or the ACK of a non-2xx final response. */
  receive(request: SipRequest, origin: MessageOrigin): void {
    if (request.method === 'ACK') {
      if (this.state === 'completed') {
        this.state = 'confirmed';
        this.stopTimer('G');
        this.stopTimer('H');
        this.linger('I', this.deps.values.t4);
      } else if (this.state === 'accepted') this.onAckInAccepted?.(request, origin);
      return;
    }
    if (this.state === 'proceeding' || this.state === 'completed') this.resend();
  }
}

export interface TransactionUser {
  /** A request that starts a new server transaction (never ACK). */
  onRequest(request: SipRequest, origin: MessageOrigin, transaction: ServerTransaction): void;
  /** An ACK no transaction claimed: the ACK for a 2xx, part of the dialog. */
  onAck(ack: SipRequest, origin: MessageOrigin): void;
  /** A response no client transaction claimed (e.g. a late 2xx retransmission). */
  onStrayResponse(response: SipResponse, origin: MessageOrigin): void;
}

/** Matches messages to transactions (§17.1.3, §17.2.3) and owns their lifetimes. */
export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();

  constructor(
    private readonly deps: TransactionDeps,
    private readonly tu: TransactionUser,
    private readonly newTag: () => string,
  ) {}

  get counts(): { client: number; server: number } {
    return { client: this.clients.size, server: this.servers.size };
  }

  static serverKey(request: SipRequest, methodOverride?: string): string | null {
    const via = topVia(request.headers);
    if (!via) return null;
    const method = methodOverride ?? (request.method === 'ACK' ? 'INVITE' : request.method);
    const branch = via.params.get('branch');
    const sentBy = `${via.host}:${via.port ?? ''}`;
    if (branch && branch.startsWith(BRANCH_COOKIE) && branch.length > BRANCH_COOKIE.length) {
      return `${branch}|${sentBy}|${method}`;
    }
    // RFC 2543 peers (no magic cookie): match on the dialog-ish identifiers instead.
    const cseq = parseCSeq(request.headers.get('cseq') ?? '');
    return `2543|${request.headers.get('call-id')}|${tagOf(request.headers.get('from'))}|${cseq?.seq}|${sentBy}|${branch ?? ''}|${method}`;
  }

  static clientKey(branch: string, method: string): string {
    return `${branch}|${method}`;
  }

  receiveRequest(request: SipRequest, origin: MessageOrigin): void {
    stampReceived(request, origin.address, origin.port);
    const key = TransactionLayer.serverKey(request);
    if (!key) return;
    const existing = this.servers.get(key);
    if (existing) {
      existing.receive(request, origin);
      return;
    }
    if (request.method === 'ACK') {
      this.tu.onAck(request, origin);
      return;
    }
    const transaction = new ServerTransaction(key, request, origin, this.deps, this.newTag());
    this.servers.set(key, transaction);
    transaction.onTerminated = () => {
      if (this.servers.get(key) === transaction) this.servers.delete(key);
    };
    this.tu.onRequest(request, origin, transaction);
  }

  receiveResponse(response: SipResponse, origin: MessageOrigin): void {
    const via = topVia(response.headers);
    const cseq = parseCSeq(response.headers.get('cseq') ?? '');
    const branch = via?.params.get('branch');
    const transaction = branch && cseq ? this.clients.get(TransactionLayer.clientKey(branch, cseq.method)) : undefined;
    if (transaction) transaction.receive(response, origin);
    else this.tu.onStrayResponse(response, origin);
  }

  /** Starts a client transaction; the request must already carry its Via with a fresh branch. */
  createClient(request: SipRequest, target: SendTarget, callbacks: ClientCallbacks): ClientTransaction {
    const branch = topVia(request.headers)?.params.get('branch') ?? '';
    const key = TransactionLayer.clientKey(branch, request.method);
    const transaction = new ClientTransaction(key, request, target, this.deps, callbacks);
    this.clients.set(key, transaction);
    transaction.onTerminated = () => {
      if (this.clients.get(key) === transaction) this.clients.delete(key);
    };
    return transaction;
  }

  /** The INVITE server transaction a CANCEL refers to (§9.2). */
  findInviteFor(cancel: SipRequest): ServerTransaction | undefined {
    const key = TransactionLayer.serverKey(cancel, 'INVITE');
    return key ? this.servers.get(key) : undefined;
  }

  stop(): void {
    for (const transaction of [...this.clients.values(), ...this.servers.values()]) transaction.terminate();
    this.clients.clear();
    this.servers.clear();
  }
}
