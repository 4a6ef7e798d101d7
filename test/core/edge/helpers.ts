/** Small builders shared by the edge tests. */
import { parseDatagram } from '../../../main/core/edge/sip/parser';
import type { SipMessage, SipRequest, SipResponse } from '../../../main/core/edge/sip/message';

export function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

export function parse(bytes: Buffer | string): SipMessage {
  const result = parseDatagram(typeof bytes === 'string' ? crlf(bytes) : bytes);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.reason}`);
  return result.message;
}

export function request(text: string): SipRequest {
  const message = parse(text);
  if (message.kind !== 'request') throw new Error('not a request');
  return message;
}

export function response(text: string): SipResponse {
  const message = parse(text);
  if (message.kind !== 'response') throw new Error('not a response');
  return message;
}

export interface RequestOptions {
  method?: string;
  uri?: string;
  via?: string;
  branch?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
  contact?: string;
  extra?: string;
  body?: string;
}

/** A well-formed request from a peer at 192.0.2.10:5070 unless told otherwise. */
export function makeRequest(options: RequestOptions = {}): SipRequest {
  const method = options.method ?? 'INVITE';
  const body = options.body ?? '';
  const via = options.via ?? `SIP/2.0/UDP 192.0.2.10:5070;branch=${options.branch ?? 'z9hG4bK-test-1'};rport`;
  const to = `<sip:agent@example.com>${options.toTag ? `;tag=${options.toTag}` : ''}`;
  return request(
    `${method} ${options.uri ?? 'sip:agent@example.com'} SIP/2.0\n` +
      `Via: ${via}\nMax-Forwards: 70\nFrom: <sip:caller@example.net>;tag=${options.fromTag ?? 'caller-tag'}\n` +
      `To: ${to}\nCall-ID: ${options.callId ?? 'call-1@example.net'}\nCSeq: ${options.cseq ?? 1} ${method}\n` +
      `Contact: ${options.contact ?? '<sip:caller@192.0.2.10:5070>'}\n${options.extra ?? ''}Content-Length: ${Buffer.byteLength(body.replace(/\r?\n/g, '\r\n'))}\n\n${body}`,
  );
}
