/** The LDAP connector against a real slapd seeded with customers (test/fixtures/ldap). */
import net from 'node:net';
import { Client } from 'ldapts';
import { LdapConnectorSchema, type LdapConnectorSettings } from '../../../../main/core/directory/connectors/connector-settings';
import { ConnectorError } from '../../../../main/core/directory/connectors/connector';
import { escapeFilterValue, LdapConnector } from '../../../../main/core/directory/connectors/ldap-connector';
import { numberVariants, type NumberVariants } from '../../../../main/core/directory/connectors/number-variants';
import { PhoneNumberNormalizer } from '../../../../main/core/directory/phone-number';
import { MemorySecretProvider } from '../../../../main/core/secrets';
import { freePort } from '../../../peers/process';
import { Slapd } from '../../../peers/slapd';
import { CUSTOMERS_LDIF, READER, SUFFIX } from './fixtures';


const normalizer = new PhoneNumberNormalizer({ defaultRegion: 'CN' });
const variantsOf = (raw: string): NumberVariants => numberVariants(raw, normalizer.normalize(raw));
const secrets = new MemorySecretProvider({ 'ldap.reader': READER.password, 'ldap.wrong': 'not-the-password' });

describe('LdapConnector against slapd', () => {
  let slapd: Slapd;
  const settings = (overrides: Partial<Parameters<typeof LdapConnectorSchema.parse>[0]> = {}): LdapConnectorSettings =>
    LdapConnectorSchema.parse({
      kind: 'ldap',
      name: 'corp-ldap',
      url: slapd.url,
      bindDn: READER.dn,
      passwordSecret: 'ldap.reader',
      baseDn: `ou=customers,${SUFFIX}`,
      attributes: { tier: 'businessCategory' },
      timeoutMs: 2000,
      ...overrides,
    });
  const find = (raw: string, overrides: Parameters<typeof settings>[0] = {}) =>
    new LdapConnector(settings(overrides), secrets).find(variantsOf(raw), new AbortController().signal);

  beforeAll(async () => {
    slapd = await Slapd.start({ suffix: SUFFIX, reader: READER, ldif: [CUSTOMERS_LDIF] });
  });
  afterAll(async () => {
    await slapd?.dispose();
  });

  it('finds a customer by a mobile stored with spaces, with a Chinese name and every mapped attribute', async () => {
    for (const raw of ['+8613800138000', '13800138000', 'sip:+8613800138000@carrier']) {
      expect(await find(raw)).toEqual({
        name: '王芳',
        company: '北京科技有限公司',
        tier: 'gold',
        customerId: 'c1001',
        email: 'wang.fang@example.cn',
        title: '采购经理',
        department: '采购部',
        openTickets: [],
        lastContacts: [],
      });
    }
  });

  it('matches the national and the domestic (trunk-prefixed) forms the directory stored', async () => {
    // Stored as "010-6552 9988": the {domestic} form, dashes and spaces ignored by telephoneNumberMatch.
    expect(await find('+861065529988')).toMatchObject({ name: '欧阳娜娜', company: '上海浦东发展银行', tier: 'vip', customerId: 'c1002' });
    // Stored as "13900139000": the {national} form, without +86.
    expect(await find('+86 139 0013 9000')).toMatchObject({ name: 'Li Lei', customerId: 'c1003' });
  });

  it('answers null for a number nobody in the directory has', async () => {
    expect(await find('+8613300133000')).toBeNull();
  });

  it('finds a colleague by the internal extension when the filter asks for the raw number', async () => {
    const connector = new LdapConnector(settings({ filter: '(telephoneNumber={raw})' }), secrets);
    expect(connector.accepts(variantsOf('8002'))).toBe(true);
    expect(await connector.find(variantsOf('8002'), new AbortController().signal)).toMatchObject({ name: '张伟', customerId: 'e8002' });
    // The default filter needs the E.164 forms, which an extension does not have.
    expect(new LdapConnector(settings(), secrets).accepts(variantsOf('8002'))).toBe(false);
  });

  it('escapes the number per RFC 4515, so `*)(uid=*` matches literally and does not widen the search', async () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\u0000')).toBe('a\\5cb\\00');
    expect(escapeFilterValue('+8613800138000')).toBe('+8613800138000');
    const filter = '(&(objectClass=inetOrgPerson)(telephoneNumber={raw}))';
    const hostile = '*)(uid=*';
    // Proof the probe is dangerous: pasted unescaped, it matches every customer with a phone.
    const client = new Client({ url: slapd.url });
    await client.bind(READER.dn, READER.password);
    const widened = await client.search(`ou=customers,${SUFFIX}`, { scope: 'sub', filter: filter.replace('{raw}', hostile) });
    await client.unbind();
    expect(widened.searchEntries.length).toBeGreaterThan(3);
    const sentBefore = slapd.searchFilters().length;

    const connector = new LdapConnector(settings({ filter }), secrets);
    expect(connector.filterFor(variantsOf(hostile))).toBe('(&(objectClass=inetOrgPerson)(telephoneNumber=\\2a\\29\\28uid=\\2a))');
    expect(await connector.find(variantsOf(hostile), new AbortController().signal)).toBeNull();
    expect(await connector.find(variantsOf('*'), new AbortController().signal)).toBeNull();
    // And slapd really received the escaped assertion, not a wildcard.
    const sent = slapd.searchFilters().slice(sentBefore);
    expect(sent).toHaveLength(2);
    // slapd writes '(?' for an assertion that is no valid telephone number: it can match nothing.
    expect(sent[0]).toMatch(/\(\??telephoneNumber=\\2a\\29\\28uid=\\2a\)\)$/i);
    expect(sent.join(' ')).not.toContain('=*');
  });

  it('keeps markup as text and cuts a 10,000-character attribute to the card’s limit with an ellipsis', async () => {
    const record = await find('+8613700137000', { attributes: { name: 'cn', company: 'o', title: 'description' } });
    expect(record?.name).toBe('<img src=x onerror=alert(1)>');
    expect(record?.company).toBe('<script>alert(2)</script>');
    expect([...(record?.title ?? '')]).toHaveLength(200);
    expect(record?.title.endsWith('…')).toBe(true);
  });

  it('reports a wrong or missing bind password as auth_failed, without the password in the detail', async () => {
    const wrong = find('+8613800138000', { passwordSecret: 'ldap.wrong' });
    await expect(wrong).rejects.toBeInstanceOf(ConnectorError);
    await expect(wrong).rejects.toMatchObject({ code: 'auth_failed' });
    await expect(wrong).rejects.not.toMatchObject({ detail: expect.stringContaining('not-the-password') });
    await expect(find('+8613800138000', { passwordSecret: 'ldap.absent' })).rejects.toMatchObject({
      code: 'auth_failed',
      detail: expect.stringContaining('ldap.absent'),
    });
    // Anonymous users may not read this directory: slapd hides the base DN from them.
    await expect(find('+8613800138000', { bindDn: null, passwordSecret: null })).rejects.toMatchObject({ code: 'error', detail: expect.stringContaining('base DN') });
  });

  it('reports a stopped slapd as unreachable and finds again once it is back', async () => {
    await slapd.stop();
    try {
      await expect(find('+8613800138000')).rejects.toMatchObject({ code: 'unreachable' });
    } finally {
      await slapd.start();
    }
    expect(await find('+8613800138000')).toMatchObject({ name: '王芳' });
  });

  it('gives up on a server that accepts the connection but never answers, as a timeout', async () => {
    const port = await freePort();
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      await expect(find('+8613800138000', { url: `ldap://127.0.0.1:${port}`, timeoutMs: 300 })).rejects.toMatchObject({ code: 'timeout' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
