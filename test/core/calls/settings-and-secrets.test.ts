import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, SettingsStore, SipAccountSchema } from '../../../main/core/config/settings';
import { MemorySecretProvider } from '../../../main/core/secrets';

describe('SIP settings', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-sip-settings-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('default to no account, no desk phone, and the embedded edge on any port', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ sipAccount: null, deskPhoneUri: null, sipEdge: { mode: 'embedded', host: '0.0.0.0', udpPort: 0, tcpPort: 0 } });
  });

  it('fill in account defaults and keep no password field', () => {
    const account = SipAccountSchema.parse({ registrar: 'sip:pbx.example.com:5060', domain: 'pbx.example.com', user: '8001' });
    expect(account).toEqual({
      registrar: 'sip:pbx.example.com:5060',
      domain: 'pbx.example.com',
      user: '8001',
      authUsername: null,
      displayName: '',
      transport: 'udp',
      registerExpires: 300,
      passwordSecret: 'sip.password',
    });
    expect(() => SipAccountSchema.parse({ ...account, password: 'secret' })).toThrow(/password/);
  });

  it('refuse a settings file with a bad registrar, a password in it, or an external edge without a host', () => {
    const write = (content: unknown) => {
      fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(content));
      return () => new SettingsStore({ userFile: path.join(dir, 'settings.json'), policyFile: null });
    };
    expect(write({ sipAccount: { registrar: 'pbx.example.com', domain: 'd', user: '8001' } })).toThrow(/sipAccount\.registrar/);
    expect(write({ sipAccount: { registrar: 'sip:pbx', domain: 'd', user: '8001', password: 'x' } })).toThrow(/refused/);
    expect(write({ sipEdge: { mode: 'external', port: 9022 } })).toThrow(/sipEdge/);
    expect(write({ sipEdge: { mode: 'external', host: 'drachtio.center.local' } })().current.sipEdge).toEqual({
      mode: 'external',
      host: 'drachtio.center.local',
      port: 9022,
      secretName: 'drachtio.secret',
    });
  });

  it('let IT fix the account by policy while the agent sets their own desk phone', () => {
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ sipAccount: { registrar: 'sip:pbx', domain: 'pbx', user: '8001' } }));
    const store = new SettingsStore({ userFile: path.join(dir, 'user.json'), policyFile: path.join(dir, 'policy.json') });
    expect(store.set('deskPhoneUri', 'sip:desk@192.0.2.20').deskPhoneUri).toBe('sip:desk@192.0.2.20');
    expect(() => store.set('sipAccount', null)).toThrow(/policy/);
  });
});

describe('MemorySecretProvider', () => {
  it('keeps secrets by name, in memory only', async () => {
    const secrets = new MemorySecretProvider({ 'sip.password': 'a' });
    expect(await secrets.get('sip.password')).toBe('a');
    expect(await secrets.get('drachtio.secret')).toBeNull();
    await secrets.set('sip.password', 'b');
    expect(await secrets.get('sip.password')).toBe('b');
  });
});
