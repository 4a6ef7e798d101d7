import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type DialFormat = 'domestic' | 'e164';

/**
 * What the PBX is sent for a stored E.164 number. Most PBXs route what a person would
 * dial on a desk phone — 13900139000, 01065529988 — and answer +86… with 404, so a
 * number in the center's own region is dialled as it is dialled domestically (trunk
 * prefix included, formatting removed); a foreign one, or any with `e164`, as +….
 */
export function dialStringFor(e164: string, region: CountryCode, format: DialFormat): string {
  if (format === 'e164') return e164;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed || parsed.country !== region) return e164;
  return parsed.formatNational().replace(/[^\d]/g, '');
}
