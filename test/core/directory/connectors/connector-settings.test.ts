/** crmConnectors, lookupDeadlineMs and cacheTtlSeconds as settings (IT's policy file included), and the number's forms. */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../../main/core/config/settings';
import { CrmConnectorsSchema, DEFAULT_LDAP_FILTER } from '../../../../main/core/directory/connectors/connector-settings';
import { numberVariants } from '../../../../main/core/directory/connectors/number-variants';
import { PhoneNumberNormalizer } from '../../../../main/core/directory/phone-number';
import { makeTempDir } from '../../store/temp-store';

const LDAP = { kind: 'ldap', name: 'corp-ldap', url: 'ldap://ldap.example.com:389', baseDn: 'ou=people,dc=example,dc=com' };
const REST = { kind: 'rest', name: 'crm', urlTemplate: 'https://crm.example.com/api/customers?phone={e164}' };

describe('connector settings', () => {
  it('fill in defaults: anonymous LDAP with the telephone/mobile filter, REST without auth, 2 s timeouts, 150 ms deadline, 300 s TTL', () => {
    const [ldap, rest] = CrmConnectorsSchema.parse([LDAP, REST]);
    expect(ldap).toMatchObject({ enabled: true, bindDn: null, passwordSecret: null, filter: DEFAULT_LDAP_FILTER, timeoutMs: 2000 });
    expect(ldap?.kind === 'ldap' && ldap.attributes).toEqual({
      name: ['displayName', 'cn'],
      company: 'o',
      tier: null,
      customerId: 'uid',
      email: 'mail',
      title: 'title',
      department: ['departmentNumber', 'ou'],
    });
    expect(rest).toMatchObject({ auth: null, timeoutMs: 2000, mapping: { record: '', name: 'name', openTickets: { path: 'openTickets' } } });
    expect(DEFAULT_SETTINGS).toMatchObject({ crmConnectors: [], lookupDeadlineMs: 150, cacheTtlSeconds: 300 });
  });

  it.each([
    ['an unknown key', [{ ...REST, password: 'x' }], /password/],
    ['an unknown placeholder', [{ ...REST, urlTemplate: 'https://crm/c?p={phone}' }], /unknown placeholder \{phone\}/],
    ['a template without the number', [{ ...REST, urlTemplate: 'https://crm/customers' }], /needs the number/],
    ['a URL that is not http(s)', [{ ...REST, urlTemplate: 'file:///etc/passwd?{e164}' }], /http/],
    ['a bind DN without a password secret', [{ ...LDAP, bindDn: 'cn=reader,dc=example,dc=com' }], /passwordSecret/],
    ['an LDAP URL with a path', [{ ...LDAP, url: 'ldap://h/dc=x' }], /LDAP URL/],
    ['the same name twice', [REST, { ...LDAP, name: 'crm' }], /used twice/],
    ['the name "local"', [{ ...REST, name: 'local' }], /directory itself/],
    ['a bad attribute name', [{ ...LDAP, attributes: { name: 'cn)(uid=*' } }], /attribute/],
    ['a timeout of a minute', [{ ...REST, timeoutMs: 60_000 }], /30000/],
  ])('refuse %s', (_, connectors, reason) => {
    const parsed = CrmConnectorsSchema.safeParse(connectors);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(reason);
  });

  it('come from IT’s policy file, which wins over the agent, and a bad one is refused with its path and reason', () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const policyFile = path.join(dir, 'policy.json');
      fs.writeFileSync(policyFile, JSON.stringify({ crmConnectors: [LDAP, { ...REST, auth: { tokenSecret: 'crm.token' } }], lookupDeadlineMs: 300 }));
      const userFile = path.join(dir, 'settings.json');
      fs.writeFileSync(userFile, JSON.stringify({ lookupDeadlineMs: 50, cacheTtlSeconds: 60 }));
      const store = new SettingsStore({ userFile, policyFile });
      expect(store.current.crmConnectors.map((connector) => connector.name)).toEqual(['corp-ldap', 'crm']);
      expect(store.current).toMatchObject({ lookupDeadlineMs: 300, cacheTtlSeconds: 60 });
      expect(store.layerOf('crmConnectors')).toBe('policy');
      expect(() => store.set('crmConnectors', [])).toThrow(/policy/);

      fs.writeFileSync(policyFile, JSON.stringify({ crmConnectors: [{ ...REST, urlTemplate: 'https://crm/c?p={phone}' }] }));
      expect(() => new SettingsStore({ userFile, policyFile })).toThrow(new RegExp(`${policyFile}.*crmConnectors\\.0\\.urlTemplate.*phone`));
    } finally {
      cleanup();
    }
  });
});

describe('the forms of a number', () => {
  const normalizer = new PhoneNumberNormalizer({ defaultRegion: 'CN' });
  const forms = (raw: string) => numberVariants(raw, normalizer.normalize(raw));

  it('gives E.164, its digits, the national number and the domestic (trunk-prefixed) form', () => {
    expect(forms('13800138000')).toEqual({ raw: '13800138000', e164: '+8613800138000', digits: '8613800138000', national: '13800138000', domestic: '13800138000' });
    expect(forms('010-6552 9988')).toEqual({ raw: '010-6552 9988', e164: '+861065529988', digits: '861065529988', national: '1065529988', domestic: '01065529988' });
  });

  it('keeps only the number as signalled for an extension, from a SIP URI or name-addr', () => {
    expect(forms('"张伟" <sip:8002@pbx.example;user=phone>')).toEqual({ raw: '8002', e164: null, digits: null, national: null, domestic: null });
    expect(forms('tel:%2B8613800138000')).toMatchObject({ raw: '+8613800138000', e164: '+8613800138000' });
    expect(forms('   ').raw).toBeNull();
  });
});
