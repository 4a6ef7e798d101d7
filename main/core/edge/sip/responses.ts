/**
 * Building responses and the requests the stack generates on its own (RFC 3261
 * §8.2.6, §17.1.1.3, §9.1), plus the Via bookkeeping of RFC 3581.
 */
import { randomBytes } from 'node:crypto';
import { formatVia, parseVia, tagOf, type Via } from './grammar';
import { REASON_PHRASES, SipHeaders, splitList, type SipRequest, type SipResponse } from './message';

export const BRANCH_COOKIE = 'z9hG4bK';

export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return `${BRANCH_COOKIE}${randomToken(10)}`;
}

export function topVia(headers: SipHeaders): Via | null {
  const first = headers.values('via')[0];
  return first === undefined ? null : parseVia(first);
}

/** Replaces only the top via-parm, even when several share the first Via line. */
export function replaceTopVia(headers: SipHeaders, via: Via): void {
  const line = headers.lines('via')[0];
  if (line === undefined) return;
  const parts = splitList(line);
  parts[0] = formatVia(via);
  headers.setFirst('via', parts.join(', '));
}

/**
 * RFC 3261 §18.2.1 and RFC 3581 §4: note where a request really came from in its
 * top Via, so the response finds its way back through NAT.
 */
export function stampReceived(request: SipRequest, address: string, port: number): void {
  const via = topVia(request.headers);
  if (!via) return;
  let changed = false;
  if (via.params.has('rport') && via.params.get('rport') === null) {
    via.params.set('rport', String(port));
    via.params.set('received', address);
    changed = true;
  } else if (via.host.replace(/^\[|\]$/g, '') !== address) {
    via.params.set('received', address);
    changed = true;
  }
  if (changed) replaceTopVia(request.headers, via);
}

/**
 * A response to `headers` (a request's, possibly only partly parsed): Via, From,
 * To, Call-ID and CSeq copied (§8.2.6.2), a To tag added when one is given and
 * the request had none.
 */
export function responseFromHeaders(headers: SipHeaders, status: number, reason?: string, toTag?: string): SipResponse {
  const out = new SipHeaders();
  for (const via of headers.lines('via')) out.append('Via', via);
  for (const name of ['From', 'To', 'Call-ID', 'CSeq']) {
    const value = headers.get(name);
    if (value !== undefined) out.append(name, value);
  }
  const to = out.get('To');
  if (to !== undefined && toTag && status > 100 && tagOf(to) === undefined) out.set('To', `${to};tag=${toTag}`);
  if (status === 100) {
    const timestamp = headers.get('Timestamp');
    if (timestamp !== undefined) out.append('Timestamp', timestamp);
  }
  return { kind: 'response', status, reason: reason ?? REASON_PHRASES[status] ?? '', version: 'SIP/2.0', headers: out, body: Buffer.alloc(0) };
}

export function createResponse(request: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  return responseFromHeaders(request.headers, status, reason, toTag);
}

/** The ACK the INVITE client transaction sends for a 3xx–6xx (§17.1.1.3). */
export function ackForFailure(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  const via = invite.headers.values('via')[0];
  if (via !== undefined) headers.append('Via', via);
  for (const route of invite.headers.lines('route')) headers.append('Route', route);
  headers.append('Max-Forwards', '70');
  headers.append('From', invite.headers.get('from') ?? '');
  headers.append('To', response.headers.get('to') ?? invite.headers.get('to') ?? '');
  headers.append('Call-ID', invite.headers.get('call-id') ?? '');
  headers.append('CSeq', `${cseqNumber(invite)} ACK`);
  return { kind: 'request', method: 'ACK', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/** The CANCEL for a pending INVITE (§9.1): same Request-URI, Call-ID, From, To, CSeq number, top Via and Route. */
export function cancelFor(invite: SipRequest, extra: SipHeaders = new SipHeaders()): SipRequest {
  const headers = new SipHeaders();
  const via = invite.headers.values('via')[0];
  if (via !== undefined) headers.append('Via', via);
  for (const route of invite.headers.lines('route')) headers.append('Route', route);
  headers.append('Max-Forwards', '70');
  for (const name of ['From', 'To', 'Call-ID']) headers.append(name, invite.headers.get(name) ?? '');
  headers.append('CSeq', `${cseqNumber(invite)} CANCEL`);
  for (const { name, value } of extra) headers.append(name, value);
  return { kind: 'request', method: 'CANCEL', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

export function cseqNumber(message: { headers: SipHeaders }): number {
  return Number(/^\s*(\d+)/.exec(message.headers.get('cseq') ?? '')?.[1] ?? 0);
}
