import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it arrived, before any dedupe. */
export interface Delivery {
  key: string | undefined;
  authorization: string | undefined;
  body: string;
}

/**
 * What the server does with a request. `apply` stores it (once per key, the way a back
 * office honouring Idempotency-Key would); `respond` is the status to answer, 'hang' to
 * never answer (the client's timeout fires; the request may well have been applied), or
 * 'destroy' to drop the connection without an answer.
 */
export interface Behaviour {
  apply: boolean;
  respond: number | 'hang' | 'destroy';
  headers?: Record<string, string>;
}

export type Decide = (delivery: Delivery, index: number) => Behaviour;

export const accept: Decide = () => ({ apply: true, respond: 200 });

/**
 * A real HTTP back office on loopback that records every arrival and holds each
 * record once per Idempotency-Key. A repeated key is answered 200 without applying
 * again — what the outbox relies on after a crash between "server answered" and "row
 * marked sent".
 */
export class BackOfficeServer {
  readonly deliveries: Delivery[] = [];
  /** key → the body applied for it (the first one). */
  readonly held = new Map<string, string>();
  /** Requests that repeated an already applied key. */
  duplicates = 0;
  decide: Decide = accept;
  /** Called after a request has been applied, before the answer goes out (the test may kill the client here). */
  onApplied: ((delivery: Delivery, index: number) => void) | null = null;
  private server: http.Server | null = null;
  private port = 0;

  constructor(private readonly token: string | null = null) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/outbox`;
  }

  /** Listens on a fresh port, or on the same port again after `down()`. */
  async up(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection: clients get ECONNREFUSED until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The applied bodies, parsed. */
  records(): Array<{ id: string; kind: string; createdAt: string; payload: Record<string, unknown> }> {
    return [...this.held.values()].map((body) => JSON.parse(body) as never);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const delivery: Delivery = { key: header('idempotency-key'), authorization: header('authorization'), body: Buffer.concat(chunks).toString('utf8') };
      const index = this.deliveries.push(delivery) - 1;
      if (this.token !== null && delivery.authorization !== `Bearer ${this.token}`) {
        res.writeHead(401).end('bad token');
        return;
      }
      if (!delivery.key) {
        res.writeHead(400).end('Idempotency-Key required');
        return;
      }
      const behaviour = this.decide(delivery, index);
      if (behaviour.apply) {
        if (this.held.has(delivery.key)) this.duplicates += 1;
        else this.held.set(delivery.key, delivery.body);
        this.onApplied?.(delivery, index);
      }
      if (behaviour.respond === 'hang') return;
      if (behaviour.respond === 'destroy') {
        req.socket.destroy();
        return;
      }
      res.writeHead(behaviour.respond, { 'content-type': 'text/plain', ...behaviour.headers }).end(behaviour.respond < 300 ? 'ok' : `status ${behaviour.respond}`);
    });
  }
}
