/**
 * The screen pop's lookup chain through DirectoryService.lookupNumber, against a real
 * slapd and a real HTTP server: local directory and cache first, connectors in parallel
 * under the deadline, late answers as updates, stale markers and one log line per outage.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CardSource } from '../../../main/common/domain';
import { LdapConnectorSchema, RestConnectorSchema, type ConnectorSettings } from '../../../main/core/directory/connectors/connector-settings';
import { DirectoryService, type NumberLookup } from '../../../main/core/directory/directory-service';
import type { LookupChainSettings } from '../../../main/core/directory/lookup-chain';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../main/core/secrets';
import type { Database } from '../../../main/core/store/database';
import { openStore } from '../../../main/core/store/migrations';
import { freePort, until } from '../../peers/process';
import { Slapd } from '../../peers/slapd';
import { makeTempDir } from '../store/temp-store';
import { CrmServer } from './connectors/crm-server';
import { CUSTOMERS_LDIF, READER, SUFFIX, WANG_MAPPING, WANG_REPLY } from './connectors/fixtures';

jest.setTimeout(30_000);

const WANG = '+8613800138000';
const secrets = new MemorySecretProvider({ 'ldap.reader': READER.password, 'crm.token': 'tok' });

let slapd: Slapd;
let crm: CrmServer;

beforeAll(async () => {
  slapd = await Slapd.start({ suffix: SUFFIX, reader: READER, ldif: [CUSTOMERS_LDIF] });
});
afterAll(async () => {
  await slapd?.dispose();
});

const ldap = (overrides: Record<string, unknown> = {}): ConnectorSettings =>
  LdapConnectorSchema.parse({
    kind: 'ldap',
    name: 'corp-ldap',
    url: slapd.url,
    bindDn: READER.dn,
    passwordSecret: 'ldap.reader',
    baseDn: `ou=customers,${SUFFIX}`,
    attributes: { tier: 'businessCategory' },
    timeoutMs: 1500,
    ...overrides,
  });

const rest = (overrides: Record<string, unknown> = {}): ConnectorSettings =>
  RestConnectorSchema.parse({
    kind: 'rest',
    name: 'crm',
    urlTemplate: `${crm.base}/api/customers?phone={e164}`,
    auth: { tokenSecret: 'crm.token' },
    mapping: WANG_MAPPING,
    timeoutMs: 1500,
    ...overrides,
  });

/** A directory on its own database, with settings, clock and log the test controls. */
class Harness {
  readonly sink = new MemorySink();
  settings: LookupChainSettings = { crmConnectors: [], lookupDeadlineMs: 150, cacheTtlSeconds: 0 };
  /** Added to the real time: TTL tests move the clock on. */
  offsetMs = 0;
  directory!: DirectoryService;
  db!: Database;
  private readonly temp = makeTempDir('zuoxi-chain-');

  async open(): Promise<this> {
    const log = new StructuredLogger(this.sink, 'debug');
    this.db = await openStore(path.join(this.temp.dir, 'zuoxi.db'), log);
    const clock = () => new Date(Date.now() + this.offsetMs);
    this.directory = new DirectoryService(this.db, { defaultRegion: 'CN', lookup: { settings: () => this.settings, secrets } }, log, clock);
    return this;
  }

  /** Closes the database and opens a new DirectoryService on the same file (an app restart). */
  async restart(): Promise<void> {
    await this.db.close();
    await this.open();
  }

  async dispose(): Promise<void> {
    await this.db.close();
    this.temp.cleanup();
  }

  events(name: string): Record<string, unknown>[] {
    return this.sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === name);
  }
}

const source = (lookup: NumberLookup, name: string): CardSource | undefined => (lookup.card?.sources ?? lookup.sources)?.find((s) => s.name === name);

let h: Harness;
beforeEach(async () => {
  crm = await CrmServer.start();
  h = await new Harness().open();
});
afterEach(async () => {
  await h.dispose();
  await crm.close();
});

describe('the lookup chain', () => {
  it('pops a caller only the LDAP directory knows, with every fact credited to it', async () => {
    h.settings.crmConnectors = [ldap()];
    const found = await h.directory.lookupNumber('138 0013 8000');
    expect(found.e164).toBe(WANG);
    expect(found.card).toMatchObject({
      inDirectory: false,
      contact: { id: 0, name: '王芳', company: '北京科技有限公司', tier: 'gold', numbers: [{ e164: WANG }] },
      recent: [],
      crm: { customerId: 'c1001', email: 'wang.fang@example.cn', title: '采购经理', department: '采购部', openTickets: [], lastContacts: [] },
    });
    expect(found.card?.sources).toEqual([
      expect.objectContaining({ connector: 'local', name: 'local', matched: false, fields: [] }),
      {
        connector: 'ldap',
        name: 'corp-ldap',
        status: 'fresh',
        matched: true,
        fetchedAt: expect.any(String),
        fields: ['name', 'company', 'tier', 'customerId', 'email', 'title', 'department'],
        error: null,
        errorDetail: null,
      },
    ]);
  });

  it('pops a caller the REST CRM knows, with tickets and last contacts mapped from its reply', async () => {
    crm.reply = () => ({ json: WANG_REPLY });
    h.settings.crmConnectors = [rest()];
    const found = await h.directory.lookupNumber(WANG);
    expect(found.card).toMatchObject({ inDirectory: false, contact: { name: '王芳', tier: 'VIP', company: '北京科技有限公司' } });
    expect(found.card?.crm?.openTickets).toEqual([
      { id: 'T-3', title: '发票重开', status: 'Pending', createdAt: '2026-02-03T01:00:00.000Z', source: 'crm' },
      { id: 'T-1', title: '停电报修', status: 'open', createdAt: '2026-02-01T01:00:00.000Z', source: 'crm' },
    ]);
    expect(found.card?.crm?.lastContacts).toEqual([{ at: '2026-02-02T10:00:00.000Z', channel: 'phone', summary: '客户来电催促', agent: '8001', source: 'crm' }]);
    expect(source(found, 'crm')).toMatchObject({ status: 'fresh', fields: ['name', 'company', 'tier', 'customerId', 'email', 'openTickets', 'lastContacts'] });
    expect(crm.requests[0]!.url).toBe('/api/customers?phone=%2B8613800138000');
  });

  it('keeps the local contact’s own facts, fills its blanks from the connectors in order, and asks them in parallel', async () => {
    const saved = await h.directory.saveContact(null, { name: '王芳（老客户）', numbers: [{ label: 'mobile', raw: WANG }] });
    crm.reply = () => ({ delayMs: 100, json: WANG_REPLY });
    // slapd answers at once; the CRM takes 100 ms: together well under the sum of their delays.
    h.settings = { ...h.settings, lookupDeadlineMs: 1000, crmConnectors: [ldap(), rest()] };
    const started = Date.now();
    const found = await h.directory.lookupNumber(WANG);
    expect(Date.now() - started).toBeLessThan(600);
    expect(found.card).toMatchObject({
      inDirectory: true,
      contact: { id: saved.contact.id, name: '王芳（老客户）', company: '北京科技有限公司', tier: 'gold' },
      crm: { customerId: 'c1001', email: 'wang.fang@example.cn', openTickets: [{ id: 'T-3' }, { id: 'T-1' }] },
    });
    expect(found.card?.sources?.map((s) => [s.name, s.status, s.fields])).toEqual([
      ['local', 'fresh', ['name', 'history']],
      ['corp-ldap', 'fresh', ['company', 'tier', 'customerId', 'email', 'title', 'department']],
      ['crm', 'fresh', ['openTickets', 'lastContacts']],
    ]);
  });

  it('answers at the deadline with the cached card when the CRM is slow, and updates the card when it answers', async () => {
    h.settings.crmConnectors = [rest({ timeoutMs: 5000 })];
    crm.reply = () => ({ json: { data: { customers: [{ cid: 'CRM-001', profile: { fullName: '王芳' }, level: 'gold' }] } } });
    const first = await h.directory.lookupNumber(WANG);
    expect(first.card?.contact.tier).toBe('gold');
    const cachedAt = source(first, 'crm')!.fetchedAt;

    crm.reply = () => ({ delayMs: 2000, json: WANG_REPLY });
    const updates: NumberLookup[] = [];
    const started = Date.now();
    const found = await h.directory.lookupNumber(WANG, (update) => updates.push(update));
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(150 + 250);
    // The cached card at once, marked as waiting for the CRM.
    expect(found.card).toMatchObject({ contact: { name: '王芳', tier: 'gold' }, crm: { openTickets: [] } });
    expect(source(found, 'crm')).toMatchObject({ status: 'pending', matched: true, fetchedAt: cachedAt });
    expect(updates).toEqual([]);

    await until(() => updates.length > 0 || undefined, 'the late CRM answer', 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.card).toMatchObject({ contact: { tier: 'VIP' }, crm: { openTickets: [{ id: 'T-3' }, { id: 'T-1' }] } });
    expect(source(updates[0]!, 'crm')).toMatchObject({ status: 'fresh', error: null });
    expect(source(updates[0]!, 'crm')!.fetchedAt! > cachedAt!).toBe(true);
  });

  it.each([
    ['500', () => ({ status: 500, raw: 'Internal Server Error', contentType: 'text/plain' }), 'http_status'],
    ['garbage JSON', () => ({ raw: '{"data": [', contentType: 'application/json' }), 'bad_response'],
    ['an HTML error page', () => ({ raw: '<html><h1>维护中</h1></html>', contentType: 'text/html' }), 'bad_response'],
    ['a dropped connection', () => ({ destroy: true }), 'unreachable'],
  ] as const)('shows the cached card marked stale since its fetch when the CRM answers %s, and logs the outage once', async (_, reply, code) => {
    h.settings.crmConnectors = [rest()];
    crm.reply = () => ({ json: WANG_REPLY });
    const fetchedAt = source(await h.directory.lookupNumber(WANG), 'crm')!.fetchedAt;

    crm.reply = reply;
    const askedBefore = crm.requests.length;
    for (let call = 0; call < 5; call += 1) {
      const started = Date.now();
      const found = await h.directory.lookupNumber(WANG);
      expect(Date.now() - started).toBeLessThan(400);
      expect(found.card).toMatchObject({ contact: { name: '王芳', tier: 'VIP' }, crm: { openTickets: [{ id: 'T-3' }, { id: 'T-1' }] } });
      expect(source(found, 'crm')).toMatchObject({ status: 'stale', matched: true, fetchedAt, error: code, errorDetail: expect.any(String) });
    }
    expect(h.events('directory.connector_down')).toEqual([expect.objectContaining({ connector: 'crm', kind: 'rest', error: code })]);
    // Only the first lookup asked: the next ones knew the CRM was down and did not wait on it.
    expect(crm.requests.length - askedBefore).toBe(1);

    crm.reply = () => ({ json: WANG_REPLY });
    await expectRecoveryByProbe('crm');
    expect(h.events('directory.connector_down')).toHaveLength(1);
  });

  it('stops waiting on a CRM that accepts but never answers once it has timed out', async () => {
    h.settings.crmConnectors = [rest({ timeoutMs: 300 })];
    crm.reply = () => ({ json: WANG_REPLY });
    await h.directory.lookupNumber(WANG);

    crm.reply = () => ({ delayMs: 5_000, json: WANG_REPLY });
    const first = Date.now();
    expect(source(await h.directory.lookupNumber(WANG), 'crm')).toMatchObject({ status: 'pending' });
    expect(Date.now() - first).toBeGreaterThanOrEqual(140);
    await until(() => h.events('directory.connector_down').length > 0 || undefined, 'the timeout', 2000);

    // Known to be down: the next pops show the cache at once instead of the whole deadline.
    for (let call = 0; call < 3; call += 1) {
      const started = Date.now();
      const found = await h.directory.lookupNumber(WANG);
      expect(Date.now() - started).toBeLessThan(100);
      expect(source(found, 'crm')).toMatchObject({ status: 'stale', error: 'timeout' });
    }
  });

  it('shows the LDAP facts as stale while slapd is stopped, logs it once, and logs the recovery once', async () => {
    h.settings.crmConnectors = [ldap()];
    const fetchedAt = source(await h.directory.lookupNumber(WANG), 'corp-ldap')!.fetchedAt;
    await slapd.stop();
    try {
      for (let call = 0; call < 5; call += 1) {
        const found = await h.directory.lookupNumber(WANG);
        expect(found.card).toMatchObject({ inDirectory: false, contact: { name: '王芳', tier: 'gold' } });
        expect(source(found, 'corp-ldap')).toMatchObject({ status: 'stale', fetchedAt, error: 'unreachable' });
      }
    } finally {
      await slapd.start();
    }
    expect(h.events('directory.connector_down')).toEqual([expect.objectContaining({ connector: 'corp-ldap', kind: 'ldap', error: 'unreachable' })]);
    await expectRecoveryByProbe('corp-ldap');
  });

  /**
   * While a connector is down only one lookup per probe interval asks it, without the
   * pop waiting: that lookup shows the cache, and the fresh answer follows as an update.
   */
  async function expectRecoveryByProbe(connector: string): Promise<void> {
    expect(source(await h.directory.lookupNumber(WANG), connector)).toMatchObject({ status: 'stale' });
    h.offsetMs += 5_000; // the first probe interval has passed
    const updates: NumberLookup[] = [];
    const probing = await h.directory.lookupNumber(WANG, (update) => updates.push(update));
    expect(source(probing, connector)).toMatchObject({ status: 'stale' });
    await until(() => updates.length > 0 || undefined, 'the probe answer', 5000);
    expect(source(updates[0]!, connector)).toMatchObject({ status: 'fresh', error: null });
    expect(source(await h.directory.lookupNumber(WANG), connector)).toMatchObject({ status: 'fresh' });
    expect(h.events('directory.connector_recovered')).toEqual([expect.objectContaining({ connector, failedLookups: 1 })]);
  }

  it('says failed, with no card, when a connector is down and knows nothing cached about an unknown caller', async () => {
    h.settings.crmConnectors = [rest({ urlTemplate: `http://127.0.0.1:${await freePort()}/c?p={e164}` })];
    const found = await h.directory.lookupNumber('+8613300133000');
    expect(found.card).toBeNull();
    expect(found.sources).toEqual([
      expect.objectContaining({ connector: 'local', matched: false }),
      expect.objectContaining({ connector: 'rest', status: 'failed', matched: false, fetchedAt: null, error: 'unreachable' }),
    ]);
  });

  it('reuses an answer within the TTL without asking, and asks again once it has expired', async () => {
    h.settings = { ...h.settings, cacheTtlSeconds: 60, crmConnectors: [rest()] };
    crm.reply = () => ({ json: WANG_REPLY });
    const first = await h.directory.lookupNumber(WANG);
    expect(crm.requests).toHaveLength(1);
    h.offsetMs = 59_000;
    const cached = await h.directory.lookupNumber(WANG);
    expect(crm.requests).toHaveLength(1);
    expect(source(cached, 'crm')).toMatchObject({ status: 'fresh', fetchedAt: source(first, 'crm')!.fetchedAt });
    expect(cached.card?.crm?.openTickets).toHaveLength(2);
    // "Not known" is cached too: an unknown caller is not asked about again within the TTL.
    crm.reply = () => ({ status: 404, json: {} });
    await h.directory.lookupNumber('+8613300133000');
    await h.directory.lookupNumber('+8613300133000');
    expect(crm.requests).toHaveLength(2);

    h.offsetMs = 61_000;
    crm.reply = () => ({ json: { data: { customers: [{ cid: 'CRM-001', profile: { fullName: '王芳' }, level: 'platinum' }] } } });
    const refreshed = await h.directory.lookupNumber(WANG);
    expect(crm.requests).toHaveLength(3);
    expect(refreshed.card?.contact.tier).toBe('platinum');
    expect(source(refreshed, 'crm')!.fetchedAt! > source(first, 'crm')!.fetchedAt!).toBe(true);
  });

  it('keeps markup from the CRM as text and cuts 10 KB fields with an ellipsis on the card', async () => {
    const markup = '<img src=x onerror="alert(1)">';
    crm.reply = () => ({
      json: { data: { customers: [{ cid: 'C', profile: { fullName: markup, org: 'x'.repeat(10_240) }, tickets: [{ no: '1', subject: '单'.repeat(10_240), state: 'open' }] }] } },
    });
    h.settings.crmConnectors = [rest()];
    const card = (await h.directory.lookupNumber(WANG)).card;
    expect(card?.contact.name).toBe(markup);
    expect(card?.contact.company).toHaveLength(200);
    expect(card?.contact.company.endsWith('…')).toBe(true);
    expect([...(card?.crm?.openTickets[0]?.title ?? '')]).toHaveLength(500);
  });

  it('keeps the cache across a restart: a new DirectoryService on the same database pops the stale card with the CRM down', async () => {
    h.settings.crmConnectors = [rest()];
    crm.reply = () => ({ json: WANG_REPLY });
    const fetchedAt = source(await h.directory.lookupNumber(WANG), 'crm')!.fetchedAt;
    await h.restart();
    crm.reply = () => ({ status: 502, raw: 'Bad Gateway', contentType: 'text/plain' });
    const found = await h.directory.lookupNumber(WANG);
    expect(found.card).toMatchObject({ contact: { name: '王芳' }, crm: { customerId: 'CRM-001', openTickets: [{ id: 'T-3' }, { id: 'T-1' }] } });
    expect(source(found, 'crm')).toMatchObject({ status: 'stale', fetchedAt, error: 'http_status', errorDetail: '502 Bad Gateway' });
  });

  it('asks a connector once for two lookups of the same caller at the same time', async () => {
    crm.reply = () => ({ delayMs: 50, json: WANG_REPLY });
    h.settings.crmConnectors = [rest()];
    const [a, b] = await Promise.all([h.directory.lookupNumber(WANG), h.directory.lookupNumber('138-0013-8000')]);
    expect(crm.requests).toHaveLength(1);
    expect(a.card?.contact.name).toBe('王芳');
    expect(b.card?.contact.name).toBe('王芳');
  });

  it('looks an internal extension up in the corporate directory by the number as signalled', async () => {
    h.settings.crmConnectors = [ldap({ filter: '(telephoneNumber={raw})' }), rest()];
    const found = await h.directory.lookupNumber('sip:8002@pbx.example');
    expect(found.e164).toBeNull();
    expect(found.card).toMatchObject({ inDirectory: false, contact: { name: '张伟', numbers: [] } });
    // The REST template needs {e164}, which an extension has not: it is not asked.
    expect(crm.requests).toHaveLength(0);
    expect(found.card?.sources?.map((s) => s.name)).toEqual(['local', 'corp-ldap']);
  });

  it('skips disabled connectors and answers at once when there are none', async () => {
    h.settings.crmConnectors = [rest({ enabled: false })];
    expect(await h.directory.lookupNumber(WANG)).toEqual({ e164: WANG, card: null });
    expect(crm.requests).toHaveLength(0);
    expect(fs.existsSync(h.db.file)).toBe(true);
  });
});
