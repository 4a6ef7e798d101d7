import type { Migration } from '../migrations';

/**
 * The directory: contacts, their numbers, their interaction history, and two trigram
 * full-text indexes for substring search. The indexes are contentless (we only need
 * rowids back; the text lives in the base tables) and kept in step by triggers, so no
 * code path can write a contact and forget its index.
 */
export const directorySchema: Migration = {
  version: 1,
  name: 'directory',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        company TEXT NOT NULL DEFAULT '',
        tier TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- Trigrams need three characters and many Chinese names have two, so short queries
      -- fall back to a prefix range on these (NOCASE so 'li' finds 'Li').
      CREATE INDEX contacts_name ON contacts (name COLLATE NOCASE);
      CREATE INDEX contacts_company ON contacts (company COLLATE NOCASE);

      CREATE TABLE contact_numbers (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        raw TEXT NOT NULL,
        -- One owner per number: a caller's number must pop exactly one card.
        e164 TEXT NOT NULL UNIQUE,
        -- The national significant number (no country code, no trunk prefix), so a
        -- partial number typed the national way ('010 6552…') can be found.
        national_number TEXT NOT NULL
      );
      CREATE INDEX contact_numbers_contact ON contact_numbers (contact_id);

      CREATE TABLE interactions (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id),
        kind TEXT NOT NULL CHECK (kind IN ('call_in', 'call_out', 'note', 'ticket')),
        -- UTC ISO 8601 with milliseconds, so text order is time order.
        occurred_at TEXT NOT NULL,
        outcome TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        status TEXT CHECK (status IN ('open', 'resolved'))
      );
      -- One index serves the whole card: recent items, the count, and (status being in
      -- it) the open items, all from the same few pages of one range.
      CREATE INDEX interactions_contact_time ON interactions (contact_id, occurred_at DESC, id DESC, status);

      CREATE VIRTUAL TABLE contact_text USING fts5 (
        name, company, content = '', contentless_delete = 1, tokenize = 'trigram'
      );
      CREATE TRIGGER contacts_index_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contact_text (rowid, name, company) VALUES (new.id, new.name, new.company);
      END;
      CREATE TRIGGER contacts_index_update AFTER UPDATE OF name, company ON contacts
        WHEN old.name IS NOT new.name OR old.company IS NOT new.company BEGIN
        DELETE FROM contact_text WHERE rowid = old.id;
        INSERT INTO contact_text (rowid, name, company) VALUES (new.id, new.name, new.company);
      END;
      CREATE TRIGGER contacts_index_delete AFTER DELETE ON contacts BEGIN
        DELETE FROM contact_text WHERE rowid = old.id;
      END;

      -- Digits as dialled internationally and nationally: the E.164 digits, and the
      -- national number behind a 0 (the trunk prefix China and most regions dial).
      CREATE VIRTUAL TABLE number_text USING fts5 (
        digits, content = '', contentless_delete = 1, tokenize = 'trigram'
      );
      CREATE TRIGGER contact_numbers_index_insert AFTER INSERT ON contact_numbers BEGIN
        INSERT INTO number_text (rowid, digits) VALUES (new.id, substr(new.e164, 2) || ' 0' || new.national_number);
      END;
      CREATE TRIGGER contact_numbers_index_update AFTER UPDATE OF e164, national_number ON contact_numbers BEGIN
        DELETE FROM number_text WHERE rowid = old.id;
        INSERT INTO number_text (rowid, digits) VALUES (new.id, substr(new.e164, 2) || ' 0' || new.national_number);
      END;
      CREATE TRIGGER contact_numbers_index_delete AFTER DELETE ON contact_numbers BEGIN
        DELETE FROM number_text WHERE rowid = old.id;
      END;
    `);
  },
};
