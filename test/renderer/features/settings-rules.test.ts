import { SettingsSchema, SipAccountSchema } from '../../../main/core/config/settings';
import { KpiFactsEndpointSchema, KpiSettingsSchema } from '../../../main/core/kpi/kpi-settings';
import {
  changesOf,
  checkExpires,
  checkExtension,
  checkHttpUrl,
  checkPort,
  checkRegion,
  checkSipUri,
  checkText,
  checkTimeout,
  draftOf,
  problemsOf,
  sameValue,
  utcOffsetLabel,
  zoneOffsets,
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

  const endpointWith = (patch: Record<string, unknown>) => KpiFactsEndpointSchema.safeParse({ url: 'https://bi', ...patch }).success;

  const BI = 'https://bi.example.com/';
  // The longest URL the core takes is 2048 characters.
  const GOOD_URLS = [`${BI}kpi?agent={agent}&month={month}`, 'http://10.0.0.5:8080/facts/{agent}/{month}', 'HTTPS://BI.EXAMPLE.COM/kpi', BI + 'x'.repeat(2025)];
  const BAD_URLS = [BI + 'x'.repeat(2026), 'ftp://bi.example.com/kpi', 'bi.example.com/kpi', 'http:bi.example.com', 'https://', 'javascript:alert(1)', ''];

  it.each([...GOOD_URLS, ...BAD_URLS])('facts endpoint URL %j', (value) => {
    expect(endpointWith({ url: value })).toBe(GOOD_URLS.includes(value));
    expect(checkHttpUrl(value) === null).toBe(endpointWith({ url: value }));
  });

  it.each(['100', '10000', '120000', '99', '120001', '0', '-100', '1500.5', 'x', ''])('facts endpoint timeout %j', (value) => {
    expect(checkTimeout(value) === null).toBe(endpointWith({ timeoutMs: value === '' ? 'missing' : Number(value) }));
  });

  it.each(['bi.token', 'x'.repeat(100), 'x'.repeat(101), ''])('token name %j (empty: none)', (value) => {
    expect(checkText(value, 100, false) === null).toBe(endpointWith({ tokenSecret: value || null }));
  });

  it('offers only zones the core takes, UTC−12:00 to UTC+14:00 by the half hour, and keeps a stored one between', () => {
    const zone = KpiSettingsSchema.shape.centerUtcOffsetMinutes;
    expect(zoneOffsets(null)).toHaveLength(53);
    expect(zoneOffsets(null).every((minutes) => zone.safeParse(minutes).success)).toBe(true);
    expect([zone.safeParse(-750).success, zone.safeParse(870).success]).toEqual([false, false]);
    expect(zoneOffsets(345)).toContain(345);
    expect(zoneOffsets(345)).toHaveLength(54);
    expect(zoneOffsets(345).indexOf(345)).toBe(zoneOffsets(345).indexOf(330) + 1);
    expect([-720, -210, 0, 345, 480, 840].map(utcOffsetLabel)).toEqual(['UTC\u221212:00', 'UTC\u221203:30', 'UTC+00:00', 'UTC+05:45', 'UTC+08:00', 'UTC+14:00']);
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

  const endpoint = { url: 'https://bi.example.com/kpi?agent={agent}', tokenSecret: 'bi.token', timeoutMs: 5000 };

  it('the whole kpi object the core schema takes, and nothing when the view has none and the section is untouched', () => {
    const none = settingsView();
    expect(changesOf(draftOf(none), none)).toEqual([]);
    const draft = { ...draftOf(none), kpiZone: '-210', kpiUrl: ` ${endpoint.url} `, kpiToken: '  ', kpiTimeout: '250' };
    const changes = changesOf(draft, none);
    expect(changes).toEqual([{ key: 'kpi', value: { centerUtcOffsetMinutes: -210, factsEndpoint: { url: endpoint.url, tokenSecret: null, timeoutMs: 250 } } }]);
    // What the core stores is what was sent: no default left to fill, no key it refuses.
    expect(KpiSettingsSchema.parse(changes[0]!.value)).toEqual(changes[0]!.value);
  });

  it('no endpoint when the URL is emptied, whatever the token and timeout say; the local zone as null', () => {
    const view = settingsView({ kpi: { value: { centerUtcOffsetMinutes: 480, factsEndpoint: endpoint }, layer: 'user' } });
    expect(changesOf(draftOf(view), view)).toEqual([]);
    const draft = { ...draftOf(view), kpiZone: 'local', kpiUrl: ' ', kpiTimeout: 'x' };
    expect(problemsOf(draft, () => false)).toEqual({});
    expect(changesOf(draft, view)).toEqual([{ key: 'kpi', value: { centerUtcOffsetMinutes: null, factsEndpoint: null } }]);
    expect(problemsOf({ ...draft, kpiUrl: 'https://bi' }, () => false)).toEqual({ kpiTimeout: { code: 'timeout' } });
  });

  it('none of a kpi IT locked, and no problems with it', () => {
    const view = settingsView({ kpi: { value: { centerUtcOffsetMinutes: 480, factsEndpoint: endpoint }, layer: 'policy' } });
    const draft = { ...draftOf(view), kpiZone: '0', kpiUrl: 'ftp://bi' };
    expect(changesOf(draft, view)).toEqual([]);
    expect(problemsOf(draft, (key) => key === 'kpi')).toEqual({});
    expect(problemsOf(draft, () => false)).toEqual({ kpiUrl: { code: 'httpUrl' } });
  });

  it('compares values whatever their key order', () => {
    expect(sameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
  });
});
