import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallSummary, SettingsView } from '../../../main/common/domain';
import { isZuoxiError } from '../../../main/common/errors';
import { SettingsStore } from '../../../main/core/config/settings';
import { SettingsService, type CallsControl } from '../../../main/core/config/settings-service';
import { silentLogger } from '../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { Workstation } from '../../../main/core/workstation';

const ACCOUNT = { registrar: 'sip:pbx.example.com:5060', domain: 'pbx.example.com', user: '8001' };

class FakeCalls implements CallsControl {
  calls: CallSummary[] = [];
  readonly restart = jest.fn(async () => undefined);
  list(): CallSummary[] {
    return this.calls;
  }
}

function aCall(): CallSummary {
  return {
    id: 'a@b',
    direction: 'inbound',
    state: 'active',
    remote: { number: '13800138000', e164: '+8613800138000', displayName: '', withheld: false },
    dialled: '8001',
    card: null,
    ringAt: '2026-01-01T00:00:00.000Z',
    answerAt: '2026-01-01T00:00:01.000Z',
    endAt: null,
    outcome: null,
    endCause: null,
    endDetail: null,
    consultFor: null,
  };
}

/** The refusal's code and message, or a failure of the test if it was not refused. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isZuoxiError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('SettingsService', () => {
  let dir: string;
  let userFile: string;
  let policyFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-settings-service-'));
    userFile = path.join(dir, 'settings.json');
    policyFile = path.join(dir, 'policy.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function service(policy: Record<string, unknown> | null = null, secrets = new MemorySecretProvider()) {
    if (policy) fs.writeFileSync(policyFile, JSON.stringify(policy));
    const store = new SettingsStore({ userFile, policyFile: policy ? policyFile : null });
    const calls = new FakeCalls();
    const published: SettingsView[] = [];
    const settings = new SettingsService({ store, secrets, calls, publish: (view) => published.push(view), log: silentLogger });
    return { store, calls, published, settings, secrets };
  }

  it('shows every value with the layer it came from', async () => {
    fs.writeFileSync(userFile, JSON.stringify({ locale: 'en' }));
    const { settings, store } = service({ defaultRegion: 'HK' });
    const { values } = await settings.view();
    expect(values.locale).toEqual({ value: 'en', layer: 'user' });
    expect(values.defaultRegion).toEqual({ value: 'HK', layer: 'policy' });
    expect(values.sipAccount).toEqual({ value: null, layer: 'default' });
    expect(values.notifyWhenFocused).toEqual({ value: false, layer: 'default' });
    // Every setting, also the ones the screen does not show (yet).
    expect(Object.keys(values).sort()).toEqual(Object.keys(store.current).sort());
    for (const key of ['defaultRegion', 'deskPhoneUri', 'locale', 'logLevel', 'notifyWhenFocused', 'sipAccount', 'sipEdge', 'crmConnectors']) {
      expect(values).toHaveProperty(key);
    }
  });

  it('says whether a SIP password is stored, and never what it is', async () => {
    const secrets = new MemorySecretProvider();
    const { settings } = service({ sipAccount: ACCOUNT }, secrets);
    expect((await settings.view()).passwordStored).toBe(false);
    await secrets.set('sip.password', 'hunter2-very-secret');
    const view = await settings.view();
    expect(view.passwordStored).toBe(true);
    expect(JSON.stringify(view)).not.toContain('hunter2');
  });

  it('refuses a value IT set by policy, with policy_locked, writing and restarting nothing', async () => {
    const { settings, calls, published } = service({ sipAccount: ACCOUNT });
    const refused = await refusal(settings.update('sipAccount', { ...ACCOUNT, user: '8002' }));
    expect(refused.code).toBe('policy_locked');
    expect(refused.message).toMatch(/sipAccount.*administrator/);
    await settings.settled();
    expect(fs.existsSync(userFile)).toBe(false);
    expect(calls.restart).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('refuses a bad value with the field and the reason, and keeps what was there', async () => {
    fs.writeFileSync(userFile, JSON.stringify({ deskPhoneUri: 'sip:desk@192.0.2.20' }));
    const { settings, store, calls } = service();
    const refused = await refusal(settings.update('sipAccount', { ...ACCOUNT, registrar: 'pbx.example.com', registerExpires: 1 }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toContain('sipAccount.registrar: a sip: URI');
    expect(refused.message).toContain('sipAccount.registerExpires');
    expect((await refusal(settings.update('sipEdge', { mode: 'external', port: 9022 }))).message).toContain('sipEdge.host');
    expect((await refusal(settings.update('sipAccount', { ...ACCOUNT, password: 'x' }))).code).toBe('invalid_input');
    expect((await refusal(settings.update('defaultRegion', 'china'))).message).toMatch(/defaultRegion: a two-letter region/);
    expect(store.current.sipAccount).toBeNull();
    expect(JSON.parse(fs.readFileSync(userFile, 'utf8'))).toEqual({ deskPhoneUri: 'sip:desk@192.0.2.20' });
    await settings.settled();
    expect(calls.restart).not.toHaveBeenCalled();
  });

  it('refuses a key that is not a setting, inherited names included', async () => {
    const { settings } = service();
    for (const key of ['nope', 'constructor', '__proto__', 'toString']) {
      expect(await refusal(settings.update(key, 1))).toEqual({ code: 'not_found', message: expect.stringContaining(key) });
    }
  });

  it('saves a good value in the agent layer, publishes it, and makes the line register again', async () => {
    const { settings, calls, published } = service({ locale: 'zh-CN' });
    const result = await settings.update('sipAccount', { ...ACCOUNT, authUsername: 'agent-8001', transport: 'tcp' });
    expect(result.applies).toBe('now');
    expect(result.settings.values.sipAccount).toEqual({
      value: { ...ACCOUNT, authUsername: 'agent-8001', transport: 'tcp', displayName: '', registerExpires: 300, passwordSecret: 'sip.password' },
      layer: 'user',
    });
    expect(published).toEqual([result.settings]);
    await settings.settled();
    expect(calls.restart).toHaveBeenCalledTimes(1);
    // Persisted: a fresh store over the same file reads it back.
    expect(new SettingsStore({ userFile, policyFile: null }).current.sipAccount?.authUsername).toBe('agent-8001');

    await settings.update('deskPhoneUri', 'sip:desk-8001@192.0.2.20');
    await settings.update('sipEdge', { mode: 'external', host: '10.0.0.5', port: 9022 });
    await settings.settled();
    expect(calls.restart).toHaveBeenCalledTimes(3);
  });

  it('does not restart the line for a SIP value that did not change', async () => {
    fs.writeFileSync(userFile, JSON.stringify({ deskPhoneUri: 'sip:desk@192.0.2.20' }));
    const { settings, calls } = service();
    expect((await settings.update('deskPhoneUri', 'sip:desk@192.0.2.20')).applies).toBe('now');
    await settings.settled();
    expect(calls.restart).not.toHaveBeenCalled();
  });

  it('holds a SIP restart back while a call is up, and restarts once after the last one ends', async () => {
    const { settings, calls } = service();
    calls.calls = [aCall()];
    expect((await settings.update('sipAccount', ACCOUNT)).applies).toBe('after_calls');
    expect((await settings.update('deskPhoneUri', 'sip:desk@192.0.2.20')).applies).toBe('after_calls');
    settings.callsChanged(); // the call changed (held, say) but is still up
    await settings.settled();
    expect(calls.restart).not.toHaveBeenCalled();

    calls.calls = [];
    settings.callsChanged();
    settings.callsChanged();
    await settings.settled();
    expect(calls.restart).toHaveBeenCalledTimes(1);
    settings.callsChanged();
    await settings.settled();
    expect(calls.restart).toHaveBeenCalledTimes(1);
  });

  it('applies language and notification choices at once, and the region at the next start', async () => {
    const { settings, calls } = service();
    expect((await settings.update('locale', 'en')).applies).toBe('now');
    expect((await settings.update('notifyWhenFocused', true)).settings.values.notifyWhenFocused).toEqual({ value: true, layer: 'user' });
    expect((await settings.update('defaultRegion', 'HK')).applies).toBe('next_start');
    await settings.settled();
    expect(calls.restart).not.toHaveBeenCalled();
  });

  it('starts no restart once closed, not even one held back for a call', async () => {
    const { settings, calls } = service();
    calls.calls = [aCall()];
    await settings.update('sipAccount', ACCOUNT);
    await settings.close();
    calls.calls = [];
    settings.callsChanged();
    await settings.settled();
    expect(calls.restart).not.toHaveBeenCalled();
  });
});

describe('settings over the contract, with the real core', () => {
  let dir: string;
  let ws: Workstation | null = null;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-settings-ws-'))));
  afterEach(async () => {
    await ws?.close();
    ws = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a saved SIP account takes the line from not configured to registering; the password stays out of every reply', async () => {
    ws = await Workstation.open({
      dataDir: dir,
      host: 'headless',
      version: 'test',
      log: silentLogger,
      secrets: new MemorySecretProvider({ 'sip.password': 'pa55-secret' }),
      settings: { sipEdge: { mode: 'embedded', host: '127.0.0.1', udpPort: 0, tcpPort: 0 } },
      calls: { backoff: { initialMs: 60_000, maxMs: 60_000 } },
    });
    expect(ws.appInfo().status.connectionReason).toBe('not_configured');
    const pushes: string[] = [];
    ws.hub.attach({ push: (name: string) => pushes.push(name) } as never);

    const saved = await ws.router.dispatch('settings.update', { key: 'sipAccount', value: { ...ACCOUNT, registrar: 'sip:127.0.0.1:9' } });
    expect(saved).toEqual({ ok: true, value: expect.objectContaining({ applies: 'now' }) });
    await ws.settingsService.settled();
    expect(ws.appInfo().status.connectionReason).not.toBe('not_configured');
    expect(ws.calls.lineState.connection).not.toBe('online');
    expect(pushes).toContain('settings.changed');

    const view = await ws.router.dispatch('settings.get', {});
    expect(view).toEqual({ ok: true, value: expect.objectContaining({ passwordStored: true }) });
    expect(JSON.stringify([saved, view])).not.toContain('pa55-secret');

    const bad = await ws.router.dispatch('settings.update', { key: 'sipAccount', value: 'nonsense' });
    expect(bad).toEqual({ ok: false, code: 'invalid_input', message: expect.stringContaining('sipAccount') });
  });

  it('the language switch goes through the same service, so the settings screen hears of it', async () => {
    ws = await Workstation.open({ dataDir: dir, host: 'headless', version: 'test', log: silentLogger });
    const views: unknown[] = [];
    ws.hub.attach({ push: (name: string, payload: unknown) => name === 'settings.changed' && views.push(payload) } as never);
    expect(await ws.router.dispatch('app.setLocale', { locale: 'en' })).toEqual({ ok: true, value: 'en' });
    expect(views).toEqual([expect.objectContaining({ values: expect.objectContaining({ locale: { value: 'en', layer: 'user' } }) })]);
  });
});
