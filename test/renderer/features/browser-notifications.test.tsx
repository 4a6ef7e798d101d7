import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AppInfo, CallSummary } from '../../../main/common/domain';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import { callSummary, contactCard, freshApi, interaction, settingsView, type FakeZuoxiApi } from '../fake-api';

/** The page's side of the Web Notification API, recording what the page asked for. */
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static readonly shown: FakeNotification[] = [];
  static readonly requestPermission = jest.fn(async () => {
    FakeNotification.permission = FakeNotification.answer;
    return FakeNotification.answer;
  });
  static answer: NotificationPermission = 'granted';

  onclick: (() => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  readonly close = jest.fn(() => {
    this.closed = true;
    this.onclose?.();
  });

  constructor(
    readonly title: string,
    readonly options: NotificationOptions & { requireInteraction?: boolean; silent?: boolean },
  ) {
    FakeNotification.shown.push(this);
  }
}

const open = () => FakeNotification.shown.filter((n) => !n.closed);

/** Closes the window of the first half of a test before the second opens its own. */
function closeWindow(): void {
  unwire?.();
  unwire = undefined;
  cleanup();
}

let unwire: (() => void) | undefined;
let hasFocus: jest.SpyInstance<boolean, []>;
beforeEach(() => {
  FakeNotification.permission = 'granted';
  FakeNotification.answer = 'granted';
  FakeNotification.shown.length = 0;
  FakeNotification.requestPermission.mockClear();
  (window as unknown as { Notification: unknown }).Notification = FakeNotification;
  hasFocus = jest.spyOn(document, 'hasFocus').mockReturnValue(false);
});
afterEach(() => {
  unwire?.();
  unwire = undefined;
  hasFocus.mockRestore();
  delete (window as unknown as { Notification?: unknown }).Notification;
});

async function renderWindow(host: AppInfo['host'] = 'headless', notifyWhenFocused = false): Promise<FakeZuoxiApi> {
  const fake = await freshApi({
    'app.ready': () => ({
      version: '0.1.0',
      locale: 'zh-CN',
      host,
      status: { connection: 'online', connectionDetail: null, connectionReason: null, agentState: 'ready' },
    }),
    'settings.get': () => settingsView({ notifyWhenFocused: { value: notifyWhenFocused, layer: 'user' } }),
    'directory.card': ({ contactId }) => contactCard(contactId),
    'directory.history': () => ({ items: [], nextCursor: null }),
  });
  render(<AgentWindow />);
  unwire = await act(() => start());
  return fake;
}

const ring = (fake: FakeZuoxiApi, call: CallSummary) => act(async () => fake.emit('calls.changed', call));

const knownCaller = (id = 'c1@pbx') =>
  callSummary(id, {
    card: contactCard(7, { name: '王芳', tier: 'vip' }, { openItems: [interaction(3, { kind: 'ticket', summary: '电表读数异常', status: 'open' })] }),
  });

describe('desktop notifications in the browser host', () => {
  it('shows a ringing caller as plain text: name, number, tier and last issue', async () => {
    const fake = await renderWindow();
    await ring(fake, knownCaller());
    expect(open()).toHaveLength(1);
    const [notice] = open();
    expect(notice!.title).toBe('来电：王芳');
    expect(notice!.options.body).toBe('+8613800138000\n等级：vip\n上次问题：电表读数异常');
    expect(notice!.options).toMatchObject({ tag: 'zuoxi-call-c1@pbx', requireInteraction: true, silent: false, lang: 'zh-CN' });
  });

  it('keeps hostile caller text as text: markup stays literal, control characters cannot forge lines, long text is cut', async () => {
    const fake = await renderWindow();
    const name = '<img src=x onerror=alert(1)>\n伪造行\u202e';
    await ring(fake, callSummary('h@pbx', { remote: { number: '1001', e164: null, displayName: name, withheld: false }, card: null }));
    const [notice] = open();
    expect(notice!.title).toBe('来电：<img src=x onerror=alert(1)> 伪造行');
    expect(notice!.options.body).toBe('1001');

    await ring(fake, callSummary('long@pbx', { card: contactCard(8, { name: '长'.repeat(10_000) }) }));
    const long = open().find((n) => n.options.tag === 'zuoxi-call-long@pbx')!;
    expect(Array.from(long.title).length).toBeLessThan(100);
    expect(long.title.endsWith('…')).toBe(true);
  });

  it('says "withheld" and "unknown caller" for a withheld number', async () => {
    const fake = await renderWindow();
    await ring(fake, callSummary('w@pbx', { remote: { number: null, e164: null, displayName: '', withheld: true } }));
    expect(open()[0]).toMatchObject({ title: '未知来电', options: expect.objectContaining({ body: '号码已隐藏' }) });
  });

  it('stays quiet while the window has the focus, unless the agent asked for it', async () => {
    hasFocus.mockReturnValue(true);
    const quiet = await renderWindow('headless', false);
    await ring(quiet, knownCaller('a@pbx'));
    expect(open()).toHaveLength(0);
    closeWindow();

    const loud = await renderWindow('headless', true);
    await ring(loud, knownCaller('b@pbx'));
    expect(open()).toHaveLength(1);
  });

  it('withdraws the notification once the call is answered, and brings the window forward on a click', async () => {
    const fake = await renderWindow();
    const focus = jest.spyOn(window, 'focus').mockImplementation(() => undefined);
    try {
      await ring(fake, knownCaller('a@pbx'));
      await ring(fake, { ...knownCaller('a@pbx'), state: 'active', answerAt: new Date().toISOString() });
      expect(FakeNotification.shown[0]!.close).toHaveBeenCalled();
      expect(open()).toHaveLength(0);

      await ring(fake, knownCaller('b@pbx'));
      act(() => open()[0]!.onclick?.());
      expect(focus).toHaveBeenCalled();
      expect(open()).toHaveLength(0);
    } finally {
      focus.mockRestore();
    }
  });

  it('shows the card that arrives after the first ringing push, without ringing twice', async () => {
    const fake = await renderWindow();
    const bare = callSummary('late@pbx');
    await ring(fake, bare);
    expect(open()[0]!.title).toBe('未知来电');
    await ring(fake, { ...knownCaller('late@pbx') });
    expect(open()).toHaveLength(1);
    expect(open()[0]).toMatchObject({ title: '来电：王芳', options: expect.objectContaining({ silent: true }) });
    await ring(fake, { ...knownCaller('late@pbx') });
    expect(FakeNotification.shown).toHaveLength(2);
  });

  it('leaves notifications to the desktop app in Electron, and to nobody without permission', async () => {
    const electron = await renderWindow('electron');
    await ring(electron, knownCaller('e@pbx'));
    expect(FakeNotification.shown).toHaveLength(0);
    expect(screen.queryByTestId('notifications-enable-bar')).toBeNull();
    closeWindow();

    FakeNotification.permission = 'denied';
    const denied = await renderWindow('headless');
    await ring(denied, knownCaller('d@pbx'));
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it('asks for permission only when the agent clicks, from the status bar or the settings screen', async () => {
    FakeNotification.permission = 'default';
    const fake = await renderWindow();
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('notifications-enable-bar'));
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('notifications-enable-bar')).toBeNull();
    await user.click(screen.getByTestId('settings-open'));
    expect(await screen.findByTestId('notifications-permission')).toHaveAttribute('data-permission', 'granted');
    await ring(fake, knownCaller());
    expect(open()).toHaveLength(1);
  });

  it('says in the settings screen when the browser blocks notifications or has none', async () => {
    FakeNotification.permission = 'denied';
    await renderWindow();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('settings-open'));
    expect(await screen.findByTestId('notifications-permission')).toHaveTextContent('浏览器已阻止通知');
    expect(screen.queryByTestId('notifications-enable-panel')).toBeNull();
    closeWindow();

    delete (window as unknown as { Notification?: unknown }).Notification;
    await renderWindow();
    expect(screen.queryByTestId('notifications-enable-bar')).toBeNull();
  });
});
