/**
 * The ways a directory or CRM may have stored a caller's number. A template (an LDAP
 * filter, a REST URL) names the forms it wants; the connector escapes each value for its
 * own syntax before it goes in.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { NormalizedNumber } from '../phone-number';

export interface NumberVariants {
  /** The number as signalled (the SIP user part, an extension such as 8002), trimmed; null when empty. */
  raw: string | null;
  /** +8613800138000 */
  e164: string | null;
  /** 8613800138000: E.164 without the '+'. */
  digits: string | null;
  /** 13800138000, 1065529988: the national significant number (no country code, no trunk prefix). */
  national: string | null;
  /** 13800138000, 01065529988: as dialled inside the country (with the trunk prefix where it has one). */
  domestic: string | null;
}

export const PLACEHOLDERS = ['raw', 'e164', 'digits', 'national', 'domestic'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{([a-z0-9]+)\}/gi;
// Longer is not a number anybody dials; the contract caps a looked-up number at 64 too.
const MAX_RAW = 64;

export function numberVariants(raw: string, normalized: NormalizedNumber | null): NumberVariants {
  const signalled = userPart(raw);
  const rawValue = signalled === '' || signalled.length > MAX_RAW ? null : signalled;
  if (!normalized) return { raw: rawValue, e164: null, digits: null, national: null, domestic: null };
  return {
    raw: rawValue,
    e164: normalized.e164,
    digits: normalized.e164.slice(1),
    national: normalized.nationalNumber,
    domestic: domesticForm(normalized.e164) ?? normalized.nationalNumber,
  };
}

/** `"Name" <sip:8002@pbx;user=phone>` and `tel:8002` → 8002; anything else as it is, trimmed. */
function userPart(raw: string): string {
  let text = raw.trim();
  if (text.includes('<')) text = (/<([^>]*)>/.exec(text)?.[1] ?? text).trim();
  const scheme = /^(?:sips?|tel):/i.exec(text);
  if (!scheme) return text;
  const user = text.slice(scheme[0].length).split(/[@;?]/)[0] ?? '';
  try {
    return decodeURIComponent(user).trim();
  } catch {
    return user.trim();
  }
}

function domesticForm(e164: string): string | null {
  try {
    const national = parsePhoneNumberFromString(e164)?.formatNational();
    return national ? national.replace(/\D/g, '') : null;
  } catch {
    return null;
  }
}

/** The placeholders a template uses ({e164}, {national}, …), and any it does not know. */
export function placeholdersOf(template: string): { known: Placeholder[]; unknown: string[] } {
  const known = new Set<Placeholder>();
  const unknown = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if ((PLACEHOLDERS as readonly string[]).includes(name)) known.add(name as Placeholder);
    else unknown.add(name);
  }
  return { known: [...known], unknown: [...unknown] };
}

/** Whether every form the template needs is known for this number. */
export function canExpand(template: string, variants: NumberVariants): boolean {
  return placeholdersOf(template).known.every((name) => variants[name] !== null);
}

/**
 * The template with each placeholder replaced by `escape(value)`. Only the values are
 * escaped — the template is the administrator's — so a caller's "number" can never add
 * syntax of its own. Throws when a needed form is missing (check `canExpand` first).
 */
export function expandTemplate(template: string, variants: NumberVariants, escape: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) return whole;
    const value = variants[name as Placeholder];
    if (value === null) throw new Error(`The number has no ${name} form`);
    return escape(value);
  });
}
