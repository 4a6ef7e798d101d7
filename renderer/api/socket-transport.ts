import type { ArgsIn, Channel, Push, PushPayload, Result } from '../../main/common/contract';
import type { Reply } from '../../main/common/errors';
import { SOCKET_AUTH_PREFIX, SOCKET_PROTOCOL } from '../../main/common/constants';
import type { ClientFrame } from '../../main/common/socket-protocol';
import { failure, type LinkState, type Transport } from './transport';

/** The part of the browser's WebSocket this transport uses, so tests can pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export interface SocketTransportOptions {
  /** ws(s)://host/ipc */
  url: string;
  /** This run's secret, offered as a subprotocol so the host can refuse the upgrade. */
  secret: string;
  WebSocket: WebSocketConstructor;
  /** Delay before reconnect attempt `attempt` (1-based). */
  backoffMs?: (attempt: number) => number;
}

export interface SocketTransport extends Transport {
  /** Stops for good: no more reconnects, pending calls fail. */
  close(): void;
}

const OPEN = 1; // WebSocket.OPEN; a literal so a fake class need not carry the statics

// Quick first retries for a host restart, capped so a long outage costs little.
export const defaultBackoffMs = (attempt: number): number => Math.min(10_000, 250 * 2 ** (attempt - 1));

interface Pending {
  channel: Channel;
  text: string;
  sent: boolean;
  resolve: (reply: Reply<unknown>) => void;
}

type PushListener = (payload: unknown) => void;

export function createSocketTransport(options: SocketTransportOptions): SocketTransport {
  return new WebSocketTransport(options);
}

class WebSocketTransport implements SocketTransport {
  readonly kind = 'socket';
  private socket: WebSocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pushListeners = new Map<Push, Set<PushListener>>();
  private readonly linkListeners = new Set<(state: LinkState) => void>();
  private link: LinkState | null = null;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  // The host holds pushes per connection until that connection says app.ready, so a
  // fresh connection after a drop must say it again or pushes never resume.
  private readyRequested = false;
  private closed = false;

  constructor(private readonly options: SocketTransportOptions) {
    this.connect();
  }

  invoke<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<Reply<Result<C>>> {
    if (channel === 'app.ready') this.readyRequested = true;
    return this.send(channel, args) as Promise<Reply<Result<C>>>;
  }

  on<P extends Push>(push: P, listener: (payload: PushPayload<P>) => void): () => void {
    let listeners = this.pushListeners.get(push);
    if (!listeners) this.pushListeners.set(push, (listeners = new Set()));
    const untyped = listener as PushListener;
    listeners.add(untyped);
    return () => listeners.delete(untyped);
  }

  onLink(listener: (state: LinkState) => void): () => void {
    this.linkListeners.add(listener);
    if (this.link) listener(this.link);
    return () => this.linkListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'closed by the page');
    this.failPending('The page closed its connection to the Zuoxi host');
  }

  private send(channel: Channel, args: unknown): Promise<Reply<unknown>> {
    const socket = this.socket;
    if (this.closed || !socket) {
      return Promise.resolve(failure('unavailable', 'Not connected to the Zuoxi host; reconnecting'));
    }
    const frame: ClientFrame = { type: 'invoke', id: this.nextId++, channel, args };
    return new Promise((resolve) => {
      const entry: Pending = { channel, text: JSON.stringify(frame), sent: false, resolve };
      this.pending.set(frame.id, entry);
      // Calls made while the socket is still connecting go out as soon as it opens.
      if (socket.readyState === OPEN) this.transmit(socket, entry);
    });
  }

  private transmit(socket: WebSocketLike, entry: Pending): void {
    entry.sent = true;
    socket.send(entry.text);
  }

  private connect(): void {
    this.retryTimer = null;
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.options.url, [
        SOCKET_PROTOCOL,
        SOCKET_AUTH_PREFIX + this.options.secret,
      ]);
    } catch {
      // A malformed URL or a CSP refusal throws synchronously; treat it as a drop.
      this.dropped();
      return;
    }
    this.socket = socket;
    // Events from a socket this transport has already given up on are ignored.
    socket.onopen = () => {
      if (this.socket === socket) this.opened(socket);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = () => {
      if (this.socket === socket) this.dropped();
    };
  }

  private opened(socket: WebSocketLike): void {
    this.attempts = 0;
    // The page's own app.ready, if it is still waiting for this socket, will do.
    const readyQueued = [...this.pending.values()].some((entry) => !entry.sent && entry.channel === 'app.ready');
    if (this.readyRequested && !readyQueued) void this.announceReady();
    for (const entry of this.pending.values()) if (!entry.sent) this.transmit(socket, entry);
    this.setLink('up');
  }

  /**
   * Pushes sent while the link was down are gone (and an app.ready that failed
   * before the first open never reached the host), so the status the host reports
   * with app.ready is replayed as a push: the status bar is then current again.
   */
  private async announceReady(): Promise<void> {
    const reply = await this.invoke('app.ready', {});
    if (reply.ok) this.dispatch('status.changed', reply.value.status);
  }

  private dropped(): void {
    this.socket = null;
    this.failPending('The connection to the Zuoxi host was lost');
    this.setLink('down');
    if (this.closed) return;
    this.attempts += 1;
    const delay = (this.options.backoffMs ?? defaultBackoffMs)(this.attempts);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private failPending(message: string): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.resolve(failure('unavailable', message));
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(frame)) return;
    if (frame.type === 'reply' && typeof frame.id === 'number') {
      const entry = this.pending.get(frame.id);
      if (!entry) return;
      this.pending.delete(frame.id);
      entry.resolve(isReply(frame.reply) ? frame.reply : failure('internal', 'Malformed reply from the Zuoxi host'));
    } else if (frame.type === 'push' && typeof frame.push === 'string') {
      this.dispatch(frame.push as Push, frame.payload);
    }
  }

  private dispatch(push: Push, payload: unknown): void {
    for (const listener of [...(this.pushListeners.get(push) ?? [])]) listener(payload);
  }

  private setLink(state: LinkState): void {
    if (this.link === state) return;
    this.link = state;
    for (const listener of [...this.linkListeners]) listener(state);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isReply(value: unknown): value is Reply<unknown> {
  if (!isRecord(value)) return false;
  return value.ok === true ? 'value' in value : value.ok === false && typeof value.code === 'string';
}
