/** An edge plus a real, unmodified drachtio-srf connected to it. */
import Srf from 'drachtio-srf';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';
import { SipEdge, type SipEdgeAddresses, type SipEdgeOptions } from '../../../main/core/edge/sip-edge';
import type { SipRequest } from '../../../main/core/edge/sip/message';

export const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=sendrecv\r\n';
export const PEER_SDP = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 41000 RTP/AVP 0\r\na=sendrecv\r\n';

export async function until(predicate: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Harness {
  edge: SipEdge;
  addresses: SipEdgeAddresses;
  sink: MemorySink;
  srf: Srf;
  stop(): Promise<void>;
}

/**
 * Starts an edge (fast RFC 3261 timers unless told otherwise), connects srf, lets
 * `setup` register its handlers first, and waits until the edge knows the routes.
 */
export async function harness(
  setup: (srf: Srf) => void,
  methods: string[],
  options: Partial<SipEdgeOptions> = {},
): Promise<Harness> {
  const sink = new MemorySink();
  const edge = new SipEdge(
    { sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0 }, drachtio: {}, timers: { t1: 100, t2: 400, t4: 500 }, ...options },
    new StructuredLogger(sink, 'debug'),
  );
  const addresses = await edge.start();
  const srf = new Srf();
  setup(srf);
  const connected = new Promise<void>((resolve, reject) => {
    srf.on('connect', (err: unknown) => (err ? reject(err) : resolve()));
  });
  srf.connect({ host: addresses.drachtio.host, port: addresses.drachtio.port, secret: addresses.drachtio.secret });
  await connected;
  await until(() => methods.every((m) => edge.routes(m)), `routes ${methods.join(',')}`);
  return {
    edge,
    addresses,
    sink,
    srf,
    async stop() {
      srf.disconnect();
      await until(() => edge.status().apps === 0, 'srf to disconnect');
      await edge.stop();
    },
  };
}

export interface AnswerOptions {
  toTag?: string;
  contact?: string;
  body?: string;
  extra?: string;
  reason?: string;
}

/** A peer's response to `request`, as text (LF line ends; the peers convert). */
export function answer(request: SipRequest, status: number, options: AnswerOptions = {}): string {
  const vias = request.headers.lines('via').map((v) => `Via: ${v}\n`).join('');
  const to = request.headers.get('to')!;
  const toValue = options.toTag && !/;tag=/.test(to) ? `${to};tag=${options.toTag}` : to;
  const body = options.body ?? '';
  return (
    `SIP/2.0 ${status} ${options.reason ?? 'Whatever'}\n${vias}From: ${request.headers.get('from')}\nTo: ${toValue}\n` +
    `Call-ID: ${request.headers.get('call-id')}\nCSeq: ${request.headers.get('cseq')}\n` +
    (options.contact ? `Contact: ${options.contact}\n` : '') +
    (body ? 'Content-Type: application/sdp\n' : '') +
    (options.extra ?? '') +
    `Content-Length: ${Buffer.byteLength(body.replace(/\r?\n/g, '\r\n'))}\n\n${body}`
  );
}

/** drachtio-srf's JavaScript API where its bundled typings disagree with it. */
export interface SrfLoose {
  notify(handler: (req: Srf.SrfRequest, res: Srf.SrfResponse) => void): void;
  options(handler: (req: Srf.SrfRequest, res: Srf.SrfResponse) => void): void;
  request(uri: string, opts: Record<string, unknown>, callback: (err: unknown, req: Srf.SrfRequest) => void): void;
}

export interface DialogLoose {
  request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<Srf.SrfResponse>;
}

export const loose = (srf: Srf): SrfLoose => srf as unknown as SrfLoose;
export const looseDialog = (dialog: Srf.Dialog): DialogLoose => dialog as unknown as DialogLoose;
