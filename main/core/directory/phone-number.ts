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

// Longer than any dialable number with its punctuation; anything beyond is not a number.
const MAX_RAW_LENGTH = 80;
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
    const cached = this.cache.get(raw);
    if (cached !== undefined) return cached;
    const result = this.parse(raw);
    this.cache.set(raw, result);
    return result;
  }

  toE164(raw: string): string | null {
    return this.normalize(raw)?.e164 ?? null;
  }

  private parse(raw: string): NormalizedNumber | null {
    const candidate = dialableText(raw);
    if (candidate === null) return null;
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
 * made ASCII, and a SIP or tel URI reduced to its user part
 * (`"张三" <sip:+8613800138000@pbx;user=phone>` → `+8613800138000`).
 */
function dialableText(raw: string): string | null {
  if (raw.length > MAX_RAW_LENGTH) return null;
  let text = toHalfWidth(raw).trim();
  const bracketed = /<([^>]*)>/.exec(text);
  if (bracketed?.[1] !== undefined) text = bracketed[1].trim();
  const scheme = /^(?:sips?|tel):/i.exec(text);
  if (scheme) {
    text = text.slice(scheme[0].length).split(/[@;?]/)[0] ?? '';
    text = safeDecodeUri(text);
  }
  const digitCount = text.replace(/\D/g, '').length;
  return digitCount === 0 || digitCount > MAX_DIGITS ? null : text;
}

/** Digits only, from any way of writing them; what partial-number search matches on. */
export function digitsOf(text: string): string {
  return toHalfWidth(text).replace(/\D/g, '');
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
