/**
 * SIP message parsing (RFC 3261 §7, §18.3, §25). Nothing here throws on bad input:
 * every entry point returns a result, and a failure says why and what the edge
 * should do about it (answer 400 or 505 with what could be read, or drop).
 */
import {
  isCallId,
  isMediaType,
  isToken,
  parseCSeq,
  parseNameAddr,
  parseUri,
  parseVia,
} from './grammar';
import { headerKey, SipHeaders, type HeaderField, type SipMessage } from './message';

export interface ParseLimits {
  /** Start line plus headers. */
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxHeaderBytes: 64 * 1024, maxBodyBytes: 1024 * 1024 };

export type ParseErrorCode =
  | 'empty'
  | 'too-large'
  | 'not-utf8'
  | 'bad-start-line'
  | 'bad-version'
  | 'bad-header-line'
  | 'bad-header'
  | 'missing-header'
  | 'duplicate-header'
  | 'bad-content-length'
  | 'body-too-short'
  | 'cseq-mismatch';

export interface PartialMessage {
  kind: 'request' | 'response';
  method?: string;
  headers: SipHeaders;
}

export interface SipParseError {
  code: ParseErrorCode;
  /** Which part was wrong, for logs and the 400's reason phrase. */
  reason: string;
  /** The status to answer a request with; absent means drop (e.g. any bad response). */
  status?: 400 | 505;
  /** What could be read: enough to address an error response, if present. */
  partial?: PartialMessage;
}

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: SipParseError };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Headers that may occur only once (RFC 3261 §7.3.1, and RFC 4475 multi01 / mcl01). */
const SINGLETONS = ['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type', 'expires'];
const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'];

function fail(code: ParseErrorCode, reason: string, partial?: PartialMessage): { ok: false; error: SipParseError } {
  const error: SipParseError = { code, reason };
  if (partial) {
    error.partial = partial;
    if (partial.kind === 'request') error.status = code === 'bad-version' ? 505 : 400;
  }
  return { ok: false, error };
}

interface Head {
  kind: 'request' | 'response';
  startLine: string;
  fields: HeaderField[];
}

/** Splits the header section into the start line and unfolded header fields. */
function splitHead(text: string): Head | { error: string } {
  const rawLines = text.split('\r\n');
  const start = rawLines[0] ?? '';
  const fields: HeaderField[] = [];
  for (let i = 1; i < rawLines.length; i += 1) {
    const line = rawLines[i]!;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // Folded continuation (LWS): joins the previous line with one space.
      const last = fields[fields.length - 1];
      if (!last) return { error: 'continuation line before any header' };
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) return { error: `header line without a colon: ${line.slice(0, 40)}` };
    const name = line.slice(0, colon).replace(/[ \t]+$/, '');
    if (!isToken(name)) return { error: `invalid header name: ${name.slice(0, 40)}` };
    fields.push({ name, value: line.slice(colon + 1).trim() });
  }
  const kind = /^SIP\//i.test(start) ? 'response' : 'request';
  return { kind, startLine: start, fields };
}

const REQUEST_LINE = /^([^ ]+) ([^ ]+) ([^ ]+)$/;
const RESPONSE_LINE = /^([^ ]+) (\d{3})(?: (.*))?$/;
const VERSION = /^SIP\/(\d+)\.(\d+)$/i;

/** Checks what the transaction layer and the edge rely on; returns why not, or null. */
function checkHeaders(headers: SipHeaders, kind: 'request' | 'response', method?: string): [ParseErrorCode, string] | null {
  for (const name of REQUIRED) if (!headers.has(name)) return ['missing-header', `missing ${name}`];
  for (const name of SINGLETONS) {
    const lines = headers.lines(name);
    if (lines.length > 1) return ['duplicate-header', `more than one ${name}`];
  }
  const vias = headers.values('via');
  if (vias.length === 0 || !vias.every((v) => parseVia(v) !== null)) return ['bad-header', 'malformed Via'];
  for (const name of ['from', 'to']) {
    if (!parseNameAddr(headers.get(name)!)) return ['bad-header', `malformed ${name}`];
  }
  if (!isCallId(headers.get('call-id')!)) return ['bad-header', 'malformed Call-ID'];
  const cseq = parseCSeq(headers.get('cseq')!);
  if (!cseq) return ['bad-header', 'malformed CSeq'];
  if (kind === 'request' && cseq.method !== method) return ['cseq-mismatch', 'CSeq method differs from the request method'];

  const maxForwards = headers.get('max-forwards');
  if (maxForwards !== undefined && !(/^\d{1,10}$/.test(maxForwards) && Number(maxForwards) <= 255)) {
    return ['bad-header', 'malformed Max-Forwards'];
  }
  const expires = headers.get('expires');
  if (expires !== undefined && !/^\d{1,10}$/.test(expires)) return ['bad-header', 'malformed Expires'];
  const contentType = headers.get('content-type');
  if (contentType !== undefined && !isMediaType(contentType)) return ['bad-header', 'malformed Content-Type'];
  // A malformed Date (RFC 4475 baddate) is not rejected: the edge never reads it.

  const contacts = headers.values('contact');
  if (!(contacts.length === 1 && contacts[0] === '*') && !contacts.every((c) => parseNameAddr(c) !== null)) {
    return ['bad-header', 'malformed Contact'];
  }
  for (const name of ['route', 'record-route']) {
    if (!headers.values(name).every((r) => parseNameAddr(r) !== null)) return ['bad-header', `malformed ${name}`];
  }
  return null;
}

/** Content-Length as a number, undefined when absent, null when unusable. */
function contentLengthOf(fields: HeaderField[]): number | undefined | null {
  const values = fields.filter((f) => headerKey(f.name) === 'content-length').map((f) => f.value);
  if (values.length === 0) return undefined;
  if (values.length > 1 || !/^\d{1,10}$/.test(values[0]!)) return null;
  return Number(values[0]);
}

/**
 * Parses one complete message whose header section is `head` (without the blank
 * line) and whose candidate body is `body`. With `exactBody` (stream framing) the
 * body is already cut to Content-Length; otherwise (datagram) Content-Length picks
 * the body out of what arrived and extra octets are ignored (RFC 4475 dblreq).
 */
function parseParts(head: Buffer, body: Buffer, exactBody: boolean, limits: ParseLimits): ParseResult {
  if (head.length > limits.maxHeaderBytes) return fail('too-large', 'header section too large');
  let text: string;
  let decodeError: string | undefined;
  try {
    text = utf8.decode(head);
  } catch {
    text = lenientUtf8.decode(head);
    decodeError = 'header section is not UTF-8';
  }
  const split = splitHead(text);
  if ('error' in split) {
    // The start line may still tell us it was a request worth a 400.
    const kind = /^SIP\//i.test(text) ? 'response' : 'request';
    return fail('bad-header-line', split.error, kind === 'request' ? { kind, headers: new SipHeaders() } : undefined);
  }
  const headers = new SipHeaders(split.fields);
  const partial: PartialMessage = { kind: split.kind, headers };
  if (decodeError) return fail('not-utf8', decodeError, partial);

  let message: SipMessage;
  if (split.kind === 'response') {
    const line = RESPONSE_LINE.exec(split.startLine);
    if (!line) return fail('bad-start-line', 'malformed status line', partial);
    if (!VERSION.test(line[1]!)) return fail('bad-start-line', 'malformed SIP version', partial);
    if (line[1]!.toUpperCase() !== 'SIP/2.0') return fail('bad-version', `unsupported version ${line[1]}`, partial);
    const status = Number(line[2]);
    if (status < 100 || status > 699) return fail('bad-start-line', `status code ${status} out of range`, partial);
    message = { kind: 'response', status, reason: line[3] ?? '', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  } else {
    const line = REQUEST_LINE.exec(split.startLine);
    if (!line) return fail('bad-start-line', 'malformed request line', partial);
    const [, method, uri, version] = line as unknown as [string, string, string, string];
    if (!isToken(method)) return fail('bad-start-line', 'method is not a token', partial);
    partial.method = method;
    if (!VERSION.test(version)) return fail('bad-start-line', 'malformed SIP version', partial);
    if (version.toUpperCase() !== 'SIP/2.0') return fail('bad-version', `unsupported version ${version}`, partial);
    const parsedUri = parseUri(uri);
    if (!parsedUri) return fail('bad-start-line', 'malformed Request-URI', partial);
    if ('headers' in parsedUri && parsedUri.headers !== undefined) {
      // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 escruri).
      return fail('bad-start-line', 'Request-URI carries headers', partial);
    }
    message = { kind: 'request', method, uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  }

  const problem = checkHeaders(headers, message.kind, message.kind === 'request' ? message.method : undefined);
  if (problem) return fail(problem[0], problem[1], partial);

  const length = contentLengthOf(split.fields);
  if (length === null) return fail('bad-content-length', 'malformed Content-Length', partial);
  if (length === undefined) {
    message.body = exactBody ? Buffer.alloc(0) : Buffer.from(body);
  } else {
    if (length > body.length) return fail('body-too-short', 'Content-Length exceeds the message', partial);
    message.body = Buffer.from(body.subarray(0, length));
  }
  if (message.body.length > limits.maxBodyBytes) return fail('too-large', 'body too large', partial);
  return { ok: true, message };
}

function skipLeadingCrlf(data: Buffer): number {
  let i = 0;
  while (i + 1 < data.length && data[i] === 0x0d && data[i + 1] === 0x0a) i += 2;
  return i;
}

/** A whole message in one datagram (UDP), RFC 3261 §18.3. */
export function parseDatagram(data: Buffer, limits: ParseLimits = DEFAULT_LIMITS): ParseResult {
  const start = skipLeadingCrlf(data);
  if (start >= data.length) return fail('empty', 'no message');
  const end = data.indexOf(CRLFCRLF, start);
  // A datagram without the blank line is tolerated when it ends its last header.
  const headEnd = end < 0 ? (data.subarray(-2).toString() === '\r\n' ? data.length - 2 : data.length) : end;
  const bodyStart = end < 0 ? data.length : end + 4;
  return parseParts(data.subarray(start, headEnd), data.subarray(bodyStart), false, limits);
}

/**
 * What drachtio-srf sends us: a start line and headers it assembled itself. It is
 * trusted for structure but not for Content-Length (it counts UTF-16 units), so the
 * body is everything after the blank line and no header checks are applied here.
 */
export function parseApplicationMessage(text: string): ParseResult {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text.replace(/\r\n$/, '') : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 4);
  const split = splitHead(head);
  if ('error' in split) return fail('bad-header-line', split.error);
  const headers = new SipHeaders(split.fields.filter((f) => headerKey(f.name) !== 'content-length'));
  if (split.kind === 'response') {
    const line = RESPONSE_LINE.exec(split.startLine);
    if (!line) return fail('bad-start-line', 'malformed status line');
    return {
      ok: true,
      message: { kind: 'response', status: Number(line[2]), reason: line[3] ?? '', version: 'SIP/2.0', headers, body: Buffer.from(body, 'utf8') },
    };
  }
  const line = REQUEST_LINE.exec(split.startLine);
  if (!line || !isToken(line[1]!)) return fail('bad-start-line', 'malformed request line');
  return {
    ok: true,
    message: { kind: 'request', method: line[1]!, uri: line[2]!, version: 'SIP/2.0', headers, body: Buffer.from(body, 'utf8') },
  };
}

export type FramerOutput =
  | { type: 'message'; message: SipMessage }
  /** A framed message that is invalid: answer it if `error.status`, then carry on. */
  | { type: 'invalid'; error: SipParseError }
  /** The stream cannot be framed any more (RFC 4475 ncl on TCP): close the connection. */
  | { type: 'fatal'; error: SipParseError }
  /** A CRLFCRLF keep-alive ping (RFC 5626 §3.5.1), to be answered with CRLF. */
  | { type: 'ping' };

/**
 * Cuts a byte stream (TCP, TLS) into messages using Content-Length (RFC 3261
 * §18.3): several messages per chunk and messages split across chunks both work.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private broken = false;

  constructor(private readonly limits: ParseLimits = DEFAULT_LIMITS) {}

  /** Bytes waiting for the rest of their message. */
  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): FramerOutput[] {
    if (this.broken) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: FramerOutput[] = [];
    for (;;) {
      // Keep-alives and stray CRLFs between messages; a partial ping waits for more.
      if (this.buffer.length < 4 && CRLFCRLF.subarray(0, this.buffer.length).equals(this.buffer)) break;
      while (this.buffer.length >= 2 && this.buffer[0] === 0x0d && this.buffer[1] === 0x0a) {
        if (this.buffer.length >= 4 && this.buffer.subarray(0, 4).equals(CRLFCRLF)) {
          out.push({ type: 'ping' });
          this.buffer = this.buffer.subarray(4);
        } else this.buffer = this.buffer.subarray(2);
      }
      if (this.buffer.length === 0) break;
      const end = this.buffer.indexOf(CRLFCRLF);
      if (end < 0) {
        if (this.buffer.length > this.limits.maxHeaderBytes) out.push(this.breakStream(fail('too-large', 'header section too large').error));
        break;
      }
      const head = this.buffer.subarray(0, end);
      const split = splitHead(lenientUtf8.decode(head));
      const length = 'error' in split ? 0 : contentLengthOf(split.fields);
      if (length === null || (length ?? 0) > this.limits.maxBodyBytes) {
        // Without a usable length the next message cannot be found: answer if we
        // can, then give up on this connection.
        const parsed = parseParts(head, Buffer.alloc(0), true, this.limits);
        const error = parsed.ok
          ? { code: 'too-large' as const, reason: 'body too large' }
          : { ...parsed.error, code: length === null ? ('bad-content-length' as const) : parsed.error.code };
        if (!parsed.ok && parsed.error.partial?.kind === 'request') out.push({ type: 'invalid', error: { ...error, status: 400 } });
        out.push(this.breakStream(error));
        break;
      }
      const total = end + 4 + (length ?? 0);
      if (this.buffer.length < total) break;
      const parsed = parseParts(head, this.buffer.subarray(end + 4, total), true, this.limits);
      this.buffer = this.buffer.subarray(total);
      out.push(parsed.ok ? { type: 'message', message: parsed.message } : { type: 'invalid', error: parsed.error });
    }
    if (this.buffer.length > 0 && this.buffer.byteOffset > 0) this.buffer = Buffer.from(this.buffer);
    return out;
  }

  private breakStream(error: SipParseError): FramerOutput {
    this.broken = true;
    this.buffer = Buffer.alloc(0);
    return { type: 'fatal', error };
  }
}
