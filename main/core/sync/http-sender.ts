import http from 'node:http';
import https from 'node:https';
import { systemClock, type Clock } from '../edge/clock';

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The whole exchange, from connect to the last byte of the response. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; only the first value of a repeated header. */
  headers: Record<string, string | undefined>;
  /** At most `MAX_BODY_CHARS`: kept only to explain a refusal. */
  body: string;
}

/**
 * The request never got an HTTP answer: connection refused or reset, DNS failure,
 * TLS failure, or the timeout. Always worth retrying: the row was fine.
 */
export class HttpTransportError extends Error {
  constructor(
    readonly reason: 'timeout' | 'connection',
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'HttpTransportError';
  }
}

/** What the sync worker sends through; tests and other transports implement it too. */
export interface HttpSender {
  post(request: HttpRequest): Promise<HttpResponse>;
  /** Drops pooled connections so the process can exit. */
  close(): void;
}

const MAX_BODY_CHARS = 2000;

/**
 * node:http(s) with keep-alive: a backlog of thousands of rows after a day offline goes
 * over a handful of connections instead of one TCP (and TLS) handshake per row.
 */
export class NodeHttpSender implements HttpSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4 });

  constructor(private readonly clock: Clock = systemClock) {}

  post(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const transport = secure ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        outcome();
      };
      const req = transport.request(url, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      });
      const timer = this.clock.setTimeout(() => {
        finish(() => reject(new HttpTransportError('timeout', `no answer within ${request.timeoutMs} ms`)));
        // Destroying the socket also stops a server that is slowly dribbling a response.
        req.destroy();
      }, request.timeoutMs);
      req.on('error', (error) => finish(() => reject(new HttpTransportError('connection', describe(error), { cause: error }))));
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY_CHARS) body += chunk.slice(0, MAX_BODY_CHARS - body.length);
        });
        res.on('error', (error) => finish(() => reject(new HttpTransportError('connection', describe(error), { cause: error }))));
        res.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(res.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
          finish(() => resolve({ status: res.statusCode ?? 0, headers, body }));
        });
      });
      req.end(request.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${error.message}` : error.message;
}
