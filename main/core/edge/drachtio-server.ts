/**
 * The drachtio side of the edge: a TCP server on 127.0.0.1 that unmodified
 * drachtio-srf connects to with `srf.connect({host, port, secret})`. It handles the
 * control requests itself (authenticate, route, remove_route, ping) and hands `sip`
 * requests to the SIP agent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { Logger } from '../log/logger';
import type { AppLink, AppRegistry } from './drachtio/app-registry';
import { controlResponse, frame, sipFailed, sipSent, splitPayload, WireFramer } from './drachtio/wire';
import type { AppOutcome } from './sip-agent';

/** What drachtio-srf reads as the server version; ≥ v0.8.2 lets it use ping. */
export const EDGE_VERSION = 'v0.9.3-zuoxi-edge';

export interface AppRequestHandler {
  fromApp(app: AppLink, transactionId: string, dialogId: string, proxy: string | undefined, sip: string): Promise<AppOutcome>;
  appClosed(app: AppLink): void;
}

export interface DrachtioServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  secret: string;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

class AppConnection implements AppLink {
  authenticated = false;
  private closing = false;
  private readonly framer = new WireFramer();

  constructor(
    readonly id: string,
    readonly socket: net.Socket,
    private readonly server: DrachtioServer,
  ) {}

  get open(): boolean {
    return this.authenticated && !this.closing && !this.socket.destroyed;
  }

  send(payload: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(frame(payload));
  }

  /** Says a last word, then hangs up. */
  refuse(payload: string): void {
    this.send(payload);
    this.closing = true;
    this.socket.end();
  }

  onData(chunk: Buffer): void {
    for (const input of this.framer.push(chunk)) {
      if (input.type === 'error') {
        this.server.log.warn('drachtio.bad_frame', { connection: this.id, reason: input.reason });
        this.closing = true;
        this.socket.destroy();
        return;
      }
      this.server.handle(this, input.payload);
    }
  }
}

export class DrachtioServer {
  private server: net.Server | undefined;
  private readonly connections = new Set<AppConnection>();
  private nextId = 1;
  private readonly secretDigest: Buffer;

  constructor(
    private readonly options: DrachtioServerOptions,
    private readonly apps: AppRegistry,
    private readonly handler: AppRequestHandler,
    private readonly hostports: () => string,
    readonly log: Logger,
  ) {
    if (/[|\r\n]/.test(options.secret) || options.secret.length === 0) throw new Error('the drachtio secret must be non-empty and free of | and line breaks');
    this.secretDigest = digest(options.secret);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async start(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Only this machine's processes may drive the SIP stack.
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.log.warn('drachtio.server_error', { error }));
    return (server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    this.connections.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const connection = new AppConnection(`app-${this.nextId++}`, socket, this);
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    this.log.info('drachtio.app_connected', { connection: connection.id });
    socket.on('data', (chunk) => connection.onData(chunk));
    socket.on('error', (error) => this.log.debug('drachtio.socket_error', { connection: connection.id, error }));
    socket.on('close', () => {
      this.connections.delete(connection);
      this.apps.remove(connection);
      this.handler.appClosed(connection);
      this.log.info('drachtio.app_disconnected', { connection: connection.id });
    });
  }

  /** One frame from an application. */
  handle(connection: AppConnection, payload: string): void {
    const { tokens, sip } = splitPayload(payload);
    const msgId = tokens[0] ?? '';
    const type = tokens[1] ?? '';
    if (!connection.authenticated && type !== 'authenticate') {
      connection.refuse(controlResponse(msgId, false, 'authentication required'));
      return;
    }
    switch (type) {
      case 'authenticate': {
        const offered = digest(tokens[2] ?? '');
        if (!timingSafeEqual(offered, this.secretDigest)) {
          this.log.warn('drachtio.auth_failed', { connection: connection.id });
          connection.refuse(controlResponse(msgId, false, 'incorrect secret'));
          return;
        }
        connection.authenticated = true;
        connection.send(controlResponse(msgId, true, this.hostports(), EDGE_VERSION));
        return;
      }
      case 'route':
      case 'remove_route': {
        const verb = tokens[2] ?? '';
        if (!verb) {
          connection.send(controlResponse(msgId, false, 'Route request includes unsupported verb'));
          return;
        }
        if (type === 'route') this.apps.route(connection, verb);
        else this.apps.unroute(connection, verb);
        connection.send(controlResponse(msgId, true));
        return;
      }
      case 'ping':
        connection.send(controlResponse(msgId, true, 'pong'));
        return;
      case 'sip':
        this.handler
          .fromApp(connection, tokens[2] ?? '', tokens[3] ?? '', tokens[4], sip)
          .then((outcome) => {
            if (!outcome.ok) connection.send(sipFailed(msgId, outcome.reason));
            else connection.send(sipSent(msgId, outcome.meta, outcome.transactionId, outcome.kind === 'response' ? outcome.dialogId : null, outcome.sent));
          })
          .catch((error: unknown) => {
            this.log.error('drachtio.sip_failed', { error });
            connection.send(sipFailed(msgId, 'internal error'));
          });
        return;
      case 'proxy':
        connection.send(sipFailed(msgId, 'proxying is not supported by the embedded SIP edge'));
        return;
      default:
        connection.send(controlResponse(msgId, false, 'Unknown message type'));
    }
  }
}
