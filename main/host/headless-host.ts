import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ClientFrameSchema,
  SECRET_FRAGMENT_KEY,
  SOCKET_AUTH_PREFIX,
  SOCKET_PATH,
  SOCKET_PROTOCOL,
  type ServerFrame,
} from '../common/socket-protocol';
import { PushGate } from '../core/ipc/push-gate';
import type { Logger } from '../core/log/logger';
import type { Workstation } from '../core/workstation';
import { readStatic } from '../core/static-files';

export interface HeadlessHostOptions {
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed only by tests; otherwise a fresh random secret per run. */
  secret?: string;
}

// Large enough for a contact import carried as base64 (see the contract's limit).
const MAX_FRAME_BYTES = 80 * 1024 * 1024;
const LOOPBACK = '127.0.0.1';

/**
 * Runs the same core and the same router as the Electron shell, serves the renderer
 * bundle, and carries the contract over a WebSocket on 127.0.0.1 only. A client must
 * present this run's secret in the handshake and come from the host's own origin;
 * anything else is refused before a single frame is read.
 */
export class HeadlessHost {
  readonly secret: string;
  private readonly server: http.Server;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly log: Logger;
  private port = 0;

  constructor(
    private readonly workstation: Workstation,
    private readonly options: HeadlessHostOptions,
  ) {
    this.secret = options.secret ?? crypto.randomBytes(32).toString('hex');
    this.log = workstation.log.child({ module: 'host' });
    this.server = http.createServer((request, response) => void this.serveStatic(request, response));
    this.server.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
    this.sockets.on('connection', (socket) => this.attach(socket));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, LOOPBACK, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.log.info('host.listening', { port: this.port });
  }

  get origin(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  /** The page to open: the secret rides in the fragment, never sent to a server. */
  get url(): string {
    return `${this.origin}/#${SECRET_FRAGMENT_KEY}=${this.secret}`;
  }

  async stop(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate();
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private contentSecurityPolicy(): string {
    return [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src ws://${LOOPBACK}:${this.port}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
  }

  private async serveStatic(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const file = await readStatic(this.options.rendererDir, request.url ?? '/');
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    response.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': this.contentSecurityPolicy(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  private upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.refusalReason(request);
    if (refusal) {
      this.log.warn('host.socket_refused', { reason: refusal });
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (client) => this.sockets.emit('connection', client, request));
  }

  private refusalReason(request: http.IncomingMessage): string | null {
    if (new URL(request.url ?? '/', this.origin).pathname !== SOCKET_PATH) return 'wrong path';
    if (request.headers.origin !== this.origin) return 'foreign origin';
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SOCKET_PROTOCOL)) return 'protocol not offered';
    const auth = offered.find((p) => p.startsWith(SOCKET_AUTH_PREFIX));
    if (!auth || !sameSecret(auth.slice(SOCKET_AUTH_PREFIX.length), this.secret)) return 'bad secret';
    return null;
  }

  private attach(client: WebSocket): void {
    const send = (frame: ServerFrame) => {
      if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
    };
    const gate = new PushGate((push, payload) => send({ type: 'push', push, payload }));
    const detach = this.workstation.hub.attach(gate);
    client.on('close', detach);
    client.on('message', (data, isBinary) => {
      if (isBinary) return;
      void this.handleFrame(data.toString(), gate, send);
    });
  }

  private async handleFrame(text: string, gate: PushGate, send: (frame: ServerFrame) => void): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.log.warn('host.frame_not_json');
      return;
    }
    const frame = ClientFrameSchema.safeParse(json);
    if (!frame.success) {
      this.log.warn('host.frame_malformed');
      const id = (json as { id?: unknown } | null)?.id;
      if (typeof id === 'number') {
        send({ type: 'reply', id, reply: { ok: false, code: 'invalid_payload', message: 'Malformed frame' } });
      }
      return;
    }
    const { id, channel, args } = frame.data;
    const reply = await this.workstation.router.dispatch(channel, args);
    send({ type: 'reply', id, reply });
    if (channel === 'app.ready' && reply.ok) gate.markReady();
  }
}

function sameSecret(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
