/**
 * A real HTTP server on loopback playing the customer CRM for end-to-end tests: it checks
 * the bearer token, looks the customer up by the `phone` query parameter, and answers
 * JSON — or, when a test says so, a 5xx page or a slow answer. Every request is kept.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrmAnswer {
  status?: number;
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  contentType?: string;
  delayMs?: number;
}

export class E2eCrmServer {
  readonly requests: Array<{ url: string; authorization: string | undefined; at: number }> = [];
  /** The customers by E.164, as the CRM's `customers` array entries. */
  customers = new Map<string, unknown>();
  /** Overrides every answer while set (an outage: `{ status: 500, raw: … }`). */
  outage: CrmAnswer | null = null;
  /** Delays the answers for these numbers (a slow CRM). */
  delays = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: http.Server,
    readonly token: string,
  ) {}

  static async start(token: string): Promise<E2eCrmServer> {
    const server = http.createServer();
    const crm = new E2eCrmServer(server, token);
    server.on('request', (req, res) => crm.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return crm;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests for one number. */
  asked(e164: string): number {
    return this.requests.filter((request) => new URL(request.url, this.base).searchParams.get('phone') === e164).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push({ url: req.url ?? '', authorization: req.headers.authorization, at: Date.now() });
    const phone = new URL(req.url ?? '/', this.base).searchParams.get('phone') ?? '';
    const answer = this.answerFor(req, phone);
    const send = () => {
      res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'application/json; charset=utf-8' });
      res.end(answer.raw ?? JSON.stringify(answer.json ?? null));
    };
    const delay = answer.delayMs ?? 0;
    if (delay <= 0) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, delay);
    this.timers.add(timer);
  }

  private answerFor(req: http.IncomingMessage, phone: string): CrmAnswer {
    if (this.outage) return this.outage;
    if (req.headers.authorization !== `Bearer ${this.token}`) return { status: 401, json: { error: 'unauthorized' } };
    const customer = this.customers.get(phone);
    return { status: 200, json: { data: { customers: customer ? [customer] : [] } }, delayMs: this.delays.get(phone) ?? 0 };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
