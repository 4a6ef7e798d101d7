import {
  InteractionInputSchema,
  type CardSource,
  type ContactCard,
  type ContactInput,
  type ContactSummary,
  type HistoryPage,
  type ImportProgress,
  type ImportReport,
  type Interaction,
  type InteractionInput,
} from '../../common/domain';
import { ZuoxiError } from '../../common/errors';
import type { Logger } from '../log/logger';
import { MemorySecretProvider, type SecretProvider } from '../secrets';
import { ContactRepository } from '../store/contact-repository';
import type { Database } from '../store/database';
import { describeIssues, draftOf, normalizeNumbers, parseContactInput } from './contact-draft';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor';
import { ConnectorCache } from './connector-cache';
import { DEFAULT_LOOKUP_DEADLINE_MS } from './connectors/connector-settings';
import { ContactImporter, type ImportFile } from './import/contact-importer';
import { LookupChain, type LookupChainSettings } from './lookup-chain';
import { digitsOf, PhoneNumberNormalizer, type CountryCode } from './phone-number';

export interface DirectoryOptions {
  /** Where numbers written without a country code are assumed to be ('CN' for most centers). */
  defaultRegion: CountryCode;
  /** The CRM connectors behind the local directory (settings read at each lookup) and where their secrets are. None when absent. */
  lookup?: { settings: () => LookupChainSettings; secrets: SecretProvider };
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

  constructor(
    private readonly db: Database,
    options: DirectoryOptions,
    private readonly log: Logger,
    private readonly clock: () => Date,
  ) {
    this.contacts = new ContactRepository(db);
    this.normalizer = new PhoneNumberNormalizer({ defaultRegion: options.defaultRegion });
    this.importer = new ContactImporter(db, this.contacts, this.normalizer, this.log, clock);
    this.chain = new LookupChain({
      localCard: (e164) => this.contacts.cardByNumber(e164),
      cache: (this.cache = new ConnectorCache(db, log)),
      normalizer: this.normalizer,
      settings: options.lookup?.settings ?? (() => NO_CONNECTORS),
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

  /** Creates (contactId null) or replaces a contact; its numbers are replaced as a whole. */
  async saveContact(contactId: number | null, input: ContactInput): Promise<ContactCard> {
    const parsed = parseContactInput(input);
    if (!parsed.ok) throw new ZuoxiError('invalid_input', parsed.reason);
    const { valid, invalid } = normalizeNumbers(parsed.input.numbers, this.normalizer);
    if (invalid.length > 0) {
      throw new ZuoxiError('invalid_input', `Not a valid phone number: ${invalid.map((raw) => `"${raw}"`).join(', ')}`);
    }
    const draft = draftOf(parsed.input, valid);
    const savedId = await this.db.transaction(async (tx) => {
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
        if (!(await this.contacts.contactExistsIn(tx, contactId))) throw notFound(contactId);
        await this.contacts.updateContacts(tx, [{ ...fields, id: contactId }], now);
        await this.contacts.deleteNumbers(tx, contactId);
        id = contactId;
      }
      await this.contacts.insertNumbers(tx, numbers.map((number) => ({ ...number, contactId: id })));
      return id;
    });
    this.log.info('directory.contact_saved', { contactId: savedId, created: contactId === null });
    return this.card(savedId);
  }

  /** Newest first; pass `nextCursor` back as `before` for the page after. */
  async history(contactId: number, before: string | null, limit: number): Promise<HistoryPage> {
    const position = before === null ? null : decodeHistoryCursor(before);
    const max = clamp(limit, 1, MAX_HISTORY_PAGE);
    if (!(await this.contacts.contactExists(contactId))) throw notFound(contactId);
    // One more than asked tells whether an older page exists without a second query.
    const items = await this.contacts.history(contactId, position, max + 1);
    const page = items.slice(0, max);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > max && last ? encodeHistoryCursor(last) : null };
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

  import(file: ImportFile, onProgress: (progress: ImportProgress) => void): Promise<ImportReport> {
    return this.importer.run(file, onProgress);
  }
}

const NO_CONNECTORS: LookupChainSettings = { crmConnectors: [], lookupDeadlineMs: DEFAULT_LOOKUP_DEADLINE_MS, cacheTtlSeconds: 0 };

function asNumberLookup({ e164, card, sources }: { e164: string | null; card: ContactCard | null; sources: CardSource[] }): NumberLookup {
  // Without connectors the local source is all there is, and it is on the card already.
  return sources.some((source) => source.connector !== 'local') ? { e164, card, sources } : { e164, card };
}

function notFound(contactId: number): ZuoxiError {
  return new ZuoxiError('not_found', `There is no contact #${contactId}`);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(Number.isFinite(value) ? value : min)));
}
