/**
 * The SIP message model shared by the parser, the transaction layer and the
 * drachtio bridge. Headers keep their order and their values as text; structured
 * views (Via, name-addr, CSeq) are parsed on demand by ./grammar.
 */

/** RFC 3261 §7.3.3 and later RFCs' compact forms, mapped to the long name. */
const COMPACT_FORMS: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** Spellings that plain capitalisation would get wrong, plus the common ones. */
const DISPLAY_NAMES: Record<string, string> = Object.fromEntries(
  [
    'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow',
    'Allow-Events', 'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact',
    'Content-Disposition', 'Content-Encoding', 'Content-Language', 'Content-Length',
    'Content-Type', 'CSeq', 'Date', 'Error-Info', 'Event', 'Expires', 'From', 'Identity',
    'Identity-Info', 'In-Reply-To', 'Max-Forwards', 'MIME-Version', 'Min-Expires', 'Min-SE',
    'Organization', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Priority', 'Privacy',
    'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason',
    'Record-Route', 'Refer-To', 'Referred-By', 'Reject-Contact', 'Remote-Party-ID', 'Replaces',
    'Reply-To', 'Request-Disposition', 'Require', 'Retry-After', 'Route', 'RSeq', 'Server',
    'Service-Route', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject',
    'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via',
    'Warning', 'WWW-Authenticate',
  ].map((name) => [name.toLowerCase(), name]),
);

/**
 * Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1), so several
 * lines and one comma-joined line mean the same thing. The authentication headers
 * are not here: their values contain commas of their own.
 */
const LIST_HEADERS = new Set([
  'accept', 'accept-encoding', 'accept-language', 'alert-info', 'allow', 'allow-events',
  'call-info', 'contact', 'content-encoding', 'content-language', 'error-info', 'in-reply-to',
  'p-asserted-identity', 'path', 'proxy-require', 'reason', 'record-route', 'require', 'route',
  'service-route', 'supported', 'unsupported', 'via', 'warning',
]);

/** The lower-case long form a header is looked up by. */
export function headerKey(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT_FORMS[lower] ?? lower;
}

/** How a header name is written on the wire: known names canonically, others as given. */
export function displayName(name: string): string {
  const key = headerKey(name);
  return DISPLAY_NAMES[key] ?? name.trim();
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(headerKey(name));
}

/** Splits on commas that are outside quoted strings and <…>. */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i += 1;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth += 1;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts;
}

export interface HeaderField {
  name: string;
  value: string;
}

/** Ordered, case-insensitive, compact-form-aware header list. */
export class SipHeaders implements Iterable<HeaderField> {
  private fields: HeaderField[] = [];

  constructor(fields: Iterable<HeaderField> = []) {
    for (const field of fields) this.append(field.name, field.value);
  }

  get size(): number {
    return this.fields.length;
  }

  [Symbol.iterator](): Iterator<HeaderField> {
    return this.fields.map((f) => ({ ...f }))[Symbol.iterator]();
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.fields.some((f) => headerKey(f.name) === key);
  }

  /** The first line's value. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.fields.find((f) => headerKey(f.name) === key)?.value;
  }

  /** Every line's value, in order, not split on commas. */
  lines(name: string): string[] {
    const key = headerKey(name);
    return this.fields.filter((f) => headerKey(f.name) === key).map((f) => f.value);
  }

  /** For list headers, every element across all lines; otherwise the same as lines(). */
  values(name: string): string[] {
    const lines = this.lines(name);
    if (!isListHeader(name)) return lines;
    return lines.flatMap(splitList).filter((v) => v.length > 0);
  }

  append(name: string, value: string): this {
    this.fields.push({ name: displayName(name), value });
    return this;
  }

  prepend(name: string, value: string): this {
    this.fields.unshift({ name: displayName(name), value });
    return this;
  }

  /** Replaces every line of `name` by one, where the first one was (or at the end). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const index = this.fields.findIndex((f) => headerKey(f.name) === key);
    this.remove(name);
    const field = { name: displayName(name), value };
    if (index < 0) this.fields.push(field);
    else this.fields.splice(index, 0, field);
    return this;
  }

  /** Replaces only the first line, keeping the others (e.g. the top Via). */
  setFirst(name: string, value: string): this {
    const key = headerKey(name);
    const field = this.fields.find((f) => headerKey(f.name) === key);
    if (field) field.value = value;
    else this.append(name, value);
    return this;
  }

  remove(name: string): this {
    const key = headerKey(name);
    this.fields = this.fields.filter((f) => headerKey(f.name) !== key);
    return this;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.fields);
  }
}

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

export function startLine(message: SipMessage): string {
  return message.kind === 'request'
    ? `${message.method} ${message.uri} ${message.version}`
    : `${message.version} ${message.status} ${message.reason}`;
}

/**
 * Wire form. Content-Length is always rewritten from the body's byte length: the
 * application side (drachtio-srf) counts UTF-16 units, which is wrong for UTF-8 bodies.
 */
export function serialize(message: SipMessage): Buffer {
  message.headers.set('Content-Length', String(message.body.length));
  let head = `${startLine(message)}\r\n`;
  for (const { name, value } of message.headers) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'utf8'), message.body]);
}

export function cloneMessage<T extends SipMessage>(message: T): T {
  return { ...message, headers: message.headers.clone(), body: Buffer.from(message.body) };
}

/** Standard reason phrases for the responses the edge generates itself. */
export const REASON_PHRASES: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'Version Not Supported',
};
