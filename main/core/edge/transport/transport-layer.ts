/**
 * RFC 3261 §18 transports: UDP, TCP and TLS listeners on the configured host,
 * outbound sends, and connection reuse on the stream transports (a response goes
 * back on the connection its request came in on; a request to an address we
 * already have a connection with uses that connection). Bytes become messages here
 * and nowhere else.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import type { Logger } from '../../log/logger';
import type { SipMessage } from '../sip/message';
import { DEFAULT_LIMITS, parseDatagram, SipStreamFramer, type ParseLimits, type SipParseError } from '../sip/parser';

export type Protocol = 'udp' | 'tcp' | 'tls';
type StreamProtocol = Exclude<Protocol, 'udp'>;

/** Where a message came from and which of our sockets received it. */
export interface MessageOrigin {
  protocol: Protocol;
  address: string;
  port: number;
  localAddress: string;
  localPort: number;
  /** Stream transports: the connection to answer on. */
  connectionId?: string;
  bytes: number;
}

export interface SendTarget {
  protocol: Protocol;
  address: string;
  port: number;
  /** Prefer this connection (responses over TCP), if it is still open. */
  connectionId?: string;
}

export interface SentVia {
  protocol: Protocol;
  localAddress: string;
  localPort: number;
  address: string;
  port: number;
  connectionId?: string;
}

export interface TransportHandlers {
  onMessage(message: SipMessage, origin: MessageOrigin): void;
  /** A message that failed to parse; the caller decides whether to answer it. */
  onInvalid(error: SipParseError, origin: MessageOrigin, raw?: Buffer): void;
}

export interface TlsOptions {
  port: number;
  key: string | Buffer;
  cert: string | Buffer;
  /** Trusted roots for the peers we dial; the system's when absent. */
  ca?: string | Buffer;
  /** Whether dialled peers must present a certificate we trust (default true). */
  rejectUnauthorized?: boolean;
}

export interface TransportOptions {
  host: string;
  udpPort?: number;
  tcpPort?: number;
  tls?: TlsOptions;
  /** What Via and Contact advertise, when the listening address is not reachable as is. */
  publicAddress?: string;
  limits?: ParseLimits;
  /** Idle TCP connections are closed after this long. */
  tcpIdleMs?: number;
  connectTimeoutMs?: number;
}

interface Connection {
  id: string;
  protocol: StreamProtocol;
  socket: net.Socket;
  remote: string;
  ready: Promise<void>;
  connected: boolean;
}

/** '::ffff:127.0.0.1' and '127.0.0.1' are the same peer. */
function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function firstExternalIPv4(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return '127.0.0.1';
}

export class TransportLayer {
  private udp: dgram.Socket | undefined;
  private readonly servers = new Map<StreamProtocol, net.Server>();
  private readonly ports = new Map<Protocol, number>();
  private readonly connections = new Map<string, Connection>();
  /** `<protocol>|<address>:<port>` → connection id. */
  private readonly byRemote = new Map<string, string>();
  private nextConnection = 1;
  private stopped = false;

  constructor(
    private readonly options: TransportOptions,
    private readonly log: Logger,
    private readonly handlers: TransportHandlers,
  ) {}

  async start(): Promise<{ udp?: number; tcp?: number; tls?: number }> {
    this.stopped = false;
    const { udpPort, tcpPort, tls: tlsOptions } = this.options;
    if (udpPort !== undefined) this.ports.set('udp', await this.startUdp(udpPort));
    if (tcpPort !== undefined) this.ports.set('tcp', await this.startStream('tcp', tcpPort));
    if (tlsOptions) this.ports.set('tls', await this.startStream('tls', tlsOptions.port));
    return Object.fromEntries(this.ports);
  }

  /** The host and port our Via and Contact headers name for this transport. */
  advertised(protocol: Protocol): { host: string; port: number } | undefined {
    const port = this.ports.get(protocol);
    if (port === undefined) return undefined;
    const bind = this.options.host;
    const host = this.options.publicAddress ?? (bind === '0.0.0.0' || bind === '::' ? firstExternalIPv4() : bind);
    return { host, port };
  }

  supports(protocol: Protocol): boolean {
    return this.ports.has(protocol);
  }

  /** Every transport as drachtio reports it: `udp/127.0.0.1:5060,tcp/…`. */
  hostports(): string {
    return (['udp', 'tcp', 'tls'] as const)
      .map((p) => {
        const a = this.advertised(p);
        return a ? `${p}/${a.host}:${a.port}` : '';
      })
      .filter(Boolean)
      .join(',');
  }

  isLocal(address: string, port: number): boolean {
    const mine = [this.options.host, this.options.publicAddress, this.advertised('udp')?.host];
    return mine.includes(plainAddress(address)) && [...this.ports.values()].includes(port);
  }

  get openConnections(): number {
    return this.connections.size;
  }

  async send(data: Buffer, target: SendTarget): Promise<SentVia> {
    if (this.stopped) throw new Error('transport stopped');
    if (target.protocol === 'udp') return this.sendUdp(data, target);
    return this.sendStream(data, target.protocol, target);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const connection of this.connections.values()) connection.socket.destroy();
    this.connections.clear();
    this.byRemote.clear();
    const closing: Promise<void>[] = [];
    if (this.udp) {
      const udp = this.udp;
      closing.push(new Promise((resolve) => udp.close(() => resolve())));
    }
    for (const server of this.servers.values()) closing.push(new Promise((resolve) => server.close(() => resolve())));
    this.udp = undefined;
    this.servers.clear();
    this.ports.clear();
    await Promise.all(closing);
  }

  private startUdp(port: number): Promise<number> {
    const socket = dgram.createSocket(net.isIPv6(this.options.host) ? 'udp6' : 'udp4');
    this.udp = socket;
    socket.on('message', (data, rinfo) => this.onDatagram(data, rinfo));
    socket.on('error', (error) => this.log.warn('sip.udp.error', { error }));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.options.host, () => {
        socket.off('error', reject);
        growReceiveBuffer(socket, this.log);
        resolve(socket.address().port);
      });
    });
  }

  private onDatagram(data: Buffer, rinfo: dgram.RemoteInfo): void {
    // Keep-alives (CRLF, RFC 5626) carry no message.
    if (data.length <= 4 && /^(\r\n)+$/.test(data.toString('latin1'))) return;
    const local = this.udp?.address();
    const origin: MessageOrigin = {
      protocol: 'udp',
      address: plainAddress(rinfo.address),
      port: rinfo.port,
      localAddress: this.advertised('udp')?.host ?? plainAddress(local?.address),
      localPort: local?.port ?? 0,
      bytes: data.length,
    };
    const result = parseDatagram(data, this.options.limits ?? DEFAULT_LIMITS);
    this.deliver(() => (result.ok ? this.handlers.onMessage(result.message, origin) : this.handlers.onInvalid(result.error, origin, data)));
  }

  /** A handler's bug must not take the socket down with it. */
  private deliver(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log.error('sip.transport.handler_failed', { error });
    }
  }

  private sendUdp(data: Buffer, target: SendTarget): Promise<SentVia> {
    const socket = this.udp;
    if (!socket) return Promise.reject(new Error('UDP is not enabled'));
    return new Promise((resolve, reject) => {
      socket.send(data, target.port, target.address, (error) => {
        if (error) reject(error);
        else
          resolve({
            protocol: 'udp',
            localAddress: this.advertised('udp')!.host,
            localPort: this.ports.get('udp')!,
            address: target.address,
            port: target.port,
          });
      });
    });
  }

  private startStream(protocol: StreamProtocol, port: number): Promise<number> {
    const tlsOptions = this.options.tls;
    const server =
      protocol === 'tls' && tlsOptions
        ? tls.createServer({ key: tlsOptions.key, cert: tlsOptions.cert }, (socket) => this.adopt(socket, 'tls'))
        : net.createServer((socket) => this.adopt(socket, 'tcp'));
    this.servers.set(protocol, server);
    server.on('error', (error) => this.log.warn(`sip.${protocol}.error`, { error }));
    // A failed TLS handshake is the peer's problem, not a server error.
    server.on('tlsClientError', (error) => this.log.debug('sip.tls.handshake_failed', { error }));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Registers a connected socket (accepted or dialled) and starts framing it. */
  private adopt(socket: net.Socket, protocol: StreamProtocol, dialling?: Promise<void>): Connection {
    const id = `${protocol}-${this.nextConnection++}`;
    const remoteKey = () => `${protocol}|${plainAddress(socket.remoteAddress)}:${socket.remotePort}`;
    const connection: Connection = { id, protocol, socket, remote: '', ready: dialling ?? Promise.resolve(), connected: dialling === undefined };
    dialling?.then(
      () => (connection.connected = true),
      () => undefined,
    );
    this.connections.set(id, connection);
    const register = () => {
      connection.remote = remoteKey();
      this.byRemote.set(connection.remote, id);
    };
    if (socket.remoteAddress) register();
    else socket.once('connect', register);

    const framer = new SipStreamFramer(this.options.limits ?? DEFAULT_LIMITS);
    socket.setNoDelay(true);
    socket.setTimeout(this.options.tcpIdleMs ?? 300_000, () => socket.destroy());
    socket.on('data', (chunk) => {
      const origin = (): MessageOrigin => ({
        protocol,
        address: plainAddress(socket.remoteAddress),
        port: socket.remotePort ?? 0,
        localAddress: this.advertised(protocol)?.host ?? plainAddress(socket.localAddress),
        localPort: socket.localPort ?? 0,
        connectionId: id,
        bytes: chunk.length,
      });
      for (const output of framer.push(chunk)) {
        if (output.type === 'message') this.deliver(() => this.handlers.onMessage(output.message, origin()));
        else if (output.type === 'invalid') this.deliver(() => this.handlers.onInvalid(output.error, origin()));
        else if (output.type === 'ping') socket.write('\r\n');
        else {
          this.log.warn('sip.stream.unframeable', { connection: id, reason: output.error.reason });
          // Let any queued answer (e.g. the 400) leave before closing.
          socket.end();
        }
      }
    });
    socket.on('error', (error) => this.log.debug('sip.stream.socket_error', { connection: id, error }));
    socket.on('close', () => {
      this.connections.delete(id);
      if (this.byRemote.get(connection.remote) === id) this.byRemote.delete(connection.remote);
    });
    return connection;
  }

  private connectionTo(protocol: StreamProtocol, target: SendTarget): Connection {
    const preferred = target.connectionId ? this.connections.get(target.connectionId) : undefined;
    if (preferred && !preferred.socket.destroyed && preferred.protocol === protocol) return preferred;
    const key = `${protocol}|${target.address}:${target.port}`;
    const existingId = this.byRemote.get(key);
    const existing = existingId ? this.connections.get(existingId) : undefined;
    if (existing && !existing.socket.destroyed) return existing;

    const tlsOptions = this.options.tls;
    const socket =
      protocol === 'tls'
        ? tls.connect({
            host: target.address,
            port: target.port,
            ca: tlsOptions?.ca,
            rejectUnauthorized: tlsOptions?.rejectUnauthorized ?? true,
            servername: net.isIP(target.address) ? undefined : target.address,
          })
        : net.connect({ host: target.address, port: target.port });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), this.options.connectTimeoutMs ?? 10_000);
      socket.once(protocol === 'tls' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${target.address}:${target.port}`));
      });
    });
    ready.catch(() => undefined);
    const connection = this.adopt(socket, protocol, ready);
    this.byRemote.set(key, connection.id);
    return connection;
  }

  private async sendStream(data: Buffer, protocol: StreamProtocol, target: SendTarget): Promise<SentVia> {
    if (!this.servers.has(protocol)) throw new Error(`${protocol.toUpperCase()} is not enabled`);
    const connection = this.connectionTo(protocol, target);
    // Write at once on an open connection, so an answer queued just before the
    // connection is closed (a 400 to an unframeable stream) still leaves.
    if (!connection.connected) await connection.ready;
    const { socket } = connection;
    await new Promise<void>((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
    return {
      protocol,
      localAddress: this.advertised(protocol)!.host,
      localPort: socket.localPort ?? 0,
      address: plainAddress(socket.remoteAddress),
      port: socket.remotePort ?? target.port,
      connectionId: connection.id,
    };
  }
}

// A burst of INVITEs (a queue flushing, a campaign starting) overflows the OS's
// default UDP receive buffer long before the edge runs out of CPU; each lost datagram
// then costs the peer a 500 ms retransmission. The kernel caps the value (rmem_max).
const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

function growReceiveBuffer(socket: dgram.Socket, log: Logger): void {
  try {
    socket.setRecvBufferSize(UDP_RECEIVE_BUFFER_BYTES);
  } catch (error) {
    log.warn('sip.udp.receive_buffer', { error });
  }
}
