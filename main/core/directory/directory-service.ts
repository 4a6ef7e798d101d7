import {
  InteractionInputSchema,
  type CardSource,
  type ContactCard,
  type ContactInput,
  type ContactSummary,
  type CrmHistoryEntry,
  type HistoryPage,
  type ImportProgress,
  type ImportReport,
  type Interaction,
  type InteractionInput,
} from '../../common/domain';
import { ZuoxiError } from '../../common/errors';
import type { Logger } from '../log/logger';
import { MemorySecretProvider, type SecretProvider } from '../secrets';
import { ContactRepository, type ContactVersion } from '../store/contact-repository';
import type { Database, SqlExecutor } from '../store/database';
import type { Outbox } from '../sync/outbox';
import { describeIssues, draftOf, normalizeNumbers, parseContactInput, type ContactDraft } from './contact-draft';
import { compareNewestFirst, decodeHistoryCursor, encodeHistoryCursor, placeOf } from './history-cursor';
import { ConnectorCache } from './connector-cache';
import { crmHistoryEntries } from './crm-history';
import { DEFAULT_LOOKUP_DEADLINE_MS } from './connectors/connector-settings';
import { ContactImporter, type ImportFile } from './import/contact-importer';
import { LookupChain, type LookupChainSettings } from './lookup-chain';
import { digitsOf, PhoneNumberNormalizer, type CountryCode } from './phone-number';

export interface DirectoryOptions {
  /** Where numbers written without a country code are assumed to be ('CN' for most centers). */
  defaultRegion: CountryCode;
  /** The CRM connectors behind the local directory (settings read at each lookup) and where their secrets are. None when absent. */
  lookup?: { settings: () => LookupChainSettings; secrets: SecretProvider };
  /**
   * Where the contacts agents save are queued for the CRM (see saveContact). Absent:
   * contacts are saved and queued for nobody (tests and benchmarks of lookup and search).
   */
  crmQueue?: ContactQueue;
}

export interface ContactQueue {
  /** The outbox of the same database: each saved version is enqueued in the transaction that writes it. */
  outbox: Outbox;
  /** Who saved it (the extension), as the other records for the back office name the agent. */
  agentId: () => string;
}

/** The outbox kind of a contact an agent created or edited; its payload is ContactRecord. */
export const CONTACT_OUTBOX_KIND = 'contact';

/** What the CRM receives for each version of a contact saved on this seat (main/core/sync/README.md). */
export interface ContactRecord {
  action: 'created' | 'updated';
  /** The local directory's id: with `revision`, what the CRM matches versions of this seat's contact on. */
  contactId: number;
  revision: number;
  name: string;
  company: string;
  tier: string;
  tags: string[];
  notes: string;
  numbers: { label: string; raw: string; e164: string }[];
  /** The extension of the agent who saved it ('' when no SIP account is set). */
  agent: string;
  /** When it was saved (the contact's updatedAt). */
  at: string;
  /** The call the contact was made from (a ringing or ended unknown caller), when the form says so. */
  callId: string | null;
}

export interface NumberLookup {
  /** The caller's number in E.164, or null when it is not a phone number at all. */
  e164: string | null;
  card: ContactCard | null;
  /** What each source said (see CardSource); present when a CRM connector was consulted, also when there is no card. */
  sources?: CardSource[];
}

/** A connector answered after the lookup returned: the whole lookup again, with its facts in. */
export type NumberLookupUpdate = (lookup: NumberLookup) => void;

export type { ImportFile };

// FTS5's trigram tokenizer cannot match anything shorter.
const TRIGRAM = 3;
// Only these characters: a query of digits as people type them ('0013 8000', '+86-138').
const NUMBER_LIKE = /^[\d\s+\-()./\uFF10-\uFF19\uFF0B]+$/;
const MAX_SEARCH_RESULTS = 200;
/**
 * CRM answers are kept as the offline fallback for callers who call again. One not
 * refreshed in this long is a caller who has not called in that long: it is dropped, so
 * a seat does not keep customer data it no longer needs and the cache does not grow
 * without bound.
 */
export const CONNECTOR_ANSWER_RETENTION_DAYS = 90;
const MAX_HISTORY_PAGE = 500;

/**
 * The local directory: who a caller is, what happened with them before, and the
 * contacts agents maintain or import. Methods match the `directory.*` channels.
 */
export class DirectoryService {
  private readonly contacts: ContactRepository;
  private readonly normalizer: PhoneNumberNormalizer;
  private readonly importer: ContactImporter;
  private readonly chain: LookupChain;
  private readonly cache: ConnectorCache;
  private readonly crmQueue: ContactQueue | null;
  private readonly lookupSettings: () => LookupChainSettings;

  constructor(
    private readonly db: Database,
    options: DirectoryOptions,
    private readonly log: Logger,
    private readonly clock: () => Date,
  ) {
    this.contacts = new ContactRepository(db);
    this.crmQueue = options.crmQueue ?? null;
    this.normalizer = new PhoneNumberNormalizer({ defaultRegion: options.defaultRegion });
    this.importer = new ContactImporter(db, this.contacts, this.normalizer, this.log, clock);
    this.lookupSettings = options.lookup?.settings ?? (() => NO_CONNECTORS);
    this.chain = new LookupChain({
      localCard: (e164) => this.contacts.cardByNumber(e164),
      cache: (this.cache = new ConnectorCache(db, log)),
      normalizer: this.normalizer,
      settings: this.lookupSettings,
      secrets: options.lookup?.secrets ?? new MemorySecretProvider(),
      log,
      clock,
    });
  }

  /** Drops CRM answers not refreshed within CONNECTOR_ANSWER_RETENTION_DAYS of `now`; returns how many. */
  async forgetStaleConnectorAnswers(now: Date): Promise<number> {
    const before = new Date(now.getTime() - CONNECTOR_ANSWER_RETENTION_DAYS * 86_400_000).toISOString();
    const dropped = await this.cache.prune(before);
    if (dropped > 0) this.log.info('directory.cache_pruned', { dropped, before });
    return dropped;
  }

  /** Name or company containing the query, or numbers containing its digits. */
  async search(query: string, limit: number): Promise<ContactSummary[]> {
    const text = query.trim();
    const max = clamp(limit, 1, MAX_SEARCH_RESULTS);
    if (text === '') return [];
    const digits = digitsOf(text);
    const byNumber = NUMBER_LIKE.test(text) && digits.length >= TRIGRAM ? await this.contacts.searchDigits(digits, max) : [];
    const byText = [...text].length >= TRIGRAM ? await this.contacts.searchText(text, max) : await this.contacts.searchPrefix(text, max);
    const unique = new Map<number, ContactSummary>();
    for (const summary of [...byNumber, ...byText]) if (!unique.has(summary.id)) unique.set(summary.id, summary);
    return [...unique.values()].slice(0, max);
  }

  async card(contactId: number): Promise<ContactCard> {
    const card = await this.contacts.cardById(contactId);
    if (!card) throw notFound(contactId);
    return card;
  }

  /**
   * The screen-pop path, for the calls service and directory.lookupNumber alike: the
   * lookup chain (local directory and connector cache, then the CRM connectors until the
   * deadline). Connectors answering later call `onUpdate` with the enriched card.
   */
  async lookupNumber(raw: string, onUpdate?: NumberLookupUpdate): Promise<NumberLookup> {
    const found = await this.chain.lookup(raw, onUpdate && ((update) => onUpdate(asNumberLookup(update))));
    return asNumberLookup(found);
  }

  /**
   * Creates (contactId null) or replaces a contact; its numbers are replaced as a whole.
   * Each new version is queued for the CRM (a `contact` outbox row, `callId` naming the
   * call it was made from) in the transaction that writes it: a crash leaves both or
   * neither. Saving what is already stored (a retry) writes and queues nothing.
   */
  async saveContact(contactId: number | null, input: ContactInput, callId: string | null = null): Promise<ContactCard> {
    const parsed = parseContactInput(input);
    if (!parsed.ok) throw new ZuoxiError('invalid_input', parsed.reason);
    const { valid, invalid } = normalizeNumbers(parsed.input.numbers, this.normalizer);
    if (invalid.length > 0) {
      throw new ZuoxiError('invalid_input', `Not a valid phone number: ${invalid.map((raw) => `"${raw}"`).join(', ')}`);
    }
    const draft = draftOf(parsed.input, valid);
    const saved = await this.transaction(async (tx) => {
      const owners = await this.contacts.findOwners(tx, draft.numbers.map((number) => number.e164));
      for (const [e164, owner] of owners) {
        if (owner !== contactId) throw new ZuoxiError('invalid_input', `The number ${e164} already belongs to contact #${owner}`);
      }
      const { numbers, ...fields } = draft;
      const now = this.clock().toISOString();
      let id: number;
      if (contactId === null) {
        const [created] = await this.contacts.insertContacts(tx, [fields], now);
        if (created === undefined) throw new Error('Inserting a contact returned no id');
        id = created;
      } else {
        const stored = await this.contacts.versionIn(tx, contactId);
        if (!stored) throw notFound(contactId);
        // Not a new version: the CRM has been told of this one already.
        if (sameContent(stored, draft)) return { id: contactId, revision: stored.revision, changed: false };
        await this.contacts.updateContacts(tx, [{ ...fields, id: contactId }], now);
        await this.contacts.deleteNumbers(tx, contactId);
        id = contactId;
      }
      await this.contacts.insertNumbers(tx, numbers.map((number) => ({ ...number, contactId: id })));
      const revision = await this.queueForCrm(tx, id, contactId === null ? 'created' : 'updated', callId);
      return { id, revision, changed: true };
    });
    this.log.info('directory.contact_saved', { contactId: saved.id, created: contactId === null, revision: saved.revision, changed: saved.changed });
    return this.card(saved.id);
  }

  /**
   * The contact's interactions and what the CRM connectors said about their numbers (see
   * crm-history.ts), newest first in one order (see history-cursor.ts); pass `nextCursor`
   * back as `before` for the page after. Each entry is on exactly one page as long as it
   * keeps its place: a CRM entry without a date of its own moves up to the time of a newer
   * answer if the caller is looked up again meanwhile — above the pages read, like a new call.
   */
  async history(contactId: number, before: string | null, limit: number): Promise<HistoryPage> {
    const place = before === null ? null : decodeHistoryCursor(before);
    const max = clamp(limit, 1, MAX_HISTORY_PAGE);
    if (!(await this.contacts.contactExists(contactId))) throw notFound(contactId);
    // One more than asked tells whether an older page exists without a second query.
    const [interactions, crm] = await Promise.all([this.contacts.history(contactId, place, max + 1), this.crmHistory(contactId)]);
    const older = place === null ? crm : crm.filter((entry) => compareNewestFirst(placeOf(entry), place) > 0);
    const items = [...interactions, ...older.slice(0, max + 1)].sort((a, b) => compareNewestFirst(placeOf(a), placeOf(b))).slice(0, max + 1);
    const page = items.slice(0, max);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > max && last ? encodeHistoryCursor(placeOf(last)) : null };
  }

  async addInteraction(input: InteractionInput): Promise<Interaction> {
    const parsed = InteractionInputSchema.safeParse(input);
    if (!parsed.success) throw new ZuoxiError('invalid_input', describeIssues(parsed.error));
    const { contactId, kind, outcome, summary, status } = parsed.data;
    // Stored as UTC so that text order is time order whatever offset the caller used.
    const occurredAt = (parsed.data.occurredAt ? new Date(parsed.data.occurredAt) : this.clock()).toISOString();
    return this.db.transaction(async (tx) => {
      if (!(await this.contacts.contactExistsIn(tx, contactId))) throw notFound(contactId);
      return this.contacts.insertInteraction(tx, { contactId, kind, occurredAt, outcome, summary, status });
    });
  }

  /**
   * Imports queue nothing for the CRM, neither the contacts they create nor those they
   * merge into: an import file is usually an export of the CRM itself, and a row per
   * contact would flood the back office with what it already has. A contact imported
   * and then edited by an agent is queued then, as 'updated'.
   */
  import(file: ImportFile, onProgress: (progress: ImportProgress) => void): Promise<ImportReport> {
    return this.importer.run(file, onProgress);
  }

  /** The CRM part of the history, from the enabled connectors' cached answers. */
  private async crmHistory(contactId: number): Promise<CrmHistoryEntry[]> {
    const connectors = new Map(this.lookupSettings().crmConnectors.flatMap((entry) => (entry.enabled ? [[entry.name, entry.kind] as const] : [])));
    if (connectors.size === 0) return [];
    return crmHistoryEntries(await this.cache.contactRecords(contactId), connectors);
  }

  /** The database's transaction, through the outbox when there is one so the sync worker is woken after COMMIT. */
  private transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.crmQueue ? this.crmQueue.outbox.transaction(work) : this.db.transaction(work);
  }

  /** Enqueues the contact as `tx` has just written it; returns its revision. */
  private async queueForCrm(tx: SqlExecutor, contactId: number, action: ContactRecord['action'], callId: string | null): Promise<number> {
    const version = await this.contacts.versionIn(tx, contactId);
    if (!version) throw new Error(`Contact #${contactId} is not there after it was written`);
    if (!this.crmQueue) return version.revision;
    const { revision, name, company, tier, tags, notes, numbers, updatedAt } = version;
    const record: ContactRecord = { action, contactId, revision, name, company, tier, tags, notes, numbers, agent: this.crmQueue.agentId(), at: updatedAt, callId };
    // One key per version. Contact ids are never reused (there is no delete; a delete
    // added later must keep it so), so a key names one version of one contact for good.
    await this.crmQueue.outbox.enqueue(tx, { kind: CONTACT_OUTBOX_KIND, payload: record, idempotencyKey: `contact:${contactId}:${revision}` });
    return revision;
  }
}

const NO_CONNECTORS: LookupChainSettings = { crmConnectors: [], lookupDeadlineMs: DEFAULT_LOOKUP_DEADLINE_MS, cacheTtlSeconds: 0 };

function asNumberLookup({ e164, card, sources }: { e164: string | null; card: ContactCard | null; sources: CardSource[] }): NumberLookup {
  // Without connectors the local source is all there is, and it is on the card already.
  return sources.some((source) => source.connector !== 'local') ? { e164, card, sources } : { e164, card };
}

/** Whether the form holds exactly what is stored: same fields, same numbers as typed, in the same order. */
function sameContent(stored: ContactVersion, draft: ContactDraft): boolean {
  const content = ({ name, company, tier, tags, notes, numbers }: Omit<ContactVersion, 'id' | 'revision' | 'createdAt' | 'updatedAt'>) =>
    JSON.stringify([name, company, tier, tags, notes, numbers.map(({ label, raw, e164 }) => [label, raw, e164])]);
  return content(stored) === content(draft);
}

function notFound(contactId: number): ZuoxiError {
  return new ZuoxiError('not_found', `There is no contact #${contactId}`);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(Number.isFinite(value) ? value : min)));
}
