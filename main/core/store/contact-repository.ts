import type { ContactCard, ContactSummary, Interaction, InteractionKind } from '../../common/domain';
import type { Database, PreparedStatement, SqlExecutor, SqlParams } from './database';

/** A contact's own fields, as written. */
export interface ContactFields {
  name: string;
  company: string;
  tier: string;
  tags: string[];
  notes: string;
}

export interface NumberRow {
  contactId: number;
  label: string;
  raw: string;
  e164: string;
  nationalNumber: string;
}

/** A stored contact as it is after a write: what the CRM is told of it (see DirectoryService.saveContact). */
export interface ContactVersion extends ContactFields {
  id: number;
  /** 1 when created, one more at each write of its row. */
  revision: number;
  /** In the order they were written. */
  numbers: { label: string; raw: string; e164: string }[];
  createdAt: string;
  updatedAt: string;
}

/** What a merge needs to know about a stored contact. */
export interface StoredContact extends ContactFields {
  id: number;
  numberCount: number;
}

export interface NewInteraction {
  contactId: number;
  kind: InteractionKind;
  occurredAt: string;
  outcome: string;
  summary: string;
  status: 'open' | 'resolved' | null;
}

/** Where a history page starts: strictly older than this interaction. */
export interface HistoryPosition {
  occurredAt: string;
  id: number;
}

// Search ranks at most this many index hits, so a query that matches half the
// directory (a common word in company names) still answers at once.
const SEARCH_CANDIDATES = 1000;
const RECENT_INTERACTIONS = 5;

/** An interaction row as the domain's Interaction; `table` qualifies the columns ('' where SQL allows no alias). */
const interactionJson = (table: string) =>
  `json_object('id', ${table}id, 'contactId', ${table}contact_id, 'kind', ${table}kind, 'occurredAt', ${table}occurred_at,
    'outcome', ${table}outcome, 'summary', ${table}summary, 'status', ${table}status)`;
const INTERACTION_JSON = interactionJson('i.');

const SUMMARY_JSON = `json_object('id', c.id, 'name', c.name, 'company', c.company, 'tier', c.tier, 'tags', json(c.tags),
  'numbers', (SELECT json_group_array(n.e164 ORDER BY n.id) FROM contact_numbers n WHERE n.contact_id = c.id))`;

// The whole card in one statement and one JSON.parse: the screen-pop path pays for a
// single trip through the driver, whatever the card holds. The arrays come back in
// index order and are put in display order by toCard(): an ORDER BY inside an aggregate
// costs a sorter per call, which is most of a lookup's time.
const CARD_JSON = `json_object(
  'contact', json_object('id', c.id, 'name', c.name, 'company', c.company,
    'numbers', (SELECT json_group_array(json_array(n.id, n.label, n.raw, n.e164)) FROM contact_numbers n WHERE n.contact_id = c.id),
    'tags', json(c.tags), 'tier', c.tier, 'notes', c.notes, 'createdAt', c.created_at, 'updatedAt', c.updated_at),
  'recent', (SELECT json_group_array(${interactionJson('r.')})
             FROM (SELECT * FROM interactions i WHERE i.contact_id = c.id ORDER BY i.occurred_at DESC, i.id DESC LIMIT ${RECENT_INTERACTIONS}) r),
  'openItems', (SELECT json_group_array(${INTERACTION_JSON}) FROM interactions i WHERE i.contact_id = c.id AND i.status = 'open'),
  'interactionCount', (SELECT count(*) FROM interactions i WHERE i.contact_id = c.id)
) AS card`;

/** CARD_JSON as parsed: numbers still as [id, label, raw, e164] so they can be put in insertion order. */
interface CardRow extends Omit<ContactCard, 'contact'> {
  contact: Omit<ContactCard['contact'], 'numbers'> & { numbers: [number, string, string, string][] };
}

function toCard(json: string): ContactCard {
  const row = JSON.parse(json) as CardRow;
  const numbers = row.contact.numbers.sort((a, b) => a[0] - b[0]).map(([, label, raw, e164]) => ({ label, raw, e164 }));
  return {
    contact: { ...row.contact, numbers },
    recent: row.recent.sort(newestFirst),
    openItems: row.openItems.sort(newestFirst),
    interactionCount: row.interactionCount,
  };
}

function newestFirst(a: Interaction, b: Interaction): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? 1 : -1;
  return b.id - a.id;
}

/**
 * The directory's SQL. Reads go through the database (committed data, reader
 * connection, hot ones prepared once); writes take the caller's transaction, so one
 * import or save is all-or-nothing. Writes take batches: the importer sends a thousand
 * rows per statement as one JSON parameter instead of a round trip per row.
 */
export class ContactRepository {
  private readonly prepared = new Map<string, PreparedStatement<unknown>>();

  constructor(private readonly db: Database) {}

  async cardById(contactId: number): Promise<ContactCard | null> {
    const row = await this.statement<{ card: string }>(`SELECT ${CARD_JSON} FROM contacts c WHERE c.id = ?`).get([contactId]);
    return row ? toCard(row.card) : null;
  }

  async cardByNumber(e164: string): Promise<ContactCard | null> {
    const row = await this.statement<{ card: string }>(
      `SELECT ${CARD_JSON} FROM contact_numbers owner JOIN contacts c ON c.id = owner.contact_id WHERE owner.e164 = ?`,
    ).get([e164]);
    return row ? toCard(row.card) : null;
  }

  async contactExists(contactId: number): Promise<boolean> {
    return (await this.statement<{ found: number }>('SELECT 1 AS found FROM contacts WHERE id = ?').get([contactId])) !== undefined;
  }

  /** Substring of name or company; `text` must be at least three characters (a trigram). */
  async searchText(text: string, limit: number): Promise<ContactSummary[]> {
    const match = `{name company}: ${ftsPhrase(text)}`;
    return this.summaries(
      `SELECT rowid AS id FROM contact_text WHERE contact_text MATCH ?1 LIMIT ${SEARCH_CANDIDATES}`,
      `CASE WHEN lower(c.name) = lower(?2) THEN 0 WHEN instr(lower(c.name), lower(?2)) = 1 THEN 1
            WHEN instr(lower(c.name), lower(?2)) > 0 THEN 2 ELSE 3 END, c.name, c.id`,
      [match, text],
      limit,
    );
  }

  /** Name or company starting with `prefix`: for queries too short to have a trigram. */
  async searchPrefix(prefix: string, limit: number): Promise<ContactSummary[]> {
    // Every string that starts with the prefix sorts below prefix + the highest code point.
    const upper = `${prefix}\u{10FFFF}`;
    return this.summaries(
      `SELECT id FROM (SELECT id FROM contacts WHERE name COLLATE NOCASE >= ?1 AND name COLLATE NOCASE < ?2 LIMIT ${SEARCH_CANDIDATES})
       UNION
       SELECT id FROM (SELECT id FROM contacts WHERE company COLLATE NOCASE >= ?1 AND company COLLATE NOCASE < ?2 LIMIT ${SEARCH_CANDIDATES})`,
      `(c.name COLLATE NOCASE >= ?1 AND c.name COLLATE NOCASE < ?2) DESC, c.name, c.id`,
      [prefix, upper],
      limit,
    );
  }

  /** Numbers containing `digits` (at least three) in their international or national form. */
  async searchDigits(digits: string, limit: number): Promise<ContactSummary[]> {
    return this.summaries(
      `SELECT DISTINCT n.contact_id AS id FROM number_text JOIN contact_numbers n ON n.id = number_text.rowid
       WHERE number_text MATCH ?1 LIMIT ${SEARCH_CANDIDATES}`,
      `c.name, c.id`,
      [ftsPhrase(digits)],
      limit,
    );
  }

  /** Newest first, strictly older than `before` when given. */
  async history(contactId: number, before: HistoryPosition | null, limit: number): Promise<Interaction[]> {
    const rows = before
      ? await this.statement<{ item: string }>(
          `SELECT ${INTERACTION_JSON} AS item FROM interactions i
           WHERE i.contact_id = ? AND (i.occurred_at, i.id) < (?, ?) ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?`,
        ).all([contactId, before.occurredAt, before.id, limit])
      : await this.statement<{ item: string }>(
          `SELECT ${INTERACTION_JSON} AS item FROM interactions i
           WHERE i.contact_id = ? ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?`,
        ).all([contactId, limit]);
    return rows.map((row) => JSON.parse(row.item) as Interaction);
  }

  // --- writes: each takes the caller's transaction ---------------------------------

  async contactExistsIn(tx: SqlExecutor, contactId: number): Promise<boolean> {
    return (await tx.get('SELECT 1 AS found FROM contacts WHERE id = ?', [contactId])) !== undefined;
  }

  /** Which contact owns each of these numbers (numbers nobody owns are absent). */
  async findOwners(tx: SqlExecutor, e164s: readonly string[]): Promise<Map<string, number>> {
    const owners = new Map<string, number>();
    if (e164s.length === 0) return owners;
    const rows = await tx.all<{ e164: string; contactId: number }>(
      `SELECT n.e164, n.contact_id AS contactId FROM json_each(?) j JOIN contact_numbers n ON n.e164 = j.value`,
      [JSON.stringify(e164s)],
    );
    for (const row of rows) owners.set(row.e164, row.contactId);
    return owners;
  }

  async loadContacts(tx: SqlExecutor, contactIds: readonly number[]): Promise<Map<number, StoredContact>> {
    const contacts = new Map<number, StoredContact>();
    if (contactIds.length === 0) return contacts;
    const rows = await tx.all<Omit<StoredContact, 'tags'> & { tags: string }>(
      `SELECT c.id, c.name, c.company, c.tier, c.tags, c.notes,
              (SELECT count(*) FROM contact_numbers n WHERE n.contact_id = c.id) AS numberCount
       FROM json_each(?) j JOIN contacts c ON c.id = j.value`,
      [JSON.stringify(contactIds)],
    );
    for (const row of rows) contacts.set(row.id, { ...row, tags: JSON.parse(row.tags) as string[] });
    return contacts;
  }

  /** Inserts in order and returns the new ids in the same order. */
  async insertContacts(tx: SqlExecutor, contacts: readonly ContactFields[], now: string): Promise<number[]> {
    if (contacts.length === 0) return [];
    // Ids are handed out here rather than read back per row: the caller holds the write
    // lock (BEGIN IMMEDIATE), so nobody else can take them in between.
    const top = await tx.get<{ maxId: number | null }>('SELECT max(id) AS maxId FROM contacts');
    const first = (top?.maxId ?? 0) + 1;
    const ids = contacts.map((_, index) => first + index);
    const rows = contacts.map((contact, index) => [ids[index], contact.name, contact.company, contact.tier, JSON.stringify(contact.tags), contact.notes]);
    await tx.run(
      `INSERT INTO contacts (id, name, company, tier, tags, notes, created_at, updated_at)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, ?2, ?2 FROM json_each(?1)`,
      [JSON.stringify(rows), now],
    );
    return ids;
  }

  /** Each updated row is a new version of its contact: its revision counts up. */
  async updateContacts(tx: SqlExecutor, contacts: readonly (ContactFields & { id: number })[], now: string): Promise<void> {
    if (contacts.length === 0) return;
    const rows = contacts.map((contact) => [contact.id, contact.name, contact.company, contact.tier, JSON.stringify(contact.tags), contact.notes]);
    await tx.run(
      `UPDATE contacts SET name = s.value ->> 1, company = s.value ->> 2, tier = s.value ->> 3, tags = s.value ->> 4,
                           notes = s.value ->> 5, updated_at = ?2, revision = revision + 1
       FROM json_each(?1) s WHERE contacts.id = s.value ->> 0`,
      [JSON.stringify(rows), now],
    );
  }

  /** The contact with its numbers and revision as this transaction sees it; null when there is none. */
  async versionIn(tx: SqlExecutor, contactId: number): Promise<ContactVersion | null> {
    const row = await tx.get<{ version: string }>(
      `SELECT json_object('id', c.id, 'name', c.name, 'company', c.company, 'tier', c.tier, 'tags', json(c.tags), 'notes', c.notes,
         'revision', c.revision, 'createdAt', c.created_at, 'updatedAt', c.updated_at,
         'numbers', (SELECT json_group_array(json_object('label', n.label, 'raw', n.raw, 'e164', n.e164) ORDER BY n.id)
                     FROM contact_numbers n WHERE n.contact_id = c.id)) AS version
       FROM contacts c WHERE c.id = ?`,
      [contactId],
    );
    return row ? (JSON.parse(row.version) as ContactVersion) : null;
  }

  async insertNumbers(tx: SqlExecutor, numbers: readonly NumberRow[]): Promise<void> {
    if (numbers.length === 0) return;
    const rows = numbers.map((number) => [number.contactId, number.label, number.raw, number.e164, number.nationalNumber]);
    await tx.run(
      `INSERT INTO contact_numbers (contact_id, label, raw, e164, national_number)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`,
      [JSON.stringify(rows)],
    );
  }

  async deleteNumbers(tx: SqlExecutor, contactId: number): Promise<void> {
    await tx.run('DELETE FROM contact_numbers WHERE contact_id = ?', [contactId]);
  }

  async insertInteraction(tx: SqlExecutor, interaction: NewInteraction): Promise<Interaction> {
    const row = await tx.get<{ item: string }>(
      `INSERT INTO interactions (contact_id, kind, occurred_at, outcome, summary, status) VALUES (?, ?, ?, ?, ?, ?)
       RETURNING ${interactionJson('')} AS item`,
      [interaction.contactId, interaction.kind, interaction.occurredAt, interaction.outcome, interaction.summary, interaction.status],
    );
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return JSON.parse(row.item) as Interaction;
  }

  /** Summaries of the contacts `hitsSql` selects (its parameters ?1…?n), best first. */
  private async summaries(hitsSql: string, orderBy: string, params: SqlParams, limit: number): Promise<ContactSummary[]> {
    const rows = await this.statement<{ summary: string }>(
      `WITH hits (id) AS (${hitsSql})
       SELECT ${SUMMARY_JSON} AS summary FROM hits JOIN contacts c ON c.id = hits.id ORDER BY ${orderBy} LIMIT ?${params.length + 1}`,
    ).all([...params, limit]);
    return rows.map((row) => JSON.parse(row.summary) as ContactSummary);
  }

  /** Prepared on first use and kept: these run on every lookup and search. */
  private statement<Row>(sql: string): PreparedStatement<Row> {
    let statement = this.prepared.get(sql);
    if (!statement) {
      const preparing = this.db.prepare<unknown>(sql);
      // A failed prepare must not poison the cache: the next call tries again.
      preparing.catch(() => this.prepared.delete(sql));
      statement = lazyStatement(preparing);
      this.prepared.set(sql, statement);
    }
    return statement as PreparedStatement<Row>;
  }
}

/** Usable at once; calls wait for the prepare only until it has finished once. */
function lazyStatement<Row>(preparing: Promise<PreparedStatement<Row>>): PreparedStatement<Row> {
  let ready: PreparedStatement<Row> | null = null;
  const statement = (): Promise<PreparedStatement<Row>> | PreparedStatement<Row> =>
    ready ?? preparing.then((prepared) => (ready = prepared));
  return {
    get: async (params) => (await statement()).get(params),
    all: async (params) => (await statement()).all(params),
    run: async (params) => (await statement()).run(params),
  };
}

/** An FTS5 string literal: the text matched as-is, operators and quotes included. */
function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}
