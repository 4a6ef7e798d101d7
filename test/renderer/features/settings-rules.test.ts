import { SettingsSchema, SipAccountSchema } from '../../../main/core/config/settings';
import {
  changesOf,
  checkExpires,
  checkExtension,
  checkPort,
  checkRegion,
  checkSipUri,
  draftOf,
  problemsOf,
  sameValue,
} from '../../../renderer/features/settings/rules';
import { settingsView } from '../fake-api';

// The form's checks mirror the core's settings schema (which the renderer cannot bundle).
// Here both judge the same inputs, so a rule changed on one side only fails this test.

const accountWith = (patch: Record<string, unknown>) =>
  SipAccountSchema.safeParse({ registrar: 'sip:pbx', domain: 'pbx', user: '8001', ...patch }).success;

describe('the settings form rules agree with the core schema', () => {
  it.each([
    'sip:pbx.example.com:5060',
    'SIPS:pbx.example.com',
    'sip:desk-8001@192.168.1.20',
    'pbx.example.com',
    'sip:',
    'sip:has space',
    'sip:<x>',
    'tel:+861380013800',
    'http://pbx',
  ])('registrar / desk phone %j', (value) => {
    expect(checkSipUri(value) === null).toBe(accountWith({ registrar: value }));
    expect(checkSipUri(value) === null).toBe(SettingsSchema.shape.deskPhoneUri.safeParse(value).success);
  });

  it.each(['8001', 'agent.8001', 'a_b+c-d', '', 'x'.repeat(64), 'x'.repeat(65), '80 01', '8001@pbx', '分机'])('extension %j', (value) => {
    expect(checkExtension(value) === null).toBe(accountWith({ user: value }));
  });

  it.each(['5', '300', '86400', '4', '86401', '0', '-5', '30.5', 'abc', ''])('registration expiry %j', (value) => {
    expect(checkExpires(value) === null).toBe(accountWith({ registerExpires: value === '' ? undefined : Number(value) }) && value !== '');
  });

  it.each(['0', '5060', '65535', '65536', '-1', '1.5', 'x', ''])('external edge port %j', (value) => {
    const core = SettingsSchema.shape.sipEdge.safeParse({ mode: 'external', host: 'h', port: value === '' ? 'missing' : Number(value) }).success;
    expect(checkPort(value) === null).toBe(core);
  });

  it.each(['CN', 'HK', 'cn', 'CHN', 'C', '', '1A'])('default region %j', (value) => {
    expect(checkRegion(value) === null).toBe(SettingsSchema.shape.defaultRegion.safeParse(value).success);
  });
});

describe('what the form sends', () => {
  const stored = {
    registrar: 'sip:pbx',
    domain: 'pbx',
    user: '8001',
    authUsername: null,
    displayName: '坐席 1',
    transport: 'udp' as const,
    registerExpires: 300,
    passwordSecret: 'agent.sip',
  };

  it('nothing, when nothing changed', () => {
    const view = settingsView({ sipAccount: { value: stored, layer: 'user' }, sipEdge: { value: { mode: 'external', host: 'h', port: 9022, secretName: 'd' } } });
    expect(changesOf(draftOf(view), view)).toEqual([]);
  });

  it('whole values the core schema accepts, keeping what the form does not show', () => {
    const view = settingsView({
      sipAccount: { value: stored, layer: 'user' },
      sipEdge: { value: { mode: 'external', host: 'old', port: 9022, secretName: 'center.drachtio' } },
    });
    const draft = { ...draftOf(view), user: '8002', authUser: ' auth-8002 ', edgeHost: 'new-host', deskPhoneUri: '  ' };
    const changes = changesOf(draft, view);
    expect(changes).toEqual([
      { key: 'sipAccount', value: { ...stored, user: '8002', authUsername: 'auth-8002' } },
      { key: 'sipEdge', value: { mode: 'external', host: 'new-host', port: 9022, secretName: 'center.drachtio' } },
    ]);
    for (const { key, value } of changes) expect(SettingsSchema.shape[key as 'sipAccount' | 'sipEdge'].safeParse(value).success).toBe(true);
  });

  it('no account when every account field is emptied, and none of what IT locked', () => {
    const view = settingsView({ sipAccount: { value: stored, layer: 'user' }, defaultRegion: { value: 'CN', layer: 'policy' } });
    const draft = { ...draftOf(view), registrar: '', domain: '', user: '', authUser: '', defaultRegion: 'HK' };
    expect(changesOf(draft, view)).toEqual([{ key: 'sipAccount', value: null }]);
    expect(problemsOf({ ...draft, defaultRegion: 'bad' }, (key) => key === 'defaultRegion')).toEqual({});
  });

  it('compares values whatever their key order', () => {
    expect(sameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
  });
});
