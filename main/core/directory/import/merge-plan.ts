import type { ImportRowError } from '../../../common/domain';
import type { ContactFields, StoredContact } from '../../store/contact-repository';
import { rowProblem } from './source-file';
import { MAX_NUMBERS_PER_CONTACT, MAX_TAGS_PER_CONTACT, mergeFields, type ContactDraft, type DraftNumber } from '../contact-draft';

export interface CandidateRow {
  row: number;
  draft: ContactDraft;
}

/** A contact the plan writes: new (contactId null) or an existing one that rows merged into. */
export interface PlannedContact {
  contactId: number | null;
  fields: ContactFields;
  /** Numbers to add; the contact's stored numbers are not repeated here. */
  newNumbers: DraftNumber[];
  storedNumberCount: number;
}

export interface MergePlan {
  contacts: PlannedContact[];
  errors: ImportRowError[];
  imported: number;
  merged: number;
}

/**
 * Decides, for rows in file order, which become new contacts and which merge into a
 * contact that already owns one of their numbers: a stored one (`owners`, `stored`) or
 * one an earlier row of this batch creates. So a number that appears twice in a file
 * ends up once, on the first row's contact, with the later row merged in. A row whose
 * numbers belong to two different contacts cannot be merged and is reported.
 */
export function planMerges(
  candidates: readonly CandidateRow[],
  owners: ReadonlyMap<string, number>,
  stored: ReadonlyMap<number, StoredContact>,
): MergePlan {
  const contacts: PlannedContact[] = [];
  const errors: ImportRowError[] = [];
  const plannedByContactId = new Map<number, number>();
  // Numbers nobody owned before this batch, claimed by the plan entry that adds them.
  const claimed = new Map<string, number>();
  let imported = 0;
  let merged = 0;

  const entryForStored = (contactId: number): number | null => {
    const existing = plannedByContactId.get(contactId);
    if (existing !== undefined) return existing;
    const contact = stored.get(contactId);
    if (!contact) return null;
    const { id, numberCount, ...fields } = contact;
    contacts.push({ contactId: id, fields, newNumbers: [], storedNumberCount: numberCount });
    plannedByContactId.set(contactId, contacts.length - 1);
    return contacts.length - 1;
  };

  for (const { row, draft } of candidates) {
    const ownerIds = new Set<number>();
    const targets = new Set<number>();
    for (const number of draft.numbers) {
      const claimedBy = claimed.get(number.e164);
      const ownerId = owners.get(number.e164);
      if (claimedBy !== undefined) targets.add(claimedBy);
      else if (ownerId !== undefined) ownerIds.add(ownerId);
    }
    for (const ownerId of ownerIds) {
      const entry = entryForStored(ownerId);
      if (entry !== null) targets.add(entry);
    }
    if (targets.size > 1) {
      const owners = [...targets].map((entry) => describe(contacts[entry])).join(', ');
      errors.push(rowProblem(row, 'conflicting_contacts', owners, `its numbers belong to different contacts (${owners})`));
      continue;
    }
    const [target] = targets;
    const { numbers, ...fields } = draft;
    if (target === undefined) {
      contacts.push({ contactId: null, fields, newNumbers: numbers, storedNumberCount: 0 });
      for (const number of numbers) claimed.set(number.e164, contacts.length - 1);
      imported += 1;
      continue;
    }
    const entry = contacts[target];
    if (!entry) continue;
    const added = numbers.filter((number) => !claimed.has(number.e164) && !owners.has(number.e164));
    const mergedFields = mergeFields(entry.fields, fields);
    const refusal = limitExceeded(entry, added.length, mergedFields);
    if (refusal) {
      errors.push(rowProblem(row, 'merge_limit', `${describe(entry)} ${refusal}`, `merging into ${describe(entry)} ${refusal}`));
      continue;
    }
    entry.fields = mergedFields;
    entry.newNumbers.push(...added);
    for (const number of added) claimed.set(number.e164, target);
    merged += 1;
  }
  return { contacts, errors, imported, merged };
}

function limitExceeded(entry: PlannedContact, addedNumbers: number, fields: ContactFields): string | null {
  const numbers = entry.storedNumberCount + entry.newNumbers.length + addedNumbers;
  if (numbers > MAX_NUMBERS_PER_CONTACT) return `would give it ${numbers} numbers (at most ${MAX_NUMBERS_PER_CONTACT})`;
  if (fields.tags.length > MAX_TAGS_PER_CONTACT) return `would give it ${fields.tags.length} tags (at most ${MAX_TAGS_PER_CONTACT})`;
  return null;
}

function describe(entry: PlannedContact | undefined): string {
  if (!entry) return 'an unknown contact';
  return entry.contactId === null ? `the new contact "${entry.fields.name}"` : `contact #${entry.contactId}`;
}
