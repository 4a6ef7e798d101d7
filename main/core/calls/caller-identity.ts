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
  // A quoted display name may itself hold '<' (caller-supplied text): look after its closing quote.
  const open = text.indexOf('<', text.startsWith('"') ? closingQuote(text) + 1 : 0);
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

/** Index of the quote that closes the quoted string `text` starts with (backslash escapes skipped); -1 when unclosed. */
function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return -1;
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
  /** Remote-Party-ID (draft-ietf-sip-privacy-04): what older PBXs and carriers assert instead of PAI. */
  remotePartyId?: string | undefined;
}

// Privacy header values (RFC 3323 / 3325) that ask us to hide who is calling. 'anonymous'
// is not in the RFCs but some PBXs send it.
const WITHHOLDING_PRIVACY = new Set(['id', 'user', 'anonymous']);
// Caller-supplied; the card and the desk phone show a name, not a page of text.
const MAX_DISPLAY_NAME = 128;
const MAX_NUMBER = 64;

/**
 * The caller: P-Asserted-Identity, else Remote-Party-ID (party=calling), else From. The
 * identity is withheld when the caller asked (Privacy: id / user / anonymous, RPID
 * privacy=full or uri, an anonymous From such as anonymous@anonymous.invalid — even when
 * the network asserts the number anyway) or when there is no usable identity at all.
 */
export function callerIdentity(headers: IdentityHeaders): CallerIdentity {
  const asserted = firstNameAddr(headers.pAssertedIdentity);
  const rpid = callingPartyRpid(headers.remotePartyId);
  const from = parseNameAddr(headers.from);
  const privacy = (headers.privacy ?? '').toLowerCase().split(/[;\s,]+/);
  const chosen = asserted ?? rpid?.party ?? from;
  const withheld =
    privacy.some((value) => WITHHOLDING_PRIVACY.has(value)) ||
    rpid?.privacy === 'full' ||
    rpid?.privacy === 'uri' ||
    chosen === null ||
    isAnonymous(chosen) ||
    (from !== null && isAnonymous(from));
  if (withheld) return { number: null, displayName: '', withheld: true };
  // The asserted identity often has no display name; the caller's own one is still useful.
  const named = chosen.displayName || rpid?.party.displayName || from?.displayName || '';
  const displayName = rpid?.privacy === 'name' || isAnonymousName(named) ? '' : cut(cleanText(named), MAX_DISPLAY_NAME);
  return { number: chosen.user === null ? null : cut(chosen.user, MAX_NUMBER), displayName, withheld: false };
}

interface RemoteParty {
  party: NameAddr;
  /** RPID's privacy parameter: full / name / uri / off (absent = off). */
  privacy: string;
}

/** The calling party's entry of a Remote-Party-ID header (entries with party=called are the callee's). */
function callingPartyRpid(value: string | undefined): RemoteParty | null {
  if (!value) return null;
  for (const entry of splitHeaderList(value)) {
    const party = parseNameAddr(entry);
    if (!party) continue;
    const params = headerParams(entry);
    if ((params.get('party') ?? 'calling') !== 'calling') continue;
    return { party, privacy: params.get('privacy') ?? 'off' };
  }
  return null;
}

/** The parameters after a name-addr's closing '>' (lower-cased names and values). */
function headerParams(entry: string): Map<string, string> {
  const params = new Map<string, string>();
  const close = entry.lastIndexOf('>');
  const tail = close >= 0 ? entry.slice(close + 1) : entry.slice(entry.indexOf(';') >= 0 ? entry.indexOf(';') : entry.length);
  for (const part of tail.split(';')) {
    const [name, ...rest] = part.split('=');
    const key = name?.trim().toLowerCase();
    if (key) params.set(key, rest.join('=').trim().replace(/^"|"$/g, '').toLowerCase());
  }
  return params;
}

/** Splits a header that lists several values, on commas outside quotes and angle brackets. */
function splitHeaderList(value: string): string[] {
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
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** The first entry of a header that may list several (P-Asserted-Identity may carry a sip: and a tel: URI). */
function firstNameAddr(value: string | undefined): NameAddr | null {
  if (!value) return null;
  const parsed = splitHeaderList(value)
    .map((part) => parseNameAddr(part))
    .filter((p): p is NameAddr => p !== null && p.user !== null);
  // Prefer a tel: URI or a user part that looks like a number.
  return parsed.find((p) => /^\+?[\d*#-]+$/.test(p.user ?? '')) ?? parsed[0] ?? null;
}

export interface CalledHeaders {
  requestUri: string | undefined;
  to: string | undefined;
  /** Diversion (RFC 5806): each diverting hop adds an entry on top, so the last is the number first dialled. */
  diversion?: string | undefined;
  /** P-Called-Party-ID (RFC 3455): the number the caller dialled, as the network saw it. */
  pCalledPartyId?: string | undefined;
}

/**
 * Which number the customer called — the hotline or queue, so the card and the script can
 * differ per line: P-Called-Party-ID, else the first number of a diverted call (a queue or
 * a forward put the agent's extension in To), else To, else the Request-URI's user.
 */
export function dialledNumber(headers: CalledHeaders): string | null {
  const called = userOf(headers.pCalledPartyId);
  if (called) return cut(called, MAX_NUMBER);
  const diversions = headers.diversion ? splitHeaderList(headers.diversion) : [];
  const original = diversions.length > 0 ? userOf(diversions[diversions.length - 1]) : null;
  const dialled = original ?? userOf(headers.to) ?? userOf(headers.requestUri);
  return dialled === null ? null : cut(dialled, MAX_NUMBER);
}

/** Control characters (a CR/LF in a display name, a NUL) become spaces: the name is one line of text. */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** At most `max` characters (code points), cut with an ellipsis. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
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
