/**
 * Caller number → card, the screen pop's path. The local cache first — the directory and
 * what the CRM connectors said before, both in sqlite, answered in milliseconds — then
 * every configured connector in parallel under one deadline (`lookupDeadlineMs`). The
 * lookup answers when all connectors have, or at the deadline with what it has then;
 * a connector that answers later updates the card through `onUpdate`, and every answer
 * refreshes the cache. A connector that is down, slow or talks garbage never holds up or
 * breaks the pop: the card shows its cached facts, marked stale since they were fetched,
 * and the outage is logged once.
 *
 * Precedence: the agent's own directory wins for name, company and tier (it is what the
 * center maintains); connectors fill what it leaves empty, in settings order, and bring
 * what only they have (CRM id, tickets, last contacts). A caller only a connector knows
 * gets a card with `inDirectory: false` and contact id 0.
 */
import { performance } from 'node:perf_hooks';
import type { CardFact, CardSource, ContactCard, CrmContact, CrmInfo, CrmTicket } from '../../common/domain';
import type { Logger } from '../log/logger';
import type { SecretProvider } from '../secrets';
import { cacheKeyOf, type CachedAnswer, type ConnectorCache } from './connector-cache';
import { buildConnector } from './connectors/build-connector';
import { ConnectorError, type Connector, type ConnectorRecord } from './connectors/connector';
import { ConnectorHealth } from './connectors/connector-health';
import type { ConnectorSettings } from './connectors/connector-settings';
import { numberVariants, type NumberVariants } from './connectors/number-variants';
import type { PhoneNumberNormalizer } from './phone-number';

export interface LookupChainSettings {
  crmConnectors: readonly ConnectorSettings[];
  lookupDeadlineMs: number;
  cacheTtlSeconds: number;
}

export interface ChainLookup {
  /** The caller's number in E.164, or null when it is not a phone number. */
  e164: string | null;
  card: ContactCard | null;
  /** What every source said, the local directory first; also when there is no card. */
  sources: CardSource[];
}

export type LookupUpdate = (lookup: ChainLookup) => void;

export interface LookupChainOptions {
  /** The local directory's card for an E.164 number. */
  localCard: (e164: string) => Promise<ContactCard | null>;
  cache: ConnectorCache;
  normalizer: PhoneNumberNormalizer;
  /** Read at every lookup, so a changed policy applies to the next call. */
  settings: () => LookupChainSettings;
  secrets: SecretProvider;
  log: Logger;
  clock: () => Date;
  /** How a `crmConnectors` entry becomes a connector (tests may wrap it). */
  buildConnector?: (settings: ConnectorSettings, secrets: SecretProvider) => Connector;
}

const NO_FORMS: NumberVariants = { raw: null, e164: null, digits: null, national: null, domestic: null };

/** At most this many tickets and last contacts on a card, over all connectors. */
export const MAX_CARD_ITEMS = 20;

type Outcome = { ok: true; answer: CachedAnswer } | { ok: false; error: ConnectorError };

/** One connector within one lookup: what the card shows from it, and how current that is. */
interface SourceState {
  connector: Connector;
  /** The answer shown: the cached one until the connector answers. */
  shown: CachedAnswer | null;
  status: CardSource['status'];
  error: ConnectorError | null;
}

export class LookupChain {
  private readonly health: ConnectorHealth;
  private built: { key: string; connectors: Connector[] } | null = null;
  /** Queries on their way, by cache key and connector: a second lookup of the same caller shares them. */
  private readonly inflight = new Map<string, Promise<Outcome>>();
  /**
   * Answers on their way to the cache table, by cache key and connector. The write is not
   * awaited (an import may hold the write lock for seconds), so until it lands the next
   * lookup of the same caller reads the answer from here.
   */
  private readonly unwritten = new Map<string, Map<string, CachedAnswer>>();

  constructor(private readonly options: LookupChainOptions) {
    this.health = new ConnectorHealth(options.log, options.clock);
  }

  /**
   * The card for `raw` (a number as typed or signalled, or a sip:/tel: URI). Resolves when
   * every connector that had to be asked has answered, or at the deadline; each answer
   * after that calls `onUpdate` with the whole lookup again.
   */
  async lookup(raw: string, onUpdate?: LookupUpdate): Promise<ChainLookup> {
    const started = performance.now();
    const settings = this.options.settings();
    const normalized = this.options.normalizer.normalizeForLookup(raw);
    const e164 = normalized?.e164 ?? null;
    const configured = this.connectors(settings);
    // The other forms cost a second parse; a directory without connectors never needs them.
    const variants = configured.length > 0 ? numberVariants(raw, normalized) : { ...NO_FORMS, e164 };
    const connectors = configured.filter((connector) => connector.accepts(variants));
    const key = cacheKeyOf(e164, variants.raw);
    if (e164 === null && (connectors.length === 0 || key === null)) return { e164, card: null, sources: [] };

    const asOf = this.options.clock().toISOString();
    const localRead = e164 === null ? Promise.resolve(null) : this.options.localCard(e164);
    // Awaited later: a failed read must not leave an unhandled rejection meanwhile.
    localRead.catch(() => undefined);
    const cached = connectors.length > 0 && key !== null ? await this.cachedAnswers(key) : new Map<string, CachedAnswer>();
    const states = connectors.map((connector) => this.initialState(connector, cached.get(connector.name) ?? null, settings.cacheTtlSeconds));

    let answered = false;
    const build = (local: ContactCard | null) => buildLookup(e164, variants, local, states, asOf);
    let local: ContactCard | null = null;
    const queries: Promise<void>[] = [];
    for (const state of states.filter((candidate) => candidate.status === 'pending')) {
      // A connector known to be down is shown from the cache at once; at most a probe
      // goes out, and the pop does not wait for it.
      const down = this.health.lastError(state.connector.name);
      if (down) applyOutcome(state, { ok: false, error: down });
      if (!this.health.shouldAsk(state.connector.name)) continue;
      const query = this.ask(state.connector, key!, variants).then((outcome) => {
        const before = describeState(state);
        applyOutcome(state, outcome);
        if (answered && onUpdate && describeState(state) !== before) this.emit(onUpdate, build(local));
      });
      if (!down) queries.push(query);
    }
    local = await localRead;
    if (queries.length > 0) {
      const remaining = Math.max(0, settings.lookupDeadlineMs - (performance.now() - started));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(queries), new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)))]);
      clearTimeout(timer);
    }
    answered = true;
    return build(local);
  }

  private connectors(settings: LookupChainSettings): Connector[] {
    const key = JSON.stringify(settings.crmConnectors);
    if (this.built?.key !== key) {
      const build = this.options.buildConnector ?? buildConnector;
      this.built = { key, connectors: settings.crmConnectors.filter((entry) => entry.enabled).map((entry) => build(entry, this.options.secrets)) };
    }
    return this.built.connectors;
  }

  private async cachedAnswers(key: string): Promise<Map<string, CachedAnswer>> {
    let answers: Map<string, CachedAnswer>;
    try {
      answers = await this.options.cache.answers(key);
    } catch (error) {
      // Without the cache the connectors are still asked: a worse pop, not a broken one.
      this.options.log.error('directory.cache_read_failed', { error });
      answers = new Map();
    }
    for (const [connector, answer] of this.unwritten.get(key) ?? []) {
      const stored = answers.get(connector);
      if (!stored || stored.fetchedAt <= answer.fetchedAt) answers.set(connector, answer);
    }
    return answers;
  }

  /** Writes an answer to the cache in the background; lookups see it at once through `unwritten`. */
  private store(key: string, answer: CachedAnswer): void {
    let pending = this.unwritten.get(key);
    if (!pending) this.unwritten.set(key, (pending = new Map()));
    pending.set(answer.connector, answer);
    this.options.cache
      .put(key, answer)
      .catch((error: unknown) => this.options.log.warn('directory.cache_write_failed', { connector: answer.connector, error }))
      .finally(() => {
        // Only if no newer answer took its place meanwhile.
        if (pending.get(answer.connector) === answer) pending.delete(answer.connector);
        if (pending.size === 0 && this.unwritten.get(key) === pending) this.unwritten.delete(key);
      });
  }

  private initialState(connector: Connector, cached: CachedAnswer | null, ttlSeconds: number): SourceState {
    const age = cached ? this.options.clock().getTime() - Date.parse(cached.fetchedAt) : Infinity;
    const fresh = cached !== null && ttlSeconds > 0 && age < ttlSeconds * 1000;
    return { connector, shown: cached, status: fresh ? 'fresh' : 'pending', error: null };
  }

  /** Asks one connector (or joins the same question already on its way), under its own timeout. */
  private ask(connector: Connector, key: string, variants: NumberVariants): Promise<Outcome> {
    const id = `${connector.name}\u0000${key}`;
    let pending = this.inflight.get(id);
    if (!pending) {
      pending = this.query(connector, key, variants).finally(() => this.inflight.delete(id));
      this.inflight.set(id, pending);
    }
    return pending;
  }

  private async query(connector: Connector, key: string, variants: NumberVariants): Promise<Outcome> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Enforced here too, so a connector that ignores its signal still cannot hang a card.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ConnectorError('timeout', `no answer within ${connector.timeoutMs} ms`));
      }, connector.timeoutMs);
    });
    try {
      const record = await Promise.race([connector.find(variants, abort.signal), timedOut]);
      const answer: CachedAnswer = { connector: connector.name, record, fetchedAt: this.options.clock().toISOString() };
      this.health.succeeded(connector);
      this.store(key, answer);
      return { ok: true, answer };
    } catch (caught) {
      const error =
        caught instanceof ConnectorError ? caught : new ConnectorError('error', `failed (${caught instanceof Error ? caught.name : typeof caught})`);
      this.health.failed(connector, error);
      if (!(caught instanceof ConnectorError)) this.options.log.debug('directory.connector_error', { connector: connector.name, error: caught });
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }

  private emit(onUpdate: LookupUpdate, lookup: ChainLookup): void {
    try {
      onUpdate(lookup);
    } catch (error) {
      this.options.log.error('directory.lookup_update_failed', { error });
    }
  }
}

/** What the card shows of one source: an update that changes none of it is not pushed. */
function describeState(state: SourceState): string {
  return `${state.status}|${state.error?.code ?? ''}|${state.shown?.fetchedAt ?? ''}`;
}

function applyOutcome(state: SourceState, outcome: Outcome): void {
  if (outcome.ok) {
    state.shown = outcome.answer;
    state.status = 'fresh';
    state.error = null;
  } else {
    state.status = state.shown ? 'stale' : 'failed';
    state.error = outcome.error;
  }
}

/** The lookup as the card shows it now: the local contact, the connectors' facts merged in, and where each came from. */
function buildLookup(e164: string | null, variants: NumberVariants, local: ContactCard | null, states: readonly SourceState[], asOf: string): ChainLookup {
  const facts = new Map<string, Set<CardFact>>();
  const credit = (source: string, fact: CardFact) => {
    let set = facts.get(source);
    if (!set) facts.set(source, (set = new Set()));
    set.add(fact);
  };
  const matched = states.flatMap((state) => (state.shown?.record ? [{ name: state.connector.name, record: state.shown.record }] : []));
  /** The first connector's non-empty value, credited to it. */
  const fromConnectors = (fact: CardFact & keyof ConnectorRecord): string => {
    for (const source of matched) {
      const value = source.record[fact];
      if (typeof value === 'string' && value !== '') {
        credit(source.name, fact);
        return value;
      }
    }
    return '';
  };
  /** The local contact's value when it has one, else the connectors'. */
  const field = (fact: 'name' | 'company' | 'tier'): string => {
    const own = local?.contact[fact] ?? '';
    if (own !== '') {
      credit('local', fact);
      return own;
    }
    return fromConnectors(fact);
  };

  let card: ContactCard | null = null;
  let crm: CrmInfo | null = null;
  if (local !== null || matched.length > 0) {
    const name = field('name');
    const company = field('company');
    const tier = field('tier');
    if (matched.length > 0) crm = crmInfo(matched, fromConnectors, credit);
    if (local !== null) {
      credit('local', 'history');
      card = { ...local, contact: { ...local.contact, company, tier }, inDirectory: true, crm };
    } else {
      const fetched = states.flatMap((state) => (state.shown?.record ? [state.shown.fetchedAt] : [])).sort();
      card = {
        contact: {
          id: 0,
          name: name || e164 || variants.raw || '',
          company,
          tier,
          numbers: e164 ? [{ label: 'other', raw: variants.raw ?? e164, e164 }] : [],
          tags: [],
          notes: '',
          createdAt: fetched[0] ?? asOf,
          updatedAt: fetched[fetched.length - 1] ?? asOf,
        },
        recent: [],
        openItems: [],
        interactionCount: 0,
        inDirectory: false,
        crm,
      };
    }
  }

  const sources: CardSource[] = [
    {
      connector: 'local',
      name: 'local',
      status: 'fresh',
      matched: local !== null,
      fetchedAt: asOf,
      fields: factsOf(facts, 'local'),
      error: null,
      errorDetail: null,
    },
    ...states.map(
      (state): CardSource => ({
        connector: state.connector.kind,
        name: state.connector.name,
        status: state.status,
        matched: Boolean(state.shown?.record),
        fetchedAt: state.shown?.fetchedAt ?? null,
        fields: factsOf(facts, state.connector.name),
        error: state.error?.code ?? null,
        errorDetail: state.error?.detail ?? null,
      }),
    ),
  ];
  if (card) card.sources = sources;
  return { e164, card, sources };
}

function crmInfo(
  matched: readonly { name: string; record: ConnectorRecord }[],
  fromConnectors: (fact: 'customerId' | 'email' | 'title' | 'department') => string,
  credit: (source: string, fact: CardFact) => void,
): CrmInfo {
  const openTickets: CrmTicket[] = [];
  const lastContacts: CrmContact[] = [];
  for (const { name, record } of matched) {
    if (record.openTickets.length > 0) credit(name, 'openTickets');
    if (record.lastContacts.length > 0) credit(name, 'lastContacts');
    for (const ticket of record.openTickets) openTickets.push({ ...ticket, source: name });
    for (const contact of record.lastContacts) lastContacts.push({ ...contact, source: name });
  }
  const customerId = fromConnectors('customerId');
  return {
    customerId: customerId === '' ? null : customerId,
    email: fromConnectors('email'),
    title: fromConnectors('title'),
    department: fromConnectors('department'),
    openTickets: newestFirst(openTickets, (ticket) => ticket.createdAt).slice(0, MAX_CARD_ITEMS),
    lastContacts: newestFirst(lastContacts, (contact) => contact.at).slice(0, MAX_CARD_ITEMS),
  };
}

/** Newest first by an ISO time; items without one (or with a CRM's own text) after them, in their order. */
function newestFirst<T>(items: T[], timeOf: (item: T) => string | null): T[] {
  const stamp = (item: T) => {
    const time = timeOf(item);
    return time !== null && /^\d{4}-\d{2}-\d{2}T/.test(time) ? time : '';
  };
  return items
    .map((item, index) => ({ item, index, time: stamp(item) }))
    .sort((a, b) => (a.time === b.time ? a.index - b.index : a.time < b.time ? 1 : -1))
    .map(({ item }) => item);
}

const FACT_ORDER: readonly CardFact[] = ['name', 'company', 'tier', 'customerId', 'email', 'title', 'department', 'history', 'openTickets', 'lastContacts'];

function factsOf(facts: Map<string, Set<CardFact>>, source: string): CardFact[] {
  const set = facts.get(source);
  return set ? FACT_ORDER.filter((fact) => set.has(fact)) : [];
}
