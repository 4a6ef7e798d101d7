/**
 * The lookup chain in a real screen pop: a customer's phone (baresip) calls the agent
 * through kamailio; Zuoxi pops the cached card while it rings and pushes calls.changed
 * again when the slow CRM answers. With slapd stopped and the CRM answering 500, the same
 * call still pops from the cache, marked stale.
 */
import type { CallSummary } from '../../../main/common/domain';
import { LdapConnectorSchema, RestConnectorSchema } from '../../../main/core/directory/connectors/connector-settings';
import type { Baresip } from '../../peers';
import { until } from '../../peers/process';
import { Slapd } from '../../peers/slapd';
import { AGENT, DOMAIN, Lab } from '../calls/lab';
import { CrmServer } from './connectors/crm-server';
import { CUSTOMERS_LDIF, READER, SUFFIX, WANG_MAPPING, WANG_REPLY } from './connectors/fixtures';

jest.setTimeout(90_000);

const CUSTOMER = { user: '13800138000', password: 'customer-pw' };

let lab: Lab;
let slapd: Slapd;
let crm: CrmServer;
let customer: Baresip;

beforeAll(async () => {
  slapd = await Slapd.start({ suffix: SUFFIX, reader: READER, ldif: [CUSTOMERS_LDIF] });
  crm = await CrmServer.start();
  lab = await Lab.startWith({ users: { [CUSTOMER.user]: CUSTOMER.password } }, async (lab) => {
    customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: false, toneHz: 440 });
    const ldap = LdapConnectorSchema.parse({
      kind: 'ldap',
      name: 'corp-ldap',
      url: slapd.url,
      bindDn: READER.dn,
      passwordSecret: 'ldap.reader',
      baseDn: `ou=customers,${SUFFIX}`,
      attributes: { tier: 'businessCategory' },
  });
  const rest = RestConnectorSchema.parse({
    kind: 'rest',
    name: 'crm',
    urlTemplate: `${crm.base}/api/customers?phone={e164}`,
    auth: { tokenSecret: 'crm.token' },
    mapping: WANG_MAPPING,
    timeoutMs: 5000,
  });
  await lab.open({
    settings: { crmConnectors: [ldap, rest], lookupDeadlineMs: 150, cacheTtlSeconds: 0 },
    secrets: { 'ldap.reader': READER.password, 'crm.token': 'tok' },
  });
  await lab.waitForRegistered();
  });
});

afterAll(async () => {
  await lab?.stop();
  await crm?.close();
  await slapd?.dispose();
});

/** The customer dials the agent; resolves with the first ringing push of that call. */
async function customerCalls(): Promise<CallSummary> {
  const before = lab.callPushes().length;
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  return lab.waitForCall((call) => lab.callPushes().indexOf(call) >= before && call.state === 'ringing', 'the call to ring in Zuoxi');
}

async function hangUp(call: CallSummary): Promise<void> {
  await lab.invoke('calls.hangup', { callId: call.id });
  await lab.waitForCall((pushed) => pushed.id === call.id && pushed.state === 'ended', 'the call to end');
  await customer.waitForEvent('CALL_CLOSED');
  lab.forgetPhoneEvents();
}

const crmSource = (call: CallSummary) => call.card?.sources?.find((source) => source.name === 'crm');

describe('the screen pop through the lookup chain', () => {
  it('pops while ringing with what is known by the deadline, then pushes the card again when the slow CRM answers', async () => {
    crm.reply = () => ({ delayMs: 1000, json: WANG_REPLY });
    const ringing = await customerCalls();
    // LDAP answered within the deadline; the CRM had not.
    expect(ringing.card).toMatchObject({ inDirectory: false, contact: { name: '王芳', tier: 'gold' }, crm: { customerId: 'c1001', openTickets: [] } });
    expect(crmSource(ringing)).toMatchObject({ status: 'pending', fetchedAt: null });
    const enriched = await lab.waitForCall((call) => call.id === ringing.id && crmSource(call)?.status === 'fresh', 'the enriched card', 5000);
    expect(enriched.state).toBe('ringing');
    expect(enriched.card?.crm?.openTickets.map((ticket) => ticket.id)).toEqual(['T-3', 'T-1']);
    expect(new Date(enriched.card!.sources!.find((s) => s.name === 'crm')!.fetchedAt!).getTime() - new Date(ringing.ringAt).getTime()).toBeGreaterThanOrEqual(900);
    await hangUp(ringing);
  });

  it('still pops from the cache with slapd stopped and the CRM answering 500, marked stale since the last fetch, and logs each outage once', async () => {
    crm.reply = () => ({ status: 500, raw: 'oops', contentType: 'text/plain' });
    await slapd.stop();
    try {
      for (let call = 0; call < 2; call += 1) {
        const ringing = await customerCalls();
        expect(ringing.card).toMatchObject({ contact: { name: '王芳', tier: 'gold' }, crm: { customerId: 'c1001', openTickets: [{ id: 'T-3' }, { id: 'T-1' }] } });
        expect(ringing.card?.sources?.map((s) => [s.name, s.status, s.error])).toEqual([
          ['local', 'fresh', null],
          ['corp-ldap', 'stale', 'unreachable'],
          ['crm', 'stale', 'http_status'],
        ]);
        expect(ringing.card?.sources?.every((s) => s.name === 'local' || s.fetchedAt !== null)).toBe(true);
        await hangUp(ringing);
      }
    } finally {
      await slapd.start();
    }
    await until(() => lab.logText.includes('directory.connector_down') || undefined, 'the outage in the log');
    const downs = lab.logText.split('\n').filter((line) => line.includes('"directory.connector_down"'));
    expect(downs).toHaveLength(2);
    // The call log keeps a caller only the CRM knows without pointing at a contact.
    const page = await lab.invoke('calls.log', { limit: 5 });
    expect(page.items[0]).toMatchObject({ remoteE164: '+8613800138000', contactId: null });
  });
});
