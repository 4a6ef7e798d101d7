/**
 * RFC 3261 §25 grammar for the parts of a message the edge has to understand:
 * URIs, name-addr / addr-spec, Via, CSeq and generic parameters. Every function
 * returns `null` for input that does not match the grammar instead of throwing, so
 * a malformed header from the network becomes a 400, never an exception.
 * Values are seen after header unfolding, so LWS here is only SP and HTAB.
 */

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const charset = (chars: string): Set<string> => new Set(chars);

const TOKEN = charset(`${ALPHANUM}-.!%*_+\`'~`);
const UNRESERVED = charset(`${ALPHANUM}-_.!~*'()`);
// '#' is not allowed unescaped, but phones send it (`sip:*97#@pbx`) and rejecting them helps no one.
const USER_EXTRA = charset("&=+$,;?/#");
const PASSWORD_EXTRA = charset('&=+$,');
const PARAM_EXTRA = charset('[]/:&+$');
const HEADER_EXTRA = charset('[]/?:+$');

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (const ch of text) if (!TOKEN.has(ch)) return false;
  return true;
}

function isWs(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** True if every character is unreserved, an allowed extra, or a valid %HH escape. */
function isEscapedText(text: string, extra: Set<string>): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '%') {
      if (!/^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (!UNRESERVED.has(ch) && !extra.has(ch)) return false;
  }
  return true;
}

export type ParamMap = Map<string, string | null>;

export interface SipUri {
  scheme: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  /** Names lower-cased (they are case-insensitive), values as written. */
  params: ParamMap;
  /** The raw `?h=v&…` part, without the question mark. */
  headers?: string;
}

export interface OtherUri {
  scheme: string;
  opaque: string;
}

export type Uri = SipUri | OtherUri;

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === 'sip' || uri.scheme === 'sips';
}

function validHost(host: string): boolean {
  if (host.startsWith('[')) return /^\[[0-9a-fA-F:.]+\]$/.test(host);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.split('.').every((n) => Number(n) <= 255);
  // hostname: dot-separated labels of alphanum, '-' and (seen in the wild, e.g. Windows hosts) '_'
  return /^[a-zA-Z0-9_]([a-zA-Z0-9_-]*[a-zA-Z0-9_])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]*[a-zA-Z0-9_])?)*\.?$/.test(host);
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/** Splits `host[:port]`, understanding [IPv6] references. */
export function parseHostPort(text: string): { host: string; port?: number } | null {
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return null;
    host = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) return null;
      portText = rest.slice(1);
    }
  } else {
    const colon = text.indexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  if (!validHost(host)) return null;
  if (portText === undefined) return { host };
  const port = parsePort(portText);
  return port === null ? null : { host, port };
}

/** `;name[=value]` list inside a URI (no whitespace allowed there). */
function parseUriParams(text: string): ParamMap | null {
  const params: ParamMap = new Map();
  if (text.length === 0) return params;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (name.length === 0 || !isEscapedText(name, PARAM_EXTRA)) return null;
    if (value !== null && (value.length === 0 || !isEscapedText(value, PARAM_EXTRA))) return null;
    params.set(name.toLowerCase(), value);
  }
  return params;
}

/** RFC 3261 §19.1 SIP-URI / SIPS-URI, or any absoluteURI for other schemes. */
export function parseUri(text: string): Uri | null {
  const match = /^([a-zA-Z][a-zA-Z0-9+\-.]*):(.+)$/s.exec(text);
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (/[\s<>"]/.test(rest)) return null;
  if (scheme !== 'sip' && scheme !== 'sips') return { scheme, opaque: rest };

  const uri: SipUri = { scheme, host: '', params: new Map() };
  let hostPart = rest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user.length === 0 || !isEscapedText(user, USER_EXTRA)) return null;
    uri.user = user;
    if (colon >= 0) {
      const password = userinfo.slice(colon + 1);
      if (!isEscapedText(password, PASSWORD_EXTRA)) return null;
      uri.password = password;
    }
  }
  const question = hostPart.indexOf('?');
  if (question >= 0) {
    const headers = hostPart.slice(question + 1);
    hostPart = hostPart.slice(0, question);
    const ok = headers.split('&').every((h) => {
      const eq = h.indexOf('=');
      return eq > 0 && isEscapedText(h.slice(0, eq), HEADER_EXTRA) && isEscapedText(h.slice(eq + 1), HEADER_EXTRA);
    });
    if (!ok) return null;
    uri.headers = headers;
  }
  const semi = hostPart.indexOf(';');
  const hostport = parseHostPort(semi < 0 ? hostPart : hostPart.slice(0, semi));
  if (!hostport) return null;
  uri.host = hostport.host;
  if (hostport.port !== undefined) uri.port = hostport.port;
  if (semi >= 0) {
    const params = parseUriParams(hostPart.slice(semi + 1));
    if (!params) return null;
    uri.params = params;
  }
  return uri;
}

export function formatUri(uri: Uri): string {
  if (!isSipUri(uri)) return `${uri.scheme}:${uri.opaque}`;
  let text = `${uri.scheme}:`;
  if (uri.user !== undefined) text += `${uri.user}${uri.password !== undefined ? `:${uri.password}` : ''}@`;
  text += uri.host;
  if (uri.port !== undefined) text += `:${uri.port}`;
  for (const [name, value] of uri.params) text += `;${name}${value === null ? '' : `=${value}`}`;
  if (uri.headers !== undefined) text += `?${uri.headers}`;
  return text;
}

/** A cursor over one header value, with the LWS rules of RFC 3261 §25.1. */
class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(): string | undefined {
    return this.s[this.i];
  }
  skipWs(): void {
    while (isWs(this.s[this.i])) this.i += 1;
  }
  /** SWS ch SWS */
  eat(ch: string): boolean {
    const save = this.i;
    this.skipWs();
    if (this.s[this.i] === ch) {
      this.i += 1;
      this.skipWs();
      return true;
    }
    this.i = save;
    return false;
  }
  token(): string | null {
    const start = this.i;
    while (this.i < this.s.length && TOKEN.has(this.s[this.i]!)) this.i += 1;
    return this.i > start ? this.s.slice(start, this.i) : null;
  }
  /**
   * gen-value = token / host / quoted-string (quoted handled by the caller); also
   * unbracketed IPv6 (`received=2001:db8::1`), which peers send although the
   * grammar wants brackets.
   */
  paramValue(): string | null {
    const start = this.i;
    while (this.i < this.s.length && (TOKEN.has(this.s[this.i]!) || this.s[this.i] === ':')) this.i += 1;
    return this.i > start ? this.s.slice(start, this.i) : null;
  }
  /** A quoted-string including its quotes, or null if unterminated. */
  quoted(): string | null {
    if (this.s[this.i] !== '"') return null;
    let j = this.i + 1;
    while (j < this.s.length) {
      const ch = this.s[j];
      if (ch === '\\') j += 2;
      else if (ch === '"') {
        const text = this.s.slice(this.i, j + 1);
        this.i = j + 1;
        return text;
      } else j += 1;
    }
    return null;
  }
  rest(): string {
    return this.s.slice(this.i);
  }
}

/**
 * `*( SEMI generic-param )` where generic-param = token [ EQUAL gen-value ] and
 * gen-value = token / host / quoted-string. Consumes to the end of the scanner.
 */
function parseHeaderParams(scanner: Scanner): ParamMap | null {
  const params: ParamMap = new Map();
  scanner.skipWs();
  while (!scanner.done) {
    if (!scanner.eat(';')) return null;
    const name = scanner.token();
    if (!name) return null;
    let value: string | null = null;
    if (scanner.eat('=')) {
      if (scanner.peek() === '"') value = scanner.quoted();
      else if (scanner.peek() === '[') {
        const close = scanner.s.indexOf(']', scanner.i);
        if (close < 0) return null;
        value = scanner.s.slice(scanner.i, close + 1);
        scanner.i = close + 1;
      } else value = scanner.paramValue();
      if (value === null) return null;
    }
    params.set(name.toLowerCase(), value);
    scanner.skipWs();
  }
  return params;
}

export interface NameAddr {
  /** Display name as written (quotes kept), if any. */
  display?: string;
  uri: string;
  parsedUri: Uri;
  params: ParamMap;
  /** Whether the URI was in <…> (needed to re-serialise faithfully). */
  bracketed: boolean;
}

/**
 * One element of From, To, Contact, Route, Record-Route, Refer-To…:
 * `( name-addr / addr-spec ) *( SEMI param )`.
 */
export function parseNameAddr(value: string): NameAddr | null {
  const scanner = new Scanner(value.trim());
  let display: string | undefined;
  if (scanner.peek() === '"') {
    const quoted = scanner.quoted();
    if (quoted === null) return null;
    display = quoted;
    scanner.skipWs();
    if (scanner.peek() !== '<') return null;
  } else {
    // Either `*(token LWS) <uri>` or a bare addr-spec: look for '<' first.
    const lt = scanner.s.indexOf('<');
    if (lt >= 0) {
      const words = scanner.s.slice(0, lt).trim();
      if (words.length > 0) {
        // Unquoted UTF-8 names (`张三 <sip:…>`) break the grammar but are common from
        // Chinese PBXs; separators such as ',' still make the header invalid.
        if (!words.split(/[ \t]+/).every((w) => [...w].every((ch) => TOKEN.has(ch) || ch.charCodeAt(0) > 0x7f))) return null;
        display = words;
      }
      scanner.i = lt;
    }
  }

  let uriText: string;
  let bracketed = false;
  if (scanner.peek() === '<') {
    const close = scanner.s.indexOf('>', scanner.i);
    if (close < 0) return null;
    uriText = scanner.s.slice(scanner.i + 1, close);
    scanner.i = close + 1;
    bracketed = true;
  } else {
    // addr-spec form: the URI ends at the first ';' and may not contain ',', '?' or
    // ';' of its own (RFC 3261 §20.10) — those would be ambiguous with the params.
    const semi = scanner.s.indexOf(';', scanner.i);
    uriText = semi < 0 ? scanner.rest() : scanner.s.slice(scanner.i, semi);
    scanner.i += uriText.length;
    uriText = uriText.trimEnd();
    if (/[,?]/.test(uriText)) return null;
  }
  const parsedUri = parseUri(uriText);
  if (!parsedUri) return null;
  const params = parseHeaderParams(scanner);
  if (!params) return null;
  const result: NameAddr = { uri: uriText, parsedUri, params, bracketed };
  if (display !== undefined) result.display = display;
  return result;
}

export function formatNameAddr(addr: { display?: string; uri: string; params: ParamMap }): string {
  let text = addr.display ? `${addr.display} <${addr.uri}>` : `<${addr.uri}>`;
  for (const [name, value] of addr.params) text += `;${name}${value === null ? '' : `=${value}`}`;
  return text;
}

/** The `tag` parameter of a From or To value, if the value parses. */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const tag = parseNameAddr(value)?.params.get('tag');
  return tag ?? undefined;
}

export interface Via {
  protocol: string;
  version: string;
  transport: string;
  host: string;
  port?: number;
  params: ParamMap;
}

/** One via-parm: `SIP / 2.0 / UDP host[:port] *( SEMI via-params )`. */
export function parseVia(value: string): Via | null {
  const scanner = new Scanner(value.trim());
  const protocol = scanner.token();
  if (!protocol || !scanner.eat('/')) return null;
  const version = scanner.token();
  if (!version || !scanner.eat('/')) return null;
  const transport = scanner.token();
  if (!transport) return null;
  if (!isWs(scanner.peek())) return null;
  scanner.skipWs();
  // sent-by = host [ COLON port ]; COLON allows LWS around ':'
  const hostStart = scanner.i;
  if (scanner.peek() === '[') {
    const close = scanner.s.indexOf(']', scanner.i);
    if (close < 0) return null;
    scanner.i = close + 1;
  } else {
    while (!scanner.done && /[a-zA-Z0-9.-]/.test(scanner.peek()!)) scanner.i += 1;
  }
  const host = scanner.s.slice(hostStart, scanner.i);
  if (!validHost(host)) return null;
  const via: Via = { protocol: protocol.toUpperCase(), version, transport: transport.toUpperCase(), host, params: new Map() };
  if (scanner.eat(':')) {
    const start = scanner.i;
    while (!scanner.done && /\d/.test(scanner.peek()!)) scanner.i += 1;
    const port = parsePort(scanner.s.slice(start, scanner.i));
    if (port === null) return null;
    via.port = port;
  }
  const params = parseHeaderParams(scanner);
  if (!params) return null;
  via.params = params;
  return via;
}

export function formatVia(via: Via): string {
  const host = via.port !== undefined ? `${via.host}:${via.port}` : via.host;
  let text = `${via.protocol}/${via.version}/${via.transport} ${host}`;
  for (const [name, value] of via.params) text += `;${name}${value === null ? '' : `=${value}`}`;
  return text;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** `1*DIGIT LWS Method`, the number below 2**31 (RFC 3261 §8.1.1.5). */
export function parseCSeq(value: string): CSeq | null {
  const match = /^(\d{1,10})[ \t]+(\S+)$/.exec(value.trim());
  if (!match) return null;
  const seq = Number(match[1]);
  if (seq >= 2 ** 31 || !isToken(match[2]!)) return null;
  return { seq, method: match[2]! };
}

/**
 * RFC 3261 wants `word ["@" word]`, but real Call-IDs carry '=' padding and other
 * octets; the edge only compares them, so anything visible and unspaced will do.
 */
export function isCallId(value: string): boolean {
  return value.length > 0 && [...value].every((ch) => ch > ' ' && ch !== '\x7f');
}

/** `type "/" subtype *( SEMI m-parameter )`. */
export function isMediaType(value: string): boolean {
  const scanner = new Scanner(value.trim());
  const type = scanner.token();
  if (!type || !scanner.eat('/') || !scanner.token()) return false;
  return parseHeaderParams(scanner) !== null;
}
