import path from 'node:path';
import type { Page } from 'playwright-core';
import { SipAccountSchema } from '../../main/core/config/settings';
import { LdapConnectorSchema, RestConnectorSchema } from '../../main/core/directory/connectors/connector-settings';
import { MemorySecretProvider } from '../../main/core/secrets';
import { Baresip, Kamailio } from '../peers';
import { Slapd } from '../peers/slapd';
import { E2eCrmServer } from './support/crm-server';
import { openSession, ROOT, screenshot, type Session } from './support/harness';

jest.setTimeout(90_000);

// The screen pop through the whole lookup chain in real Chromium: a customer's phone
// (baresip) calls the agent's extension through kamailio; the Workstation looks the caller
// up in its local directory and cache, in a real slapd (LDAP) and in a real HTTP CRM, and the
// card pops while the call still rings — then fills in place when the slow CRM answers.
// With slapd stopped and the CRM answering 500, the same caller still pops from the cache
// with a note saying the data is stale and since when. CRM text with markup or 10 KB stays
// text, and nothing runs.

const DOMAIN = 'zuoxi.test';
const AGENT = { user: '8001', password: 'agent-Pop-pw!' };
/** 王芳: in the local directory, in LDAP (uid c1001) and in the CRM. */
const WANG = { user: '13800138000', password: 'wang-pw', e164: '+8613800138000' };
/** LDAP's c1004 (markup in cn and o, a 10,000-character description) and a CRM record of the same kind; not in the local directory. */
const ZHAO = { user: '13700137000', password: 'zhao-pw', e164: '+8613700137000' };

const SUFFIX = 'dc=zuoxi,dc=test';
const READER = { dn: `cn=zuoxi-reader,${SUFFIX}`, password: 'r3ader-E2e-pw' };
const CUSTOMERS_LDIF = path.join(ROOT, 'test', 'fixtures', 'ldap', 'customers.ldif');
const CRM_TOKEN = 'crm-E2e-token';

const MARKUP = '<img src=x onerror=alert(1)>';
const TEN_KB = '张'.repeat(10_240);

const WANG_CRM = {
  cid: 'CRM-001',
  profile: { fullName: '王芳', org: '北京科技有限公司', email: 'wang.fang@example.cn' },
  level: 'VIP',
  tickets: [
    { no: 'T-1', subject: '停电报修', state: 'open', created: '2026-02-01T09:00:00+08:00' },
    { no: 'T-2', subject: '电费咨询', state: 'closed', created: '2026-01-01T09:00:00+08:00' },
    { no: 'T-3', subject: '发票重开', state: 'Pending', created: '2026-02-03T09:00:00+08:00' },
  ],
  history: [{ time: '2026-02-02T10:00:00Z', type: 'phone', note: '客户来电催促处理停电', by: '8001' }],
};

const ZHAO_CRM = {
  cid: 'CRM-1004',
  profile: { fullName: MARKUP, org: '<script>alert(2)</script>' },
  level: 'standard',
  tickets: [
    { no: 'X-1', subject: MARKUP, state: 'open', created: '2026-02-05T09:00:00+08:00' },
    { no: 'X-2', subject: TEN_KB, state: 'open', created: '2026-02-04T09:00:00+08:00' },
  ],
  history: [{ time: '2026-02-02T10:00:00Z', type: '<b>chat</b>', note: TEN_KB, by: MARKUP }],
};

let kamailio: Kamailio;
let slapd: Slapd;
let crm: E2eCrmServer;
let wang: Baresip;
let zhao: Baresip;
let session: Session;
let firstCallAt = 0;

beforeAll(async () => {
  [kamailio, slapd, crm] = await Promise.all([
    Kamailio.start({ domain: DOMAIN, users: { [AGENT.user]: AGENT.password, [WANG.user]: WANG.password, [ZHAO.user]: ZHAO.password } }),
    Slapd.start({ suffix: SUFFIX, reader: READER, ldif: [CUSTOMERS_LDIF] }),
    E2eCrmServer.start(CRM_TOKEN),
  ]);
  try {
    crm.customers.set(WANG.e164, WANG_CRM);
    crm.customers.set(ZHAO.e164, ZHAO_CRM);
    const phone = (name: string, who: typeof WANG) =>
      Baresip.start({ name, user: who.user, password: who.password, registrar: kamailio, autoAnswer: false, toneHz: 440 });
    [wang, zhao] = await Promise.all([phone('wang', WANG), phone('zhao', ZHAO)]);
    const ldap = LdapConnectorSchema.parse({
      kind: 'ldap',
      name: 'corp-ldap',
      url: slapd.url,
      bindDn: READER.dn,
      passwordSecret: 'ldap.reader',
      baseDn: `ou=customers,${SUFFIX}`,
      // c1004 has no title; its 10,000-character description stands in.
      attributes: { tier: 'businessCategory', title: ['title', 'description'] },
      timeoutMs: 3000,
    });
    const rest = RestConnectorSchema.parse({
      kind: 'rest',
      name: 'crm',
      urlTemplate: `${crm.base}/api/customers?phone={e164}`,
      auth: { tokenSecret: 'crm.token' },
      mapping: {
        record: 'data.customers',
        name: 'profile.fullName',
        company: 'profile.org',
        email: 'profile.email',
        tier: 'level',
        customerId: 'cid',
        openTickets: { path: 'tickets', id: 'no', title: 'subject', status: 'state', createdAt: 'created', openStatuses: ['open', 'pending'] },
        lastContacts: { path: 'history', at: 'time', channel: 'type', summary: 'note', agent: 'by' },
      },
      timeoutMs: 5000,
    });
    session = await openSession('zh-CN', {
      secrets: new MemorySecretProvider({ 'sip.password': AGENT.password, 'ldap.reader': READER.password, 'crm.token': CRM_TOKEN }),
      settings: {
        sipAccount: SipAccountSchema.parse({ registrar: kamailio.uri, domain: DOMAIN, user: AGENT.user, registerExpires: 60 }),
        sipEdge: { mode: 'embedded', host: '127.0.0.1', udpPort: 0, tcpPort: 0 },
        crmConnectors: [ldap, rest],
        lookupDeadlineMs: 150,
        // Every call asks the connectors again; what they said last stays in the cache as the fallback.
        cacheTtlSeconds: 0,
      },
      calls: { edgeTimers: { t1: 100, t2: 400, t4: 500 }, backoff: { initialMs: 500, maxMs: 2000 } },
    });
    // 王芳 is the center's own contact, without a tier (LDAP has it), with a history.
    const { directory } = session.workstation;
    const card = await directory.saveContact(null, { name: '王芳', company: '华南物流', numbers: [{ label: 'mobile', raw: '138 0013 8000' }] });
    const day = 86_400_000;
    await directory.addInteraction({
      contactId: card.contact.id,
      kind: 'call_in',
      occurredAt: new Date(Date.now() - 3 * day).toISOString(),
      outcome: '已解决',
      summary: '上次来电：停电报修，已派工',
    });
    await directory.addInteraction({
      contactId: card.contact.id,
      kind: 'ticket',
      occurredAt: new Date(Date.now() - day).toISOString(),
      summary: '电表读数异常，待复核',
      status: 'open',
    });
    await session.page.waitForSelector('[data-testid="status-connection"][data-state="online"]', { timeout: 15_000 });
  } catch (error) {
    await stopAll();
    throw error;
  }
});

async function stopAll(): Promise<void> {
  await session?.close().catch(() => undefined);
  await Promise.all([wang?.dispose(), zhao?.dispose()].map((stopping) => stopping?.catch(() => undefined)));
  await Promise.all([kamailio?.dispose(), slapd?.dispose(), crm?.close()].map((stopping) => stopping?.catch(() => undefined)));
}

afterAll(stopAll);

afterEach(() => {
  expect(session.pageErrors).toEqual([]);
  expect(session.dialogs).toEqual([]);
});

async function waitForRow(page: Page, state: string): Promise<void> {
  await page.waitForSelector(`[data-testid="call-row"][data-state="${state}"]`, { timeout: 15_000 });
}

async function hangUp(phone: Baresip): Promise<void> {
  await phone.hangup();
  await phone.waitForEvent('CALL_CLOSED');
  await session.page.waitForSelector('[data-testid="call-bar-idle"]', { timeout: 15_000 });
  phone.forgetEvents();
}

/**
 * Watches the card from inside the page: every status the CRM's entry in the sources line
 * shows, how many different card elements there were, and whether the card ever went away
 * (a flicker back to empty) once it had popped.
 */
async function watchCard(page: Page): Promise<void> {
  await page.evaluate(() => {
    const watch = { crmStatuses: [] as string[], cards: 0, vanished: false, loading: false };
    (window as unknown as { __cardWatch: typeof watch }).__cardWatch = watch;
    const seen = new WeakSet<Element>();
    const look = () => {
      const card = document.querySelector('[data-testid="caller-card"]');
      if (card && !seen.has(card)) {
        seen.add(card);
        watch.cards += 1;
      }
      if (!card && watch.cards > 0) watch.vanished = true;
      if (document.querySelector('.caller-card[aria-busy="true"]')) watch.loading = true;
      const status = document.querySelector('[data-testid="card-source"][data-source="crm"]')?.getAttribute('data-status');
      if (status && watch.crmStatuses[watch.crmStatuses.length - 1] !== status) watch.crmStatuses.push(status);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
    look();
  });
}

const cardWatch = (page: Page) =>
  page.evaluate(() => (window as unknown as { __cardWatch: { crmStatuses: string[]; cards: number; vanished: boolean; loading: boolean } }).__cardWatch);

const ticketIds = (page: Page) => page.locator('[data-testid="card-crm-ticket"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-ticket-id')));

test('a real call pops 王芳 before it is answered, with her history, and the slow CRM’s tickets fill the same card in place', async () => {
  const { page } = session;
  firstCallAt = Date.now();
  // The CRM answers well after the 150 ms deadline: the card pops without it, then fills.
  crm.delays.set(WANG.e164, 1500);
  await page.waitForSelector('[data-testid="caller-card-empty"]');
  await watchCard(page);

  await wang.dial(`sip:${AGENT.user}@${DOMAIN}`);
  await waitForRow(page, 'ringing');
  await page.getByTestId('caller-card-name').waitFor();
  expect(await page.getByTestId('caller-card-name').innerText()).toBe('王芳');
  expect(await page.getByTestId('caller-card').getAttribute('data-in-directory')).toBe('true');
  expect(await page.getByTestId('caller-card-company').innerText()).toBe('华南物流');
  // Her history is on the card while it rings: the last call and what is still open.
  expect(await page.getByTestId('caller-card-recent').innerText()).toContain('上次来电：停电报修，已派工');
  expect(await page.getByTestId('caller-card-open-items').innerText()).toContain('电表读数异常，待复核');
  await page.waitForSelector('[data-testid="history-item"]');

  await page.waitForSelector('[data-testid="card-crm-ticket"]', { timeout: 10_000 });
  expect(await ticketIds(page)).toEqual(['T-3', 'T-1']);
  // Still ringing: nobody answered, the customer's phone has only heard it ring.
  expect(await page.getByTestId('call-row').getAttribute('data-state')).toBe('ringing');
  await wang.waitForEvent('CALL_RINGING');
  expect(wang.seen('CALL_ESTABLISHED')).toBe(false);

  const watched = await cardWatch(page);
  expect(watched.crmStatuses).toEqual(['pending', 'fresh']);
  expect(watched).toMatchObject({ cards: 1, vanished: false, loading: false });
  const sources = await page.locator('[data-testid="card-source"]').evaluateAll((items) =>
    items.map((item) => [item.getAttribute('data-source'), item.getAttribute('data-status'), item.getAttribute('data-matched')]),
  );
  expect(sources).toEqual([
    ['local', 'fresh', 'true'],
    ['corp-ldap', 'fresh', 'true'],
    ['crm', 'fresh', 'true'],
  ]);
  expect(await page.getByTestId('card-stale-note').count()).toBe(0);
  // LDAP filled what the directory left empty: the tier, the CRM id, the job title.
  expect(await page.getByTestId('caller-card-tier').innerText()).toBe('gold');
  expect(await page.locator('[data-testid="fact-source"][data-fact="tier"]').getAttribute('data-source')).toBe('corp-ldap');
  expect(await page.getByTestId('card-crm-title').innerText()).toBe('采购经理');
  expect(await page.getByTestId('card-crm-contacts').innerText()).toContain('客户来电催促处理停电');
  expect(crm.requests.every((request) => request.authorization === `Bearer ${CRM_TOKEN}`)).toBe(true);
  await screenshot(page, '06-screen-pop-crm-zh-CN');

  await hangUp(wang);
  crm.delays.clear();
});

test('a caller only LDAP and the CRM know: markup and 10 KB values stay text on one cut line, and contact 0 is never read', async () => {
  const { page } = session;
  await zhao.dial(`sip:${AGENT.user}@${DOMAIN}`);
  await waitForRow(page, 'ringing');
  await page.waitForSelector('[data-testid="caller-card"][data-in-directory="false"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="card-crm-ticket"]').length === 2, undefined, { timeout: 10_000 });

  expect(await page.getByTestId('caller-card-name').innerText()).toBe(MARKUP);
  expect(await page.getByTestId('caller-card-company').innerText()).toBe('<script>alert(2)</script>');
  expect(await page.getByTestId('call-caller-name').innerText()).toBe(MARKUP);
  expect(await page.getByTestId('card-not-in-directory').count()).toBe(1);
  expect(await ticketIds(page)).toEqual(['X-1', 'X-2']);
  const titles = page.getByTestId('card-crm-ticket-title');
  expect(await titles.nth(0).innerText()).toBe(MARKUP);
  // Nothing the caller or the CRM sent became an element.
  expect(await page.locator('[data-testid="caller-card"] :is(img, script, b), [data-testid="call-bar"] :is(img, script)').count()).toBe(0);

  // 10 KB: cut by the core to its limit with "…", then to one line by CSS, whole in the tooltip; the page does not widen.
  for (const locator of [titles.nth(1), page.getByTestId('card-crm-contact-summary'), page.getByTestId('card-crm-title')]) {
    const shape = await locator.evaluate((element) => ({
      text: element.textContent ?? '',
      title: element.getAttribute('title'),
      cut: element.scrollWidth > element.clientWidth,
      oneLine: element.getBoundingClientRect().height < 40,
      ellipsis: getComputedStyle(element).textOverflow,
    }));
    expect(shape.text).toMatch(/^张{100,}…$/);
    expect(shape.title).toBe(shape.text);
    expect(shape).toMatchObject({ cut: true, oneLine: true, ellipsis: 'ellipsis' });
  }
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    card: document.querySelector('[data-testid="caller-card"]')!.getBoundingClientRect().right,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.viewport);
  expect(widths.card).toBeLessThanOrEqual(widths.viewport);

  // No local history to read for a contact that does not exist: no call with id 0, no timeline; "save as contact" instead.
  const zeroReads = session.invokes.filter(
    (invoke) => invoke.channel.startsWith('directory.') && (invoke.args as { contactId?: unknown } | null)?.contactId === 0,
  );
  expect(zeroReads).toEqual([]);
  expect(await page.getByTestId('history-timeline').count()).toBe(0);
  expect(await page.getByTestId('note-input').count()).toBe(0);
  await page.getByTestId('card-save-crm-caller').getByTestId('new-contact-open').click();
  expect(await page.getByTestId('new-contact-number').inputValue()).toBe(ZHAO.user);
  expect(await page.getByTestId('new-contact-name').inputValue()).toBe(MARKUP);
  await page.getByTestId('new-contact-cancel').click();

  await hangUp(zhao);
  expect(session.invokes.filter((invoke) => (invoke.args as { contactId?: unknown } | null)?.contactId === 0)).toEqual([]);
});

test('with slapd stopped and the CRM answering 500, the same call still pops from the cache and says it is stale since the last fetch', async () => {
  const { page } = session;
  await page.getByTestId('language-switch').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await slapd.stop();
  crm.outage = { status: 500, raw: '<html><body>Internal Server Error</body></html>', contentType: 'text/html' };
  const askedBefore = crm.asked(WANG.e164);
  const secondCallAt = Date.now();
  try {
    await wang.dial(`sip:${AGENT.user}@${DOMAIN}`);
    await waitForRow(page, 'ringing');
    await page.waitForSelector('[data-testid="caller-card"][data-in-directory="true"]');
    expect(await page.getByTestId('caller-card-name').innerText()).toBe('王芳');
    const note = page.locator('[data-testid="card-stale-note"][data-sources="corp-ldap crm"]');
    await note.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('call-row').getAttribute('data-state')).toBe('ringing');
    expect(wang.seen('CALL_ESTABLISHED')).toBe(false);

    // What the connectors said on the first call, still on the card.
    expect(await ticketIds(page)).toEqual(['T-3', 'T-1']);
    expect(await page.getByTestId('caller-card-tier').innerText()).toBe('gold');
    // Her history now has the first call too.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="caller-card-recent"] [data-kind="call_in"]').length >= 2);

    const lines = await note.locator('[data-testid="card-stale-source"]').evaluateAll((items) =>
      items.map((item) => ({
        source: item.getAttribute('data-source'),
        error: item.getAttribute('data-error'),
        fetchedAt: item.getAttribute('data-fetched-at'),
        text: item.textContent ?? '',
        detail: item.getAttribute('title'),
      })),
    );
    expect(lines.map((line) => [line.source, line.error])).toEqual([
      ['corp-ldap', 'unreachable'],
      ['crm', 'http_status'],
    ]);
    for (const line of lines) {
      const fetched = new Date(line.fetchedAt ?? '');
      expect(fetched.getTime()).toBeGreaterThanOrEqual(firstCallAt - 1000);
      expect(fetched.getTime()).toBeLessThan(secondCallAt);
      const hhmm = `${String(fetched.getHours()).padStart(2, '0')}:${String(fetched.getMinutes()).padStart(2, '0')}`;
      expect(line.text).toMatch(/is offline \(.+\); showing its data from /);
      expect(line.text).toContain(hhmm);
    }
    expect(lines[1]!.text).toContain('CRM is offline (the server answered with an error)');
    expect(lines[1]!.detail).toMatch(/500/);
    expect(await page.locator('[data-testid="card-source"][data-source="crm"]').innerText()).toMatch(/offline, data from .*\d\d:\d\d/);
    expect(await page.locator('[data-testid="card-source"][data-source="corp-ldap"]').getAttribute('data-status')).toBe('stale');
    expect(crm.asked(WANG.e164)).toBeGreaterThan(askedBefore);
    await screenshot(page, '07-screen-pop-stale-en');

    await hangUp(wang);
  } finally {
    crm.outage = null;
    await slapd.start();
  }
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
});

test('the secrets are nowhere in the log', () => {
  expect(session.logs.text.length).toBeGreaterThan(0);
  for (const secret of [AGENT.password, READER.password, CRM_TOKEN]) expect(session.logs.text).not.toContain(secret);
});
