/**
 * Who is calling, from the headers of an inbound INVITE. P-Asserted-Identity (set by
 * the PBX or carrier, RFC 3325) is trusted over From (which the caller writes), and a
 * withheld identity stays withheld: the agent sees "withheld", never a number the
 * caller asked to hide, and no card is looked up for it.
 */

export interface NameAddr {
  displayName: string;
  /** The URI without angle brackets. */
  uri: string;
  /** The user part of a sip:/sips: URI, or the number of a tel: URI; null when there is none. */
  user: string | null;
  host: string | null;
}

export interface CallerIdentity {
  number: string | null;
  displayName: string;
  withheld: boolean;
}

// User parts that carriers and PBXs use for "no number".
const ANONYMOUS_USERS = new Set(['anonymous', 'unknown', 'restricted', 'unavailable', 'private', 'withheld', 'anonymus']);

/** Parses a name-addr or addr-spec header value ("Name" <sip:u@h;p>;tag=x, or sip:u@h;tag=x). */
export function parseNameAddr(value: string | undefined | null): NameAddr | null {
  if (!value) return null;
  const text = value.trim();
  let displayName = '';
  let uri: string;
  const open = text.indexOf('<');
  if (open >= 0) {
    const close = text.indexOf('>', open);
    if (close < 0) return null;
    uri = text.slice(open + 1, close).trim();
    displayName = unquote(text.slice(0, open).trim());
  } else {
    // addr-spec: header parameters follow the first ';' (RFC 3261 §20.10).
    uri = text.split(';')[0]!.trim();
  }
  const parsed = /^(sips?|tel):([^@;?]*)(?:@([^;?>]*))?/i.exec(uri);
  if (!parsed) return { displayName, uri, user: null, host: null };
  const scheme = parsed[1]!.toLowerCase();
  const userOrHost = decodeURIComponentSafe(parsed[2]!);
  if (scheme === 'tel') return { displayName, uri, user: userOrHost || null, host: null };
  if (parsed[3] === undefined) return { displayName, uri, user: null, host: userOrHost || null };
  return { displayName, uri, user: userOrHost || null, host: parsed[3].toLowerCase() };
}

function unquote(text: string): string {
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    return text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return text;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface IdentityHeaders {
  from: string | undefined;
  pAssertedIdentity: string | undefined;
  privacy: string | undefined;
}

export function callerIdentity(headers: IdentityHeaders): CallerIdentity {
  const asserted = firstNameAddr(headers.pAssertedIdentity);
  const from = parseNameAddr(headers.from);
  const privacy = (headers.privacy ?? '').toLowerCase().split(/[;\s,]+/);
  const chosen = asserted ?? from;
  const withheld =
    privacy.includes('id') ||
    privacy.includes('user') ||
    chosen === null ||
    isAnonymous(chosen) ||
    // From says anonymous and nothing asserted otherwise.
    (asserted === null && from !== null && isAnonymous(from));
  if (withheld) return { number: null, displayName: '', withheld: true };
  // The asserted identity often has no display name; the caller's own one is still useful.
  const displayName = chosen!.displayName || from?.displayName || '';
  return { number: chosen!.user, displayName: isAnonymousName(displayName) ? '' : displayName, withheld: false };
}

/** The first entry of a header that may list several (P-Asserted-Identity may carry a sip: and a tel: URI). */
function firstNameAddr(value: string | undefined): NameAddr | null {
  if (!value) return null;
  // Split on commas outside quotes and angle brackets.
  let depth = 0;
  let quoted = false;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depth += 1;
    else if (!quoted && c === '>') depth -= 1;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  const parsed = parts.map((part) => parseNameAddr(part)).filter((p): p is NameAddr => p !== null && p.user !== null);
  // Prefer a tel: URI or a user part that looks like a number.
  return parsed.find((p) => /^\+?[\d*#-]+$/.test(p.user ?? '')) ?? parsed[0] ?? null;
}

function isAnonymous(party: NameAddr): boolean {
  if (party.host === 'anonymous.invalid') return true;
  if (party.user === null) return true;
  return ANONYMOUS_USERS.has(party.user.toLowerCase());
}

function isAnonymousName(name: string): boolean {
  return ANONYMOUS_USERS.has(name.trim().toLowerCase());
}

/** The user part of a URI (for the dialled number: To, else the Request-URI). */
export function userOf(uri: string | undefined | null): string | null {
  return parseNameAddr(uri)?.user ?? null;
}
