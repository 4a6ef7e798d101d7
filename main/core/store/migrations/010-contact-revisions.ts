import type { Migration } from '../migrations';

/**
 * A revision counter on contacts, so that each version of a contact the CRM hears of
 * (main/core/directory: saveContact queues one `contact` outbox row per version) has a
 * key of its own: `contact:<id>:<revision>`. The timestamp would not do: two saves in
 * the same millisecond would share a key, and the outbox refuses a key reused for
 * another record.
 *
 * Every write of a contact's row counts it up (ContactRepository.updateContacts, an
 * import's merge included); a new contact starts at 1. Contacts already stored start
 * at 1 too: none of them has been queued yet.
 */
export const contactRevisionsSchema: Migration = {
  version: 10,
  name: 'contact-revisions',
  async up(tx) {
    await tx.exec(`ALTER TABLE contacts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1)`);
  },
};
