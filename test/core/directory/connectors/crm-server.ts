/**
 * A real HTTP server on loopback playing the CRM for the REST connector and lookup-chain
 * tests: each test sets how it answers (JSON, a status, an HTML error page, garbage, a
 * delay, a dropped connection) and reads back what it was asked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrmRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface CrmReply {
  status?: number;
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  contentType?: string;
  delayMs?: number;
  /** Drop the connection without an answer. */
  destroy?: boolean;
}

export class CrmServer {
  readonly requests: CrmRequest[] = [];
  /** How the next requests are answered; may look at the request. */
  reply: (request: CrmRequest) => CrmReply = () => ({ status: 404, json: { error: 'not found' } });
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<CrmServer> {
    const server = http.createServer();
    const crm = new CrmServer(server);
    server.on('request', (req, res) => crm.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return crm;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const request = { url: req.url ?? '', headers: req.headers };
    this.requests.push(request);
    const reply = this.reply(request);
    const send = () => {
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const body = reply.raw ?? JSON.stringify(reply.json ?? null);
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json; charset=utf-8' });
      res.end(body);
    };
    if (!reply.delayMs) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, reply.delayMs);
    this.timers.add(timer);
  }

  /** Stops listening and drops every connection (keep-alive ones too). */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
