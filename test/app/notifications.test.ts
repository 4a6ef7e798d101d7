import type { CallSummary, ContactCard, Locale, SettingsView } from '../../main/common/domain';
import type { Reply } from '../../main/common/errors';
import { escapeMarkup, NOTICE_TEXT, noticeText, RingingCallNotifier } from '../../main/app/notifications';
import { PushHub } from '../../main/core/ipc/push-gate';
import { silentLogger } from '../../main/core/log/logger';
import { asElectron, BrowserWindow, Notification } from './electron-mock';

function card(overrides: Partial<ContactCard['contact']> = {}, openSummary = '电表读数异常'): ContactCard {
  return {
    contact: {
      id: 7,
      name: '王芳',
      company: '华东电力',
      numbers: [{ label: 'mobile', raw: '13800138000', e164: '+8613800138000' }],
      tags: [],
      tier: 'vip',
      notes: '',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...overrides,
    },
    recent: [],
    openItems: [{ id: 3, contactId: 7, kind: 'ticket', occurredAt: '2026-01-01T00:00:00.000Z', outcome: '', summary: openSummary, status: 'open' }],
    interactionCount: 1,
  };
}

function call(id: string, overrides: Partial<CallSummary> = {}): CallSummary {
  return {
    id,
    direction: 'inbound',
    state: 'ringing',
    remote: { number: '13800138000', e164: '+8613800138000', displayName: '', withheld: false },
    dialled: '8001',
    card: card(),
    ringAt: '2026-01-01T00:00:00.000Z',
    answerAt: null,
    endAt: null,
    outcome: null,
    endCause: null,
    endDetail: null,
    consultFor: null,
    ...overrides,
  };
}

function settings(locale: Locale = 'zh-CN', notifyWhenFocused = false): SettingsView {
  return { values: { locale: { value: locale, layer: 'user' }, notifyWhenFocused: { value: notifyWhenFocused, layer: 'user' } } as SettingsView['values'], passwordStored: false };
}

function setup(platform: NodeJS.Platform = 'darwin', prefs: SettingsView = settings()) {
  const hub = new PushHub();
  const window = new BrowserWindow();
  const dispatch = jest.fn(async (channel: unknown, payload: unknown): Promise<Reply<unknown>> => {
    if (channel === 'settings.get') return { ok: true, value: prefs };
    return { ok: true, value: { id: (payload as { callId: string }).callId } };
  });
  const notifier = new RingingCallNotifier({ router: { dispatch }, hub, window: asElectron(window), log: silentLogger, platform });
  const stop = notifier.start();
  /** Publishes like the core and lets the notifier's settings read finish. */
  const push = async (summary: CallSummary) => {
    hub.publish('calls.changed', summary);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { hub, window, dispatch, notifier, stop, push };
}

const open = () => Notification.instances.filter((n) => n.shown && !n.closed);

beforeEach(() => {
  Notification.instances.length = 0;
  Notification.supported = true;
});

describe('ringing-call notifications in the desktop app', () => {
  it('show the caller with Answer / Decline on macOS, as plain text', async () => {
    const { push } = setup('darwin');
    await push(call('a@pbx'));
    expect(open()).toHaveLength(1);
    expect(open()[0]!.options).toEqual({
      title: '来电：王芳',
      body: '+8613800138000\n等级：vip\n上次问题：电表读数异常',
      silent: false,
      urgency: 'critical',
      timeoutType: 'never',
      actions: [
        { type: 'button', text: '接听' },
        { type: 'button', text: '拒接' },
      ],
    });
  });

  it('offer the buttons on Windows toasts too, built by Electron (no toastXml made from caller text)', async () => {
    const { push } = setup('win32');
    await push(call('a@pbx', { card: card({ name: '<toast>&amp;' }) }));
    const { options } = open()[0]!;
    expect(options.actions).toHaveLength(2);
    expect(options).not.toHaveProperty('toastXml');
    expect(options.title).toBe('来电：<toast>&amp;');
  });

  it('escape the body on Linux, where the notification server may read markup, and offer no buttons there', async () => {
    const { push } = setup('linux');
    await push(call('a@pbx', { card: card({ tier: '<b>gold</b>' }, '<a href="https://evil.example">点这里</a> & 更多') }));
    const { options } = open()[0]!;
    expect(options.actions).toEqual([]);
    expect(options.body).toBe('+8613800138000\n等级：&lt;b&gt;gold&lt;/b&gt;\n上次问题：&lt;a href="https://evil.example"&gt;点这里&lt;/a&gt; &amp; 更多');
    // The title is never markup in the freedesktop spec: left as the caller wrote it.
    expect(options.title).toBe('来电：王芳');
  });

  it('say who calls in English when the agent reads English, and cut and flatten hostile display names', async () => {
    const { push } = setup('darwin', settings('en'));
    await push(call('b@pbx', { card: null, remote: { number: '1001', e164: null, displayName: `Evil\nLine 2\u202e${'x'.repeat(500)}`, withheld: false } }));
    const { options } = open()[0]!;
    expect(options.title).toMatch(/^Call from Evil Line 2 x+…$/);
    expect(Array.from(options.title as string).length).toBeLessThanOrEqual('Call from '.length + 80);
    expect(options.body).toBe('1001');
    expect(options.actions).toEqual([
      { type: 'button', text: 'Answer' },
      { type: 'button', text: 'Decline' },
    ]);
  });

  it('Answer answers through the core and brings the window forward; Decline rejects with 603', async () => {
    const { push, dispatch, window } = setup('darwin');
    window.minimized = true;
    await push(call('a@pbx'));
    open()[0]!.press(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(dispatch).toHaveBeenCalledWith('calls.answer', { callId: 'a@pbx' });
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(open()).toHaveLength(0);

    // The agent went back to the CRM; the next caller rings.
    window.focused = false;
    window.focus.mockClear();
    await push(call('b@pbx'));
    open()[0]!.press(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(dispatch).toHaveBeenCalledWith('calls.reject', { callId: 'b@pbx', reason: 'decline' });
    expect(window.focus).not.toHaveBeenCalled();
  });

  it('a click brings the window forward', async () => {
    const { push, window } = setup('linux');
    window.visible = false;
    await push(call('a@pbx'));
    open()[0]!.emit('click', {});
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(open()).toHaveLength(0);
  });

  it('stay away while the agent looks at Zuoxi, unless they asked for them', async () => {
    const quiet = setup('darwin', settings('zh-CN', false));
    quiet.window.focused = true;
    await quiet.push(call('a@pbx'));
    expect(Notification.instances).toHaveLength(0);
    // Minimised counts as not looking, even if the OS still says focused.
    quiet.window.minimized = true;
    await quiet.push(call('b@pbx'));
    expect(open()).toHaveLength(1);
    quiet.stop();

    const loud = setup('darwin', settings('zh-CN', true));
    loud.window.focused = true;
    await loud.push(call('c@pbx'));
    expect(open()).toHaveLength(1);
  });

  it('are withdrawn when the call is answered elsewhere, ends, or the notifier stops', async () => {
    const { push, stop } = setup('darwin');
    await push(call('a@pbx'));
    await push(call('a@pbx', { state: 'active', answerAt: '2026-01-01T00:00:05.000Z' }));
    expect(Notification.instances[0]!.close).toHaveBeenCalled();
    await push(call('b@pbx'));
    await push(call('c@pbx'));
    expect(open()).toHaveLength(2);
    stop();
    expect(open()).toHaveLength(0);
  });

  it('show the card that arrives after the first push without ringing twice, and nothing for consult legs or outbound calls', async () => {
    const { push } = setup('darwin');
    await push(call('late@pbx', { card: null }));
    expect(open()[0]!.options.title).toBe('未知来电');
    await push(call('late@pbx'));
    expect(open()).toHaveLength(1);
    expect(open()[0]!.options).toMatchObject({ title: '来电：王芳', silent: true });
    await push(call('late@pbx'));
    expect(Notification.instances).toHaveLength(2);

    await push(call('consult@zuoxi', { consultFor: 'late@pbx' }));
    await push(call('out@zuoxi', { direction: 'outbound', state: 'dialing' }));
    expect(Notification.instances).toHaveLength(2);
  });

  it('show nothing for a call answered while the settings were being read, or where the OS has no notifications', async () => {
    const { hub } = setup('darwin');
    hub.publish('calls.changed', call('a@pbx'));
    hub.publish('calls.changed', call('a@pbx', { state: 'ended', outcome: 'missed', endCause: 'caller_cancelled' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(Notification.instances).toHaveLength(0);

    Notification.supported = false;
    const other = setup('darwin');
    await other.push(call('b@pbx'));
    expect(Notification.instances).toHaveLength(0);
  });

  it('read the settings once, then follow settings.changed (no secret store read per call)', async () => {
    const { push, hub, dispatch, window } = setup('darwin', settings('zh-CN', false));
    await push(call('a@pbx'));
    await push(call('b@pbx'));
    expect(dispatch.mock.calls.filter(([channel]) => channel === 'settings.get')).toHaveLength(1);

    hub.publish('settings.changed', settings('en', true));
    window.focused = true;
    await push(call('c@pbx'));
    expect(open().map((n) => n.options.title)).toEqual(['来电：王芳', '来电：王芳', 'Call from 王芳']);
    expect(dispatch.mock.calls.filter(([channel]) => channel === 'settings.get')).toHaveLength(1);
  });

  it('fall back to Chinese and no notifications while focused when the settings cannot be read', async () => {
    const { push, dispatch, window } = setup('darwin');
    dispatch.mockImplementation(async () => ({ ok: false, code: 'unavailable', message: 'closing' }));
    window.focused = true;
    await push(call('a@pbx'));
    expect(Notification.instances).toHaveLength(0);
    window.focused = false;
    await push(call('b@pbx'));
    expect(open()[0]!.options.title).toBe('来电：王芳');
  });
});

describe('notice text', () => {
  it('says withheld, and has every string in both languages', () => {
    const withheld = call('w@pbx', { card: null, remote: { number: null, e164: null, displayName: '', withheld: true } });
    expect(noticeText(withheld, NOTICE_TEXT.en)).toEqual({ title: 'Unknown caller', body: 'Number withheld' });
    expect(Object.keys(NOTICE_TEXT['zh-CN']).sort()).toEqual(Object.keys(NOTICE_TEXT.en).sort());
  });

  it('escapes exactly the three characters body markup needs', () => {
    expect(escapeMarkup(`<i>"a" & 'b'</i>`)).toBe(`&lt;i&gt;"a" &amp; 'b'&lt;/i&gt;`);
  });
});
