import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CallSummary, CardSource, ContactCard, ContactInput, CrmInfo } from '../../../main/common/domain';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import { formatFetchedAt } from '../../../renderer/features/directory/components/card-sources';
import { CARD_TICKETS } from '../../../renderer/features/directory/components/crm-section';
import { historyKey, useDirectoryStore } from '../../../renderer/features/directory/store';
import { useLocaleStore } from '../../../renderer/features/locale/store';
import { callSummary, contactCard, freshApi, interaction, type FakeHandlers, type FakeZuoxiApi } from '../fake-api';

// The caller card as the lookup chain fills it: where each fact came from, how current it
// is, the CRM's tickets and contacts, and the card updated in place when a connector
// answers after the pop. Driven through the real push wiring and the whole agent window.

const MARKUP = '<img src=x onerror=alert(1)>';
const TEN_KB = '张'.repeat(10_240);
const RING_AT = '2026-02-03T06:00:00.000Z';
const LDAP_AT = '2026-01-29T06:02:00.000Z';
const CRM_AT = '2026-01-29T07:15:00.000Z';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

function source(name: string, overrides: Partial<CardSource> = {}): CardSource {
  const connector = name === 'local' ? 'local' : name === 'crm' ? 'rest' : 'ldap';
  return { connector, name, status: 'fresh', matched: true, fetchedAt: RING_AT, fields: [], error: null, errorDetail: null, ...overrides };
}

function crmInfo(overrides: Partial<CrmInfo> = {}): CrmInfo {
  return {
    customerId: 'c1001',
    email: 'wang.fang@example.cn',
    title: '采购经理',
    department: '采购部',
    openTickets: [
      { id: 'T-3', title: '发票重开', status: 'Pending', createdAt: '2026-02-03T01:00:00Z', source: 'crm' },
      { id: 'T-1', title: '停电报修', status: 'open', createdAt: '2026-02-01T01:00:00Z', source: 'crm' },
    ],
    lastContacts: [{ at: '2026-02-02T10:00:00Z', channel: 'phone', summary: '客户来电催促', agent: '8001', source: 'crm' }],
    ...overrides,
  };
}

/** 王芳 as the lookup chain sends her: a stored contact, LDAP's tier, the CRM's tickets. */
function wangCard(sources: CardSource[], crm: CrmInfo | null, extra: Partial<ContactCard> = {}): ContactCard {
  return contactCard(
    7,
    { name: '王芳', company: '北京科技有限公司', tier: 'gold' },
    {
      inDirectory: true,
      sources,
      crm,
      recent: [interaction(1, { contactId: 7, kind: 'call_in', summary: '上次来电：停电报修' })],
      interactionCount: 1,
      ...extra,
    },
  );
}

const freshSources = (): CardSource[] => [
  source('local', { fields: ['name', 'company', 'history'] }),
  source('corp-ldap', { fields: ['tier', 'customerId', 'email', 'title', 'department'] }),
  source('crm', { fields: ['openTickets', 'lastContacts'] }),
];

async function renderWindow(handlers: FakeHandlers = {}): Promise<FakeZuoxiApi> {
  const fake = await freshApi({
    'app.ready': () => ({
      version: '0.1.0',
      locale: 'zh-CN',
      host: 'electron',
      status: { connection: 'online', connectionDetail: null, connectionReason: null, agentState: 'ready' },
    }),
    'directory.card': ({ contactId }) => contactCard(contactId),
    'directory.history': () => ({ items: [interaction(1, { contactId: 7, summary: '上次来电：停电报修' })], nextCursor: null }),
    ...handlers,
  });
  render(<AgentWindow />);
  unwire = await act(() => start());
  return fake;
}

const ringing = (card: ContactCard | null, overrides: Partial<CallSummary> = {}) =>
  callSummary('w1@pbx', { card, ringAt: RING_AT, ...overrides });

async function push(fake: FakeZuoxiApi, call: CallSummary): Promise<void> {
  await act(async () => fake.emit('calls.changed', call));
}

const sourceEntry = (name: string) => within(screen.getByTestId('card-sources')).getAllByTestId('card-source').find((el) => el.dataset.source === name)!;

describe('the caller card says where its facts came from', () => {
  it('marks stale and failed sources with a note that says since when, in either language', async () => {
    const fake = await renderWindow();
    const sources = [
      source('local', { fields: ['name', 'company', 'history'] }),
      source('corp-ldap', { status: 'stale', fetchedAt: LDAP_AT, error: 'unreachable', errorDetail: 'connect ECONNREFUSED 127.0.0.1:389', fields: ['tier'] }),
      source('crm', { status: 'stale', fetchedAt: CRM_AT, error: 'http_status', errorDetail: '500 Internal Server Error', fields: ['openTickets', 'lastContacts'] }),
      source('backup-crm', { connector: 'rest', status: 'failed', matched: false, fetchedAt: null, error: 'timeout', errorDetail: 'no answer within 2000 ms' }),
    ];
    await push(fake, ringing(wangCard(sources, crmInfo())));

    const note = screen.getByTestId('card-stale-note');
    expect(note).toHaveAttribute('data-sources', 'corp-ldap crm backup-crm');
    const crmTime = formatFetchedAt(CRM_AT, 'zh-CN');
    expect(crmTime).toMatch(/1月29日/);
    const [ldapLine, crmLine, backupLine] = within(note).getAllByTestId('card-stale-source');
    expect(ldapLine).toHaveTextContent(`LDAP corp-ldap 离线（无法连接），显示的是 ${formatFetchedAt(LDAP_AT, 'zh-CN')} 的数据`);
    expect(crmLine).toHaveTextContent(`CRM 离线（服务器返回错误），显示的是 ${crmTime} 的数据`);
    expect(crmLine).toHaveAttribute('title', '500 Internal Server Error');
    expect(crmLine).toHaveAttribute('data-fetched-at', CRM_AT);
    expect(backupLine).toHaveTextContent('CRM backup-crm 不可用（响应超时），没有可显示的数据');

    // The compact line: each source with its state; the facts it still shows stay on the card.
    expect(sourceEntry('local')).toHaveTextContent('本地通讯录');
    expect(sourceEntry('crm')).toHaveTextContent(`CRM离线，数据更新于 ${crmTime}`);
    expect(sourceEntry('crm')).toHaveAttribute('data-status', 'stale');
    expect(sourceEntry('backup-crm')).toHaveTextContent('不可用');
    expect(screen.getAllByTestId('card-crm-ticket').map((el) => el.dataset.ticketId)).toEqual(['T-3', 'T-1']);
    const tierTag = screen.getAllByTestId('fact-source').find((el) => el.dataset.fact === 'tier')!;
    expect(tierTag).toHaveAttribute('data-status', 'stale');
    expect(tierTag).toHaveTextContent('corp-ldap');

    await act(() => useLocaleStore.getState().choose('en'));
    expect(within(screen.getByTestId('card-stale-note')).getAllByTestId('card-stale-source')[1]).toHaveTextContent(
      `CRM is offline (the server answered with an error); showing its data from ${formatFetchedAt(CRM_AT, 'en')}`,
    );
    expect(screen.getByTestId('card-stale-note')).toHaveTextContent('Some details may be out of date');
    expect(sourceEntry('local')).toHaveTextContent('Local directory');
  });

  it('shows no note while every source is current, and tags each fact a connector supplied', async () => {
    const fake = await renderWindow();
    await push(fake, ringing(wangCard(freshSources(), crmInfo())));
    expect(screen.queryByTestId('card-stale-note')).toBeNull();
    expect(sourceEntry('corp-ldap')).toHaveAttribute('data-status', 'fresh');
    expect(sourceEntry('corp-ldap')).toHaveTextContent('LDAP corp-ldap');
    const tags = Object.fromEntries(screen.getAllByTestId('fact-source').map((el) => [el.dataset.fact, el.dataset.source]));
    // Name and company are the directory's own: no tag.
    expect(tags).toEqual({
      tier: 'corp-ldap',
      customerId: 'corp-ldap',
      email: 'corp-ldap',
      title: 'corp-ldap',
      department: 'corp-ldap',
      openTickets: 'crm',
      lastContacts: 'crm',
    });
    expect(screen.getByTestId('card-crm-customer-id')).toHaveTextContent('c1001');
    expect(screen.getByTestId('card-crm-department')).toHaveTextContent('采购部');
    expect(screen.getAllByTestId('card-crm-contact')[0]).toHaveTextContent('客户来电催促');
    expect(screen.getAllByTestId('card-crm-contact')[0]).toHaveTextContent('经办 8001');
  });

  it('says "checking…" for a connector that has not answered, then updates the same card in place when the call is pushed again', async () => {
    const fake = await renderWindow();
    const pending = [source('local', { fields: ['name', 'company', 'history'] }), source('corp-ldap', { fields: ['tier'] }), source('crm', { status: 'pending', matched: false, fetchedAt: null })];
    await push(fake, ringing(wangCard(pending, crmInfo({ openTickets: [], lastContacts: [] }))));
    await waitFor(() => expect(useDirectoryStore.getState().history.loaded).toBe(true));
    expect(sourceEntry('crm')).toHaveTextContent('查询中…');
    expect(sourceEntry('crm')).toHaveAttribute('data-status', 'pending');
    expect(screen.getByTestId('card-crm-tickets-empty')).toBeInTheDocument();

    // The agent is already typing a note when the CRM answers.
    const user = userEvent.setup();
    const cardElement = screen.getByTestId('caller-card');
    const noteInput = screen.getByTestId('note-input');
    await user.type(noteInput, '客户说');
    const seen: Array<{ contactId: number | null; hasCard: boolean; loading: boolean }> = [];
    const unsubscribe = useDirectoryStore.subscribe((state) => seen.push({ contactId: state.card.contactId, hasCard: state.card.card !== null, loading: state.card.loading }));

    await push(fake, ringing(wangCard(freshSources(), crmInfo())));
    unsubscribe();

    expect(sourceEntry('crm')).toHaveAttribute('data-status', 'fresh');
    expect(screen.getAllByTestId('card-crm-ticket').map((el) => el.dataset.ticketId)).toEqual(['T-3', 'T-1']);
    // In place: the same element, never empty or loading in between, the note being typed and its focus kept.
    expect(screen.getByTestId('caller-card')).toBe(cardElement);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((entry) => entry.contactId === 7 && entry.hasCard && !entry.loading)).toBe(true);
    expect(screen.getByTestId('note-input')).toBe(noteInput);
    expect(noteInput).toHaveValue('客户说');
    expect(noteInput).toHaveFocus();
    // Nothing was read again: the push carried the card.
    expect(fake.argsOf('directory.card')).toEqual([]);
    expect(fake.argsOf('directory.history')).toHaveLength(1);
    expect(useDirectoryStore.getState().history.items.map(historyKey)).toEqual(['1']);

    // The same card pushed again (a state change) renders nothing new.
    const before = seen.length;
    await push(fake, ringing(wangCard(freshSources(), crmInfo()), { state: 'active', answerAt: RING_AT }));
    expect(seen.length).toBe(before);
  });

  it('keeps the lookup’s facts on the card when a note makes the card be read again, and a later update keeps the note', async () => {
    const fake = await renderWindow({
      'directory.addInteraction': (input) => interaction(50, { contactId: input.contactId, kind: 'note', summary: input.summary ?? '' }),
      // directory.card reads the local directory only: no sources, no CRM, the tier not its own.
      'directory.card': () =>
        contactCard(7, { name: '王芳', company: '北京科技有限公司', tier: '' }, { recent: [interaction(50, { contactId: 7, kind: 'note', summary: '已记录' })], interactionCount: 2 }),
    });
    const pending = [source('local', { fields: ['name', 'company', 'history'] }), source('corp-ldap', { fields: ['tier'] }), source('crm', { status: 'pending', matched: false, fetchedAt: null })];
    await push(fake, ringing(wangCard(pending, null)));
    const user = userEvent.setup();
    await user.type(screen.getByTestId('note-input'), '已记录');
    await user.click(screen.getByTestId('note-submit'));
    await waitFor(() => expect(screen.getByTestId('caller-card-recent')).toHaveTextContent('已记录'));
    expect(screen.getByTestId('caller-card-tier')).toHaveTextContent('gold');
    expect(sourceEntry('crm')).toHaveAttribute('data-status', 'pending');

    await push(fake, ringing(wangCard(freshSources(), crmInfo())));
    expect(screen.getAllByTestId('card-crm-ticket')).toHaveLength(2);
    expect(screen.getByTestId('caller-card-recent')).toHaveTextContent('已记录');
    expect(screen.getByTestId('caller-card')).toHaveTextContent('共 2 条记录');
  });

  it('leaves the card the agent opened since alone when an earlier call’s card is updated', async () => {
    const fake = await renderWindow();
    await push(fake, ringing(wangCard(freshSources(), null)));
    await act(() => useDirectoryStore.getState().openContact(9));
    await push(fake, ringing(wangCard(freshSources(), crmInfo())));
    expect(screen.getByTestId('caller-card')).toHaveAttribute('data-contact-id', '9');
    expect(screen.queryByTestId('card-crm')).toBeNull();
  });
});

describe('CRM data on the card is text', () => {
  it('renders markup and a 10 KB value as literal text, one line cut with an ellipsis, whole in the tooltip', async () => {
    const fake = await renderWindow();
    const crm = crmInfo({
      customerId: MARKUP,
      email: `<script>alert(2)</script>`,
      title: TEN_KB,
      openTickets: [
        { id: MARKUP, title: MARKUP, status: '<b>open</b>', createdAt: '<i>yesterday</i>', source: 'crm' },
        { id: 'T-10k', title: TEN_KB, status: 'open', createdAt: null, source: 'crm' },
        ...Array.from({ length: 6 }, (_, i) => ({ id: `T-${i}`, title: `工单 ${i}`, status: 'open', createdAt: null, source: 'crm' })),
      ],
      lastContacts: [{ at: MARKUP, channel: '<a href="javascript:alert(3)">x</a>', summary: TEN_KB, agent: MARKUP, source: 'crm' }],
    });
    await push(fake, ringing(wangCard(freshSources(), crm, { contact: { ...contactCard(7).contact, name: MARKUP, company: TEN_KB } })));

    const card = screen.getByTestId('caller-card');
    expect(card.querySelector('img, script, b, i, a')).toBeNull();
    expect(screen.getByTestId('caller-card-name').textContent).toBe(MARKUP);
    expect(screen.getByTestId('card-crm-customer-id').textContent).toBe(MARKUP);
    expect(screen.getByTestId('card-crm-email').textContent).toBe('<script>alert(2)</script>');
    const [first, second] = screen.getAllByTestId('card-crm-ticket');
    expect(within(first!).getByTestId('card-crm-ticket-title').textContent).toBe(MARKUP);
    expect(within(first!).getByTestId('card-crm-ticket-id').textContent).toBe(MARKUP);
    expect(within(first!).getByTestId('card-crm-ticket-status').textContent).toBe('<b>open</b>');
    // Not a date: the CRM's own text, as text.
    expect(within(first!).getByTestId('card-crm-ticket-created').textContent).toBe('<i>yesterday</i>');

    for (const element of [
      within(second!).getByTestId('card-crm-ticket-title'),
      screen.getByTestId('card-crm-title'),
      screen.getByTestId('card-crm-contact-summary'),
      screen.getByTestId('caller-card-company'),
    ]) {
      expect(element.textContent).toBe(TEN_KB);
      expect(element).toHaveClass('ellipsis');
      expect(element).toHaveAttribute('title', TEN_KB);
    }
    // The last few on the card; the count of the rest.
    expect(screen.getAllByTestId('card-crm-ticket')).toHaveLength(CARD_TICKETS);
    expect(screen.getByTestId('card-crm-tickets-more')).toHaveTextContent(`另有 ${8 - CARD_TICKETS} 条未显示`);
    expect(screen.getByTestId('card-crm-contact-channel').textContent).toBe('<a href="javascript:alert(3)">x</a>');
    expect(screen.getByTestId('card-crm-contact-agent').textContent).toBe(`经办 ${MARKUP}`);
  });
});

describe('a caller only a connector knows (inDirectory false, contact id 0)', () => {
  const crmOnly = (crm: CrmInfo | null = crmInfo({ customerId: 'c1004' })) =>
    contactCard(
      0,
      { name: '赵敏', company: '杭州明教贸易', tier: 'vip', tags: [], numbers: [{ label: 'other', raw: '13700137000', e164: '+8613700137000' }] },
      {
        inDirectory: false,
        crm,
        sources: [
          source('local', { matched: false }),
          source('corp-ldap', { fields: ['name', 'company', 'tier', 'customerId'] }),
          source('crm', { status: 'pending', matched: false, fetchedAt: null }),
        ],
      },
    );

  it('never asks the directory for contact 0, not on the pop, an update or the end of the call', async () => {
    const fake = await renderWindow();
    await push(fake, ringing(crmOnly(), { id: 'z1@pbx' }));
    expect(screen.getByTestId('caller-card')).toHaveAttribute('data-in-directory', 'false');
    expect(screen.getByTestId('card-not-in-directory')).toHaveTextContent('不在本地通讯录');
    expect(screen.getByTestId('caller-card-name')).toHaveTextContent('赵敏');
    // No local history or notes for a contact that does not exist; the CRM's lists are there.
    expect(screen.queryByTestId('note-input')).toBeNull();
    expect(screen.queryByTestId('caller-card-recent')).toBeNull();
    expect(screen.queryByTestId('history-timeline')).toBeNull();
    expect(screen.getByTestId('card-crm')).toBeInTheDocument();

    const answered = crmOnly(crmInfo({ customerId: 'c1004', openTickets: [{ id: 'Z-1', title: '退货', status: 'open', createdAt: null, source: 'crm' }] }));
    answered.sources![2] = source('crm', { fields: ['openTickets'] });
    await push(fake, ringing(answered, { id: 'z1@pbx' }));
    expect(screen.getAllByTestId('card-crm-ticket').map((el) => el.dataset.ticketId)).toEqual(['Z-1']);
    expect(sourceEntry('crm')).toHaveAttribute('data-status', 'fresh');

    await push(fake, ringing(answered, { id: 'z1@pbx', state: 'ended', endAt: RING_AT, outcome: 'missed', endCause: 'caller_cancelled' }));
    await act(async () => undefined);
    expect(fake.argsOf('directory.card')).toEqual([]);
    expect(fake.argsOf('directory.history')).toEqual([]);
    expect(fake.argsOf('directory.addInteraction')).toEqual([]);
  });

  it('offers "save as contact", filled in from the connectors, and keeps the CRM facts on the saved card', async () => {
    const fake = await renderWindow({
      'directory.saveContact': ({ contact }) => {
        const input = contact as ContactInput;
        return contactCard(42, {
          name: input.name,
          company: input.company ?? '',
          tier: input.tier ?? '',
          notes: input.notes ?? '',
          numbers: [{ label: 'other', raw: '13700137000', e164: '+8613700137000' }],
        });
      },
      'directory.history': ({ contactId }) => ({ items: contactId === 42 ? [] : [interaction(1)], nextCursor: null }),
    });
    await push(fake, ringing(crmOnly(crmInfo({ customerId: 'c1004', openTickets: [{ id: 'Z-1', title: '退货', status: 'open', createdAt: null, source: 'crm' }] })), { id: 'z2@pbx' }));
    const user = userEvent.setup();
    await user.click(within(screen.getByTestId('card-save-crm-caller')).getByTestId('new-contact-open'));
    expect(screen.getByTestId('new-contact-name')).toHaveValue('赵敏');
    expect(screen.getByTestId('new-contact-company')).toHaveValue('杭州明教贸易');
    expect(screen.getByTestId('new-contact-tier')).toHaveValue('vip');
    expect(screen.getByTestId('new-contact-number')).toHaveValue('13700137000');
    expect(screen.getByTestId('new-contact-notes')).toHaveValue('CRM 客户编号：c1004');
    await user.click(screen.getByTestId('new-contact-save'));

    expect(fake.argsOf('directory.saveContact')).toEqual([
      {
        contactId: null,
        contact: { name: '赵敏', company: '杭州明教贸易', numbers: [{ raw: '13700137000' }], tier: 'vip', tags: [], notes: 'CRM 客户编号：c1004' },
        callId: 'z2@pbx',
      },
    ]);
    await waitFor(() => expect(screen.getByTestId('caller-card')).toHaveAttribute('data-contact-id', '42'));
    expect(screen.getByTestId('caller-card')).toHaveAttribute('data-in-directory', 'true');
    expect(screen.queryByTestId('card-not-in-directory')).toBeNull();
    expect(screen.getAllByTestId('card-crm-ticket').map((el) => el.dataset.ticketId)).toEqual(['Z-1']);
    expect(sourceEntry('local')).toHaveAttribute('data-matched', 'true');
    expect(screen.getByTestId('note-input')).toBeInTheDocument();
    await waitFor(() => expect(fake.argsOf('directory.history')).toEqual([{ contactId: 42, before: null, limit: 100 }]));
    expect(fake.argsOf('directory.card')).toEqual([]);
  });
});
