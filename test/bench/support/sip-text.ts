/**
 * Just enough SIP text handling for the benchmarks' own loopback peers (the bench's
 * caller and registrar): build a message, read a header, split a response's status.
 * Not a parser for the world's SIP — the edge under test has the real one.
 */
import { randomBytes } from 'node:crypto';

export const CRLF = '\r\n';

export function token(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

/** A SIP message: start line, headers in order, Content-Length computed from the body's bytes. */
export function sipMessage(startLine: string, headers: ReadonlyArray<readonly [string, string]>, body = ''): string {
  const lines = [startLine, ...headers.map(([name, value]) => `${name}: ${value}`), `Content-Length: ${Buffer.byteLength(body)}`];
  return `${lines.join(CRLF)}${CRLF}${CRLF}${body}`;
}

const COMPACT: Record<string, string> = { i: 'call-id', f: 'from', t: 'to', v: 'via', m: 'contact', l: 'content-length' };

export interface ParsedSip {
  startLine: string;
  /** Lower-case full header names; repeated headers keep every value, in order. */
  headers: Map<string, string[]>;
  /** The status of a response, null for a request. */
  status: number | null;
  /** The method of a request, null for a response. */
  method: string | null;
}

export function parseSip(text: string): ParsedSip | null {
  const end = text.indexOf(`${CRLF}${CRLF}`);
  const head = (end >= 0 ? text.slice(0, end) : text).split(CRLF);
  const startLine = head[0] ?? '';
  const headers = new Map<string, string[]>();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const values = headers.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(name, values);
  }
  const response = /^SIP\/2\.0 (\d{3})/.exec(startLine);
  if (response) return { startLine, headers, status: Number(response[1]), method: null };
  const request = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(startLine);
  return request ? { startLine, headers, status: null, method: request[1] ?? null } : null;
}

export function header(message: ParsedSip, name: string): string | undefined {
  return message.headers.get(name.toLowerCase())?.[0];
}
