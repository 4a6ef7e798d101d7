/** What the connector and lookup-chain tests share: the slapd directory's layout and the CRM's reply for 王芳. */
import path from 'node:path';

export const SUFFIX = 'dc=zuoxi,dc=test';
export const READER = { dn: `cn=zuoxi-reader,${SUFFIX}`, password: 'r3ader-Pa55' };
export const CUSTOMERS_LDIF = path.join(__dirname, '..', '..', '..', 'fixtures', 'ldap', 'customers.ldif');

/** What the CRM in these tests answers for 王芳: the customer nested in an envelope, tickets and history under other names. */
export const WANG_REPLY = {
  data: {
    customers: [
      {
        cid: 'CRM-001',
        profile: { fullName: '王芳', org: '北京科技有限公司', email: 'wang.fang@example.cn' },
        level: 'VIP',
        tickets: [
          { no: 'T-1', subject: '停电报修', state: 'open', created: '2026-02-01T09:00:00+08:00' },
          { no: 'T-2', subject: '电费咨询', state: 'closed', created: '2026-01-01T09:00:00+08:00' },
          { no: 'T-3', subject: '发票重开', state: 'Pending', created: '2026-02-03T09:00:00+08:00' },
        ],
        history: [{ time: '2026-02-02T10:00:00Z', type: 'phone', note: '客户来电催促', by: '8001' }],
      },
    ],
  },
};

export const WANG_MAPPING = {
  record: 'data.customers',
  name: 'profile.fullName',
  company: 'profile.org',
  email: 'profile.email',
  tier: 'level',
  customerId: 'cid',
  openTickets: { path: 'tickets', id: 'no', title: 'subject', status: 'state', createdAt: 'created', openStatuses: ['open', 'pending'] },
  lastContacts: { path: 'history', at: 'time', channel: 'type', summary: 'note', agent: 'by' },
};
