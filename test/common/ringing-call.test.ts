import type { CallSummary, ContactCard, CrmInfo, Interaction } from '../../main/common/domain';
import { isRingingForAgent, plainLine, ringingCallFacts } from '../../main/common/ringing-call';

const item = (id: number, summary: string, outcome = ''): Interaction => ({
  id,
  contactId: 1,
  kind: 'ticket',
  occurredAt: '2026-01-01T00:00:00.000Z',
  outcome,
  summary,
  status: 'open',
});

function card(extra: Partial<ContactCard> = {}): ContactCard {
  return {
    contact: {
      id: 1,
      name: '王芳',
      company: '',
      numbers: [],
      tags: [],
      tier: 'gold',
      notes: '',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
    recent: [],
    openItems: [],
    interactionCount: 0,
    ...extra,
  };
}

const crm = (patch: Partial<CrmInfo>): CrmInfo => ({ customerId: null, email: '', title: '', department: '', openTickets: [], lastContacts: [], ...patch });

function call(patch: Partial<CallSummary> = {}): CallSummary {
  return {
    id: 'a@b',
    direction: 'inbound',
    state: 'ringing',
    remote: { number: '13800138000', e164: '+8613800138000', displayName: 'From the phone', withheld: false },
    dialled: null,
    card: card(),
    ringAt: '',
    answerAt: null,
    endAt: null,
    outcome: null,
    endCause: null,
    endDetail: null,
    consultFor: null,
    ...patch,
  };
}

describe('ringingCallFacts', () => {
  it('prefers the contact to what the phone says, and the E.164 number', () => {
    expect(ringingCallFacts(call())).toEqual({ name: '王芳', number: '+8613800138000', withheld: false, tier: 'gold', lastIssue: null });
    expect(ringingCallFacts(call({ card: null }))).toMatchObject({ name: 'From the phone', tier: null });
  });

  it('finds the last issue: open items, then CRM tickets, then earlier contacts, then CRM contacts', () => {
    const ticket = { id: 't', title: 'CRM 工单：停电', status: 'open', createdAt: null, source: 'crm' };
    const contact = { at: null, channel: 'phone', summary: 'CRM 记录：咨询电价', agent: '', source: 'crm' };
    const withAll = card({ openItems: [item(1, '  ', ''), item(2, '', '待回访')], recent: [item(3, '上次来电')], crm: crm({ openTickets: [ticket], lastContacts: [contact] }) });
    expect(ringingCallFacts(call({ card: withAll })).lastIssue).toBe('待回访');
    expect(ringingCallFacts(call({ card: { ...withAll, openItems: [] } })).lastIssue).toBe('CRM 工单：停电');
    expect(ringingCallFacts(call({ card: { ...withAll, openItems: [], crm: crm({ lastContacts: [contact] }) } })).lastIssue).toBe('上次来电');
    expect(ringingCallFacts(call({ card: card({ crm: crm({ lastContacts: [contact] }) }) })).lastIssue).toBe('CRM 记录：咨询电价');
  });

  it('gives no number for a withheld caller', () => {
    expect(ringingCallFacts(call({ card: null, remote: { number: 'anonymous', e164: null, displayName: '', withheld: true } }))).toEqual({
      name: null,
      number: null,
      withheld: true,
      tier: null,
      lastIssue: null,
    });
  });
});

describe('plainLine', () => {
  it('drops controls and bidi overrides, collapses whitespace and cuts by code point', () => {
    expect(plainLine('a\r\nb\t\u202ec\u2066d')).toBe('a b c d');
    expect(plainLine(' \n ')).toBeNull();
    const emoji = '😀'.repeat(100);
    const cut = plainLine(emoji, 10)!;
    expect(Array.from(cut)).toHaveLength(10);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.includes('\ud83d…')).toBe(false);
  });
});

describe('isRingingForAgent', () => {
  it('is true only for an inbound call that rings for the agent', () => {
    expect(isRingingForAgent(call())).toBe(true);
    expect(isRingingForAgent(call({ state: 'active' }))).toBe(false);
    expect(isRingingForAgent(call({ direction: 'outbound' }))).toBe(false);
    expect(isRingingForAgent(call({ consultFor: 'x@y' }))).toBe(false);
  });
});
