/**
 * The drachtio wire protocol as drachtio-srf 5 speaks it: every frame is
 * `<byte length of the UTF-8 payload>#<payload>`, a payload is `|`-separated tokens,
 * optionally followed by CRLF and a raw SIP message.
 */
import { randomUUID } from 'node:crypto';

/** Frames longer than this are refused: no SIP message the edge handles comes close. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export function frame(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from(`${body.length}#`, 'ascii'), body]);
}

export type WireInput = { type: 'frame'; payload: string } | { type: 'error'; reason: string };

/** Cuts frames out of a byte stream; chunk boundaries may fall anywhere, even inside a UTF-8 character. */
export class WireFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private failed = false;

  push(chunk: Buffer): WireInput[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: WireInput[] = [];
    for (;;) {
      const hash = this.buffer.indexOf(0x23); // '#'
      const digits = this.buffer.subarray(0, hash < 0 ? this.buffer.length : hash).toString('latin1');
      if (!/^\d*$/.test(digits) || digits.length > 10 || (hash === 0)) return this.fail(out, 'invalid length specifier');
      if (hash < 0) break;
      const length = Number(digits);
      if (length <= 0 || length > MAX_FRAME_BYTES) return this.fail(out, `invalid frame length ${digits}`);
      const end = hash + 1 + length;
      if (this.buffer.length < end) break;
      out.push({ type: 'frame', payload: this.buffer.subarray(hash + 1, end).toString('utf8') });
      this.buffer = this.buffer.subarray(end);
    }
    if (this.buffer.length > 0) this.buffer = Buffer.from(this.buffer);
    return out;
  }

  private fail(out: WireInput[], reason: string): WireInput[] {
    this.failed = true;
    this.buffer = Buffer.alloc(0);
    out.push({ type: 'error', reason });
    return out;
  }
}

/** Splits a payload into its `|` tokens and the SIP message after the first CRLF. */
export function splitPayload(payload: string): { tokens: string[]; sip: string } {
  const crlf = payload.indexOf('\r\n');
  const leader = crlf < 0 ? payload : payload.slice(0, crlf);
  return { tokens: leader.split('|'), sip: crlf < 0 ? '' : payload.slice(crlf + 2) };
}

/** `source|bytes|protocol|address|port|time`, the meta block of every SIP-bearing frame. */
export interface WireMeta {
  source: 'network' | 'application';
  bytes: number;
  protocol: string;
  address: string;
  port: number;
  time: string;
}

export function formatMeta(meta: WireMeta): string {
  return [meta.source, meta.bytes, meta.protocol, meta.address, meta.port, meta.time].join('|');
}

/** drachtio's stack time: `HH:MM:SS.uuuuuu` (UTC). */
export function stackTime(now: number): string {
  return `${new Date(now).toISOString().slice(11, 23)}000`;
}

export function newMessageId(): string {
  return randomUUID();
}

/** `<id>|response|<msgId>|OK|…` or `…|NO|reason`, as drachtio answers control requests. */
export function controlResponse(msgId: string, ok: boolean, ...data: string[]): string {
  return [newMessageId(), 'response', msgId, ok ? 'OK' : 'NO', ...data].join('|');
}

/** A SIP message the application must see: `<id>|sip|<meta>|<txnId>|<dialogId>|[extra|…]\r\n<SIP>`. */
export function sipEvent(meta: WireMeta, transactionId: string, dialogId: string, extra: string[], sip: Buffer): Buffer {
  const leader = [newMessageId(), 'sip', formatMeta(meta), transactionId, dialogId, ...extra].join('|');
  return Buffer.concat([Buffer.from(`${leader}|\r\n`, 'utf8'), sip]);
}

/**
 * The answer to an application's `sip|…` request: `OK|<meta>|<txnId>|Msg sent:|` for
 * a request, `OK|<meta>|<txnId>|<dialogId>||Msg sent:|` for a response, each
 * followed by the message as it really left; or `NOK|<reason>`.
 */
export function sipSent(msgId: string, meta: WireMeta, transactionId: string, dialogId: string | null, sip: Buffer): Buffer {
  const tail = dialogId === null ? [transactionId, 'Msg sent:'] : [transactionId, dialogId, '', 'Msg sent:'];
  const leader = [newMessageId(), 'response', msgId, 'OK', formatMeta(meta), ...tail].join('|');
  return Buffer.concat([Buffer.from(`${leader}|\r\n`, 'utf8'), sip]);
}

export function sipFailed(msgId: string, reason: string): string {
  return [newMessageId(), 'response', msgId, 'NOK', reason.replace(/[|\r\n]/g, ' ')].join('|');
}
