import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type { CountryCode };

export interface NormalizedNumber {
  /** +<country code><national number>, e.g. +8613800138000. */
  e164: string;
  /** The national significant number: no country code, no trunk prefix (13800138000, 1065529988). */
  nationalNumber: string;
}

export interface PhoneNumberOptions {
  /** Where a number written without a country code is assumed to be. */
  defaultRegion?: CountryCode;
  /** How many raw → E.164 results to remember; caller IDs repeat, parsing is the costly part. */
  cacheSize?: number;
}

// The contract's limit for a raw number; anything longer is not one.
const MAX_RAW_LENGTH = 64;
const MAX_DIGITS = 17;

/**
 * Turns numbers as people, spreadsheets and PBXs write them into E.164. Never throws:
 * anything that is not a valid number for its region comes back as null.
 */
export class PhoneNumberNormalizer {
  readonly defaultRegion: CountryCode;
  private readonly cache: LruCache<string, NormalizedNumber | null>;

  constructor(options: PhoneNumberOptions = {}) {
    this.defaultRegion = options.defaultRegion ?? 'CN';
    this.cache = new LruCache(options.cacheSize ?? 4096);
  }

  normalize(raw: string): NormalizedNumber | null {
    const candidate = dialableText(raw);
    if (candidate === null) return null;
    const cached = this.cache.get(candidate);
    if (cached !== undefined) return cached;
    const result = this.parse(candidate);
    this.cache.set(candidate, result);
    return result;
  }

  toE164(raw: string): string | null {
    return this.normalize(raw)?.e164 ?? null;
  }

  /**
   * For looking a caller up: a mainland mobile number in its everyday forms becomes the
   * same E.164 key `normalize` gives (a test holds the two together) without a
   * libphonenumber parse, which is most of the screen-pop's own cost; any other form
   * takes the full path. Storing always goes through `normalize`.
   */
  normalizeForLookup(raw: string): NormalizedNumber | null {
    if (this.defaultRegion === 'CN') {
      const mobile = CN_MOBILE.exec(dialableText(raw) ?? '')?.[1];
      if (mobile) return { e164: `+86${mobile}`, nationalNumber: mobile };
    }
    return this.normalize(raw);
  }

  private parse(candidate: string): NormalizedNumber | null {
    // libphonenumber copes with 0086…/86… for China, but not in every region's
    // metadata (and not for every default region), so when the national reading is not
    // a valid number, try it as a country code typed without its '+' (or after 00).
    const national = this.parseValid(candidate, this.defaultRegion);
    if (national) return national;
    if (candidate.startsWith('+')) return null;
    const digits = candidate.replace(/\D/g, '');
    const international = digits.startsWith('00') ? digits.slice(2) : digits;
    return international.length > 0 ? this.parseValid(`+${international}`, undefined) : null;
  }

  private parseValid(text: string, region: CountryCode | undefined): NormalizedNumber | null {
    try {
      const parsed = parsePhoneNumberFromString(text, region);
      if (!parsed || !parsed.isValid()) return null;
      return { e164: parsed.number, nationalNumber: parsed.nationalNumber };
    } catch {
      // The library documents no throws; a malformed input must still not take down a call.
      return null;
    }
  }
}

/**
 * The part of `raw` that can be a number: full-width digits (from Chinese input methods)
 * made ASCII, a SIP or tel URI reduced to its user part
 * (`"张三" <sip:+8613800138000@pbx;user=phone>` → `+8613800138000`), and visual
 * separators dropped when that is all there is besides digits. Separators never change
 * what libphonenumber reads, so '138 0013 8000' and '138-0013-8000' share a cache entry.
 */
function dialableText(raw: string): string | null {
  if (raw.length > MAX_RAW_LENGTH) return null;
  // The checks before each rewrite keep the common case (a plain number) to a few scans.
  let text = (WIDE.test(raw) ? toHalfWidth(raw) : raw).trim();
  if (text.includes('<')) text = (/<([^>]*)>/.exec(text)?.[1] ?? text).trim();
  if (!PUNCTUATED_DIGITS.test(text)) {
    const scheme = /^(?:sips?|tel):/i.exec(text);
    if (scheme) text = safeDecodeUri(text.slice(scheme[0].length).split(/[@;?]/)[0] ?? '');
  }
  if (PUNCTUATED_DIGITS.test(text)) text = text.replace(SEPARATORS, '');
  const digitCount = text.replace(NON_DIGITS, '').length;
  return digitCount === 0 || digitCount > MAX_DIGITS ? null : text;
}

// +86 / 0086 / 86 (typed without its +), then 1 and ten digits: mainland mobile numbers.
const CN_MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/;
const WIDE = /[\uFF01-\uFF5E\u3000]/;
const NON_DIGITS = /\D/g;
const PUNCTUATED_DIGITS = /^\+?[\d\s\-()./]+$/;
const SEPARATORS = /[\s\-()./]/g;

/** Digits only, from any way of writing them; what partial-number search matches on. */
export function digitsOf(text: string): string {
  return toHalfWidth(text).replace(NON_DIGITS, '');
}

function toHalfWidth(text: string): string {
  // U+FF01…U+FF5E mirror ASCII 0x21…0x7E; U+3000 is the ideographic space.
  return text.replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A Map in least-recently-used order: a hit moves to the back, the front is evicted. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
