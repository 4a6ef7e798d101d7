/** Raw network peers for the edge tests: a SIP endpoint over UDP or TCP, and a bare drachtio client. */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import type { SipMessage, SipRequest, SipResponse } from '../../../main/core/edge/sip/message';
import { parseApplicationMessage, parseDatagram } from '../../../main/core/edge/sip/parser';
import { crlf } from './helpers';

type Predicate = (message: SipMessage) => boolean;

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs: number, tick: (wake: () => void) => void): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 25);
      tick(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Remembers every message it gets; `next` hands each out once. */
abstract class SipPeer {
  readonly received: SipMessage[] = [];
  private taken = new Set<SipMessage>();
  protected wake: () => void = () => {};

  abstract get port(): number;

  protected push(message: SipMessage): void {
    this.received.push(message);
    this.wake();
  }

  next(predicate: Predicate, what = 'a message', timeoutMs = 4000): Promise<SipMessage> {
    return waitFor(
      () => {
        const found = this.received.find((m) => !this.taken.has(m) && predicate(m));
        if (found) this.taken.add(found);
        return found;
      },
      what,
      timeoutMs,
      (wake) => (this.wake = wake),
    );
  }

  async response(status: number, method?: string, timeoutMs?: number): Promise<SipResponse> {
    const m = await this.next(
      (x) => x.kind === 'response' && x.status === status && (!method || (x.headers.get('cseq') ?? '').endsWith(` ${method}`)),
      `${status} ${method ?? ''}`,
      timeoutMs,
    );
    return m as SipResponse;
  }

  async request(method: string, timeoutMs?: number): Promise<SipRequest> {
    return (await this.next((x) => x.kind === 'request' && x.method === method, method, timeoutMs)) as SipRequest;
  }

  count(predicate: Predicate): number {
    return this.received.filter(predicate).length;
  }
}

export class UdpPeer extends SipPeer {
  readonly raw: Buffer[] = [];
  private constructor(private readonly socket: dgram.Socket) {
    super();
    socket.on('message', (data) => {
      this.raw.push(data);
      const parsed = parseDatagram(data);
      // An answer to a broken request may carry the broken headers back: read it leniently.
      const loose = parsed.ok ? parsed : parseApplicationMessage(data.toString('utf8'));
      if (loose.ok) this.push(loose.message);
      else this.wake();
    });
  }

  static async open(): Promise<UdpPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(message: Buffer | string, port: number): void {
    this.socket.send(typeof message === 'string' ? crlf(message) : message, port, '127.0.0.1');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export class TcpPeer extends SipPeer {
  private buffer = Buffer.alloc(0);
  readonly closed: Promise<void>;
  private constructor(private readonly socket: net.Socket) {
    super();
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      // Framed by Content-Length, parsed leniently (see UdpPeer).
      for (;;) {
        while (this.buffer.subarray(0, 2).toString() === '\r\n') this.buffer = this.buffer.subarray(2);
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = this.buffer.subarray(0, end).toString('utf8');
        const length = Number(/^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(head)?.[1] ?? 0);
        if (this.buffer.length < end + 4 + length) break;
        const parsed = parseApplicationMessage(this.buffer.subarray(0, end + 4 + length).toString('utf8'));
        this.buffer = this.buffer.subarray(end + 4 + length);
        if (parsed.ok) this.push(parsed.message);
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async connect(port: number): Promise<TcpPeer> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    return new TcpPeer(socket);
  }

  /** The same over TLS, trusting `ca`. */
  static async connectTls(port: number, ca: string): Promise<TcpPeer> {
    const socket = tls.connect({ port, host: '127.0.0.1', ca });
    await new Promise((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return new TcpPeer(socket);
  }

  /** Wraps a socket a test server accepted. */
  static adopt(socket: net.Socket): TcpPeer {
    return new TcpPeer(socket);
  }

  get port(): number {
    return this.socket.localPort ?? 0;
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  send(message: Buffer | string): void {
    this.socket.write(typeof message === 'string' ? crlf(message) : message);
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}

/** A drachtio client without drachtio-srf: frames as bytes, to check the wire format exactly. */
export class WireClient {
  readonly frames: string[] = [];
  private buffer = Buffer.alloc(0);
  private wake: () => void = () => {};
  readonly closed: Promise<void>;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const hash = this.buffer.indexOf('#');
        if (hash < 0) break;
        const length = Number(this.buffer.subarray(0, hash).toString());
        if (this.buffer.length < hash + 1 + length) break;
        this.frames.push(this.buffer.subarray(hash + 1, hash + 1 + length).toString('utf8'));
        this.buffer = this.buffer.subarray(hash + 1 + length);
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async connect(port: number): Promise<WireClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    return new WireClient(socket);
  }

  /** Sends `<msgId>|<payload>` framed; returns the msgId. */
  send(msgId: string, payload: string): string {
    this.socket.write(frameOf(`${msgId}|${payload}`));
    return msgId;
  }

  next(predicate: (frame: string) => boolean = () => true, what = 'a frame', timeoutMs = 4000): Promise<string> {
    return waitFor(
      () => {
        const index = this.frames.findIndex((f) => predicate(f));
        if (index < 0) return undefined;
        const found = this.frames[index]!;
        this.frames.splice(index, 1);
        return found;
      },
      what,
      timeoutMs,
      (wake) => (this.wake = wake),
    );
  }

  /** The `response|<msgId>|…` frame answering `msgId`, as tokens after the msgId. */
  async reply(msgId: string): Promise<{ tokens: string[]; sip: string }> {
    const frame = await this.next((f) => f.split('|')[2] === msgId && f.split('|')[1] === 'response', `reply to ${msgId}`);
    const crlfAt = frame.indexOf('\r\n');
    const leader = crlfAt < 0 ? frame : frame.slice(0, crlfAt);
    return { tokens: leader.split('|').slice(3), sip: crlfAt < 0 ? '' : frame.slice(crlfAt + 2) };
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}

export function frameOf(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}#`), body]);
}
