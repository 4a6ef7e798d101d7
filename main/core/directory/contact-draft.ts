import { z } from 'zod';
import { ContactInputSchema, type PhoneNumberInput } from '../../common/domain';
import type { ContactFields } from '../store/contact-repository';
import type { PhoneNumberNormalizer } from './phone-number';

export interface DraftNumber {
  label: string;
  raw: string;
  e164: string;
  nationalNumber: string;
}

/** A contact checked against the schema, with every number normalised. */
export interface ContactDraft extends ContactFields {
  numbers: DraftNumber[];
}

export interface NormalizedNumbers {
  /** In input order, one per E.164 number (a number typed twice keeps its first label). */
  valid: DraftNumber[];
  /** The raw texts that are not phone numbers. */
  invalid: string[];
}

// The schema's own limits (ContactInputSchema), needed again when a merge grows a contact.
export const MAX_NUMBERS_PER_CONTACT = 20;
export const MAX_TAGS_PER_CONTACT = 50;

export function normalizeNumbers(numbers: readonly PhoneNumberInput[], normalizer: PhoneNumberNormalizer): NormalizedNumbers {
  const valid: DraftNumber[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const number of numbers) {
    const normalized = normalizer.normalize(number.raw);
    if (!normalized) {
      invalid.push(number.raw);
    } else if (!seen.has(normalized.e164)) {
      seen.add(normalized.e164);
      valid.push({ label: number.label ?? 'other', raw: number.raw, ...normalized });
    }
  }
  return { valid, invalid };
}

export type ParsedContactInput = z.output<typeof ContactInputSchema>;

export type ParseResult = { ok: true; input: ParsedContactInput } | { ok: false; reason: string };

/** The contract's own schema, so the core refuses exactly what the IPC boundary would. */
export function parseContactInput(input: unknown): ParseResult {
  const parsed = ContactInputSchema.safeParse(input);
  return parsed.success ? { ok: true, input: parsed.data } : { ok: false, reason: describeIssues(parsed.error) };
}

/** A parsed contact with its numbers already normalised (see normalizeNumbers). */
export function draftOf(input: ParsedContactInput, numbers: DraftNumber[]): ContactDraft {
  const { name, company, tier, tags, notes } = input;
  return { name, company, tier, tags: unique(tags), notes, numbers };
}

/**
 * What a contact becomes when `incoming` is merged into it: it keeps its name (a number
 * match says who the caller is, not that the file spells them better), takes every other
 * field the incoming side fills in, and gains the incoming tags.
 */
export function mergeFields(base: ContactFields, incoming: ContactFields): ContactFields {
  return {
    name: base.name,
    company: incoming.company || base.company,
    tier: incoming.tier || base.tier,
    tags: unique([...base.tags, ...incoming.tags]),
    notes: incoming.notes || base.notes,
  };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'contact'}: ${issue.message}`)
    .join('; ');
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
