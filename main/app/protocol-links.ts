import type { App } from 'electron';
import type { DialRequest } from '../common/domain';
import { silentLogger, type Logger } from '../core/log/logger';

// tel: and sip: links from anywhere on the desktop (a CRM page, an e-mail, a chat) land
// here. Any web page can open such a link, so a link never places a call: it puts the
// number in the dial pad and the agent presses Call. Parsing is strict and builds the
// target afresh — what we do not understand is refused, not passed on.

export const LINK_SCHEMES = ['tel', 'sip'] as const;

/** Far longer than any phone number or SIP address we would dial. */
const MAX_LINK_LENGTH = 512;
/** The contract's limit on what calls.dial takes. */
const MAX_TARGET_LENGTH = 256;
/** ITU-T E.164 allows 15 digits; local dial strings with feature codes stay well under this. */
const MAX_DIGITS = 32;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** RFC 3966 visual separators, plus the spaces people (and some CRMs) put in numbers. */
const VISUAL_SEPARATORS = /[-.()\s\u00a0]/g;
const DIAL_STRING = /^\+?[0-9*#]+$/;
const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*\\.?$`);
const IPV6_REFERENCE = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
/** A SIP user we are willing to dial: an extension, a number or a plain name. Nothing that needs escaping. */
const SIP_USER = /^[A-Za-z0-9._~+*-]{1,64}$/;

/**
 * A tel: or sip: link as the OS handed it over, or null when it is not one we will put
 * in front of the agent. tel: keeps the digits (RFC 3966: visual separators dropped, a
 * local number joined to a global phone-context); sip: keeps `sip:user@host[:port]` and
 * drops parameters and headers, which could otherwise steer the call elsewhere
 * (maddr, transport) or smuggle headers into the INVITE (?Replaces=…).
 */
export function parseDialLink(raw: unknown): DialRequest | null {
  if (typeof raw !== 'string' || raw.length > MAX_LINK_LENGTH) return null;
  const match = /^(tel|sip):(.*)$/is.exec(raw.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase() as (typeof LINK_SCHEMES)[number];
  const rest = match[2]!;
  const number = scheme === 'tel' ? telTarget(rest) : sipTarget(rest);
  return number && number.length <= MAX_TARGET_LENGTH ? { number, source: scheme } : null;
}

/** The first tel:/sip: link on a command line (Windows and Linux pass the link as an argument). */
export function dialLinkInArgv(argv: readonly unknown[] | undefined): string | null {
  const link = (argv ?? []).find((arg): arg is string => typeof arg === 'string' && /^(tel|sip):/i.test(arg));
  return link ?? null;
}

function telTarget(rest: string): string | null {
  // Some programs write tel://…; RFC 3966 has no authority, so the slashes carry nothing.
  const body = rest.replace(/^\/\//, '');
  // RFC 3966 wants # escaped (%23), but CRMs write feature codes like *72# as they are; a
  // tel: URI has no use for a fragment, so # is taken as the key. Queries do not belong.
  if (body.includes('?')) return null;
  const [numberPart, ...params] = body.split(';');
  const local = digitsOf(numberPart ?? '');
  if (local === null) return null;
  let context: string | null = null;
  for (const param of params) {
    const [name, value = ''] = param.split('=', 2);
    if (name?.toLowerCase() === 'phone-context') context = decode(value);
  }
  if (local.startsWith('+') || context === null) return local;
  if (context.startsWith('+')) {
    // A local number within a global prefix (RFC 3966 §5.1.5): tel:863-1234;phone-context=+1-914-555.
    const prefix = digitsOf(context);
    if (prefix === null || !prefix.startsWith('+') || /[*#]/.test(prefix + local)) return null;
    const whole = prefix + local;
    return whole.length - 1 <= MAX_DIGITS ? whole : null;
  }
  // A domain context names the private numbering plan the number belongs to (our PBX's).
  const domain = context;
  return domain && HOSTNAME.test(domain) ? local : null;
}

/** The digits of a number as written, or null when it holds anything but digits, *, # and separators. */
function digitsOf(encoded: string): string | null {
  const decoded = decode(encoded);
  if (decoded === null || CONTROL.test(decoded)) return null;
  const digits = decoded.replace(VISUAL_SEPARATORS, '');
  if (!DIAL_STRING.test(digits) || !/[0-9]/.test(digits)) return null;
  return digits.replace(/^\+/, '').length <= MAX_DIGITS ? digits : null;
}

function sipTarget(rest: string): string | null {
  // Headers and parameters are dropped, never honoured (see parseDialLink).
  const uri = rest.split('?', 1)[0]!.split(';', 1)[0]!;
  const at = uri.lastIndexOf('@');
  if (at <= 0) return null;
  const userInfo = uri.slice(0, at);
  // user:password@host — a password in a link is never a thing to pass on.
  if (userInfo.includes(':')) return null;
  const user = decode(userInfo);
  if (user === null || !SIP_USER.test(user)) return null;
  const hostPort = decode(uri.slice(at + 1));
  if (hostPort === null) return null;
  const hostMatch = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!hostMatch) return null;
  const host = hostMatch[1]!.toLowerCase();
  if (!HOSTNAME.test(host) && !IPV6_REFERENCE.test(host)) return null;
  const port = hostMatch[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return null;
  return `sip:${user}@${host}${port !== undefined ? `:${Number(port)}` : ''}`;
}

/** Percent-decoding once; malformed escapes refuse the link rather than guess. */
function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Holds the link that started or woke Zuoxi until the window can take it, then hands
 * each one on. macOS may deliver the link before the app is ready (open-url), Windows
 * and Linux in the command line of the first or a second instance.
 */
export class DialLinks {
  private pending: DialRequest | null = null;
  private deliver: ((request: DialRequest) => void) | null = null;

  constructor(private log: Logger = silentLogger) {}

  /** Once the core is open its logger is the one to use. */
  useLog(log: Logger): void {
    this.log = log;
  }

  receive(raw: string | null): boolean {
    if (raw === null) return false;
    const request = parseDialLink(raw);
    if (!request) {
      // The link may hold a customer's number: its text is for debug logs only.
      this.log.warn('links.refused', { scheme: /^[a-z]+:/i.exec(raw)?.[0] ?? null, length: raw.length });
      this.log.debug('links.refused_text', { link: raw.slice(0, 200) });
      return false;
    }
    this.log.info('links.received', { source: request.source });
    if (this.deliver) this.deliver(request);
    // Only the newest one waits: the agent clicked it last.
    else this.pending = request;
    return true;
  }

  attach(deliver: (request: DialRequest) => void): void {
    this.deliver = deliver;
    const waiting = this.pending;
    this.pending = null;
    if (waiting) deliver(waiting);
  }
}

/**
 * Makes Zuoxi the OS's handler for tel: and sip: where it is not already. Only a
 * packaged app registers: a developer's `npm start` (the bare Electron binary) must not
 * take the machine's links over. The installers declare both schemes too (Info.plist on
 * macOS, the .desktop file's MimeType on Linux); on Windows this call writes the
 * registry keys, and Windows then offers Zuoxi in its default-apps settings.
 */
export function registerLinkHandlers(app: Pick<App, 'isDefaultProtocolClient' | 'setAsDefaultProtocolClient' | 'isPackaged'>, log: Logger): void {
  if (!app.isPackaged) {
    log.info('links.not_registered', { reason: 'not a packaged build' });
    return;
  }
  for (const scheme of LINK_SCHEMES) {
    if (app.isDefaultProtocolClient(scheme)) continue;
    log.info('links.registered', { scheme, registered: app.setAsDefaultProtocolClient(scheme) });
  }
}
