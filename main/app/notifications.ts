import { Notification, type BrowserWindow } from 'electron';
import type { Push, PushPayload } from '../common/contract';
import type { CallSummary, Locale, SettingsView } from '../common/domain';
import { isRingingForAgent, ringingCallFacts } from '../common/ringing-call';
import { PushGate, type PushHub } from '../core/ipc/push-gate';
import type { Logger } from '../core/log/logger';
import type { InvokeRouter } from './ipc-bridge';

// The OS notification for a ringing call, so an agent working in the CRM sees who calls
// and can answer without finding Zuoxi's window first. Answer / Decline buttons where
// Electron has them (macOS; Windows toasts), a click on the notification brings the
// window forward everywhere. Caller text (names, CRM fields) is plain text: on Linux the
// notification server may read the body as markup, so it is escaped there; no custom
// toastXml is built on Windows, so no XML is ever made from caller text.

interface NoticeText {
  title: (name: string) => string;
  unknown: string;
  withheld: string;
  noNumber: string;
  tier: (tier: string) => string;
  lastIssue: (issue: string) => string;
  answer: string;
  decline: string;
}

/** The main process has no i18next; these few strings follow renderer/i18n's wording. */
export const NOTICE_TEXT: Record<Locale, NoticeText> = {
  'zh-CN': {
    title: (name) => `来电：${name}`,
    unknown: '未知来电',
    withheld: '号码已隐藏',
    noNumber: '无号码',
    tier: (tier) => `等级：${tier}`,
    lastIssue: (issue) => `上次问题：${issue}`,
    answer: '接听',
    decline: '拒接',
  },
  en: {
    title: (name) => `Call from ${name}`,
    unknown: 'Unknown caller',
    withheld: 'Number withheld',
    noNumber: 'No number',
    tier: (tier) => `Tier: ${tier}`,
    lastIssue: (issue) => `Last issue: ${issue}`,
    answer: 'Answer',
    decline: 'Decline',
  },
};

const ANSWER = 0;
const DECLINE = 1;

export interface RingingNotifierOptions {
  /** The core's router: settings.get for the agent's choices, calls.answer / calls.reject for the buttons. */
  router: InvokeRouter;
  hub: Pick<PushHub, 'attach'>;
  window: BrowserWindow;
  log: Logger;
  platform?: NodeJS.Platform;
}

interface Shown {
  notice: Notification;
  withCard: boolean;
}

/**
 * Follows `calls.changed` inside the main process: a call that starts ringing gets a
 * notification (unless the agent is looking at Zuoxi and did not ask for one anyway), a
 * call that stops ringing loses it. Notifications are kept referenced while shown:
 * Electron drops the events of one that is garbage-collected.
 */
export class RingingCallNotifier {
  private readonly shown = new Map<string, Shown>();
  /** The newest summary of each ringing call: an older one that was waiting for the settings gives way. */
  private readonly latest = new Map<string, CallSummary>();
  private readonly platform: NodeJS.Platform;
  private readonly log: Logger;
  private detach: (() => void) | null = null;
  /** The agent's language and choice: read once, then kept current by settings.changed. */
  private prefs: Promise<Preferences> | null = null;

  constructor(private readonly options: RingingNotifierOptions) {
    this.platform = options.platform ?? process.platform;
    this.log = options.log.child({ module: 'notifications' });
  }

  /** Listens until the returned function is called (it also withdraws what is shown). */
  start(): () => void {
    const gate = new PushGate(<P extends Push>(push: P, payload: PushPayload<P>) => {
      if (push === 'calls.changed') void this.onCall(payload as CallSummary);
      else if (push === 'settings.changed') this.prefs = Promise.resolve(preferencesOf(payload as SettingsView));
    });
    // The main process is always ready: nothing to hold back for it.
    gate.markReady();
    this.detach = this.options.hub.attach(gate);
    return () => this.stop();
  }

  stop(): void {
    this.detach?.();
    this.detach = null;
    for (const id of [...this.shown.keys()]) this.withdraw(id);
    this.latest.clear();
  }

  async onCall(call: CallSummary): Promise<void> {
    if (!isRingingForAgent(call)) {
      this.latest.delete(call.id);
      this.withdraw(call.id);
      return;
    }
    this.latest.set(call.id, call);
    const existing = this.shown.get(call.id);
    // Shown already; only a card that arrived after the first push is worth showing again.
    if (existing && (existing.withCard || !call.card)) return;
    if (!Notification.isSupported()) return;
    const { locale, notifyWhenFocused } = await (this.prefs ??= this.readPreferences());
    // Answered, ended or superseded while the settings were read: the newer summary decides.
    if (this.latest.get(call.id) !== call) return;
    const again = this.shown.has(call.id);
    if (!again && this.windowHasFocus() && !notifyWhenFocused) return;
    this.withdraw(call.id);
    this.show(call, locale, again);
  }

  private show(call: CallSummary, locale: Locale, quietly: boolean): void {
    const text = NOTICE_TEXT[locale];
    const { title, body } = noticeText(call, text);
    const withActions = this.platform === 'darwin' || this.platform === 'win32';
    const notice = new Notification({
      title,
      body: this.platform === 'linux' ? escapeMarkup(body) : body,
      // The first notification of a call rings; showing its late card again does not.
      silent: quietly,
      urgency: 'critical',
      timeoutType: 'never',
      actions: withActions
        ? [
            { type: 'button', text: text.answer },
            { type: 'button', text: text.decline },
          ]
        : [],
    });
    notice.on('click', () => {
      this.focusWindow();
      this.withdraw(call.id);
    });
    notice.on('action', (details: { actionIndex?: number } | undefined, legacyIndex?: number) => {
      const index = details?.actionIndex ?? legacyIndex;
      if (index === ANSWER) void this.act(call.id, 'answer');
      else if (index === DECLINE) void this.act(call.id, 'decline');
    });
    notice.on('close', () => {
      if (this.shown.get(call.id)?.notice === notice) this.shown.delete(call.id);
    });
    notice.on('failed', (_event: unknown, error: string) => this.log.warn('notifications.failed', { error }));
    this.shown.set(call.id, { notice, withCard: call.card !== null });
    notice.show();
  }

  private async act(callId: string, action: 'answer' | 'decline'): Promise<void> {
    this.withdraw(callId);
    // Answering means talking to the caller: the agent will want the card in front of them.
    if (action === 'answer') this.focusWindow();
    const reply =
      action === 'answer'
        ? await this.options.router.dispatch('calls.answer', { callId })
        : await this.options.router.dispatch('calls.reject', { callId, reason: 'decline' });
    if (!reply.ok) this.log.warn('notifications.action_failed', { action, code: reply.code, message: reply.message });
  }

  private withdraw(callId: string): void {
    const entry = this.shown.get(callId);
    if (!entry) return;
    this.shown.delete(callId);
    entry.notice.close();
  }

  private windowHasFocus(): boolean {
    const window = this.options.window;
    return !window.isDestroyed() && window.isVisible() && !window.isMinimized() && window.isFocused();
  }

  private focusWindow(): void {
    const window = this.options.window;
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  private async readPreferences(): Promise<Preferences> {
    const reply = await this.options.router.dispatch('settings.get', {});
    if (reply.ok) return preferencesOf(reply.value as SettingsView);
    // Asked again at the next call; meanwhile the defaults.
    this.prefs = null;
    return DEFAULT_PREFERENCES;
  }
}

interface Preferences {
  locale: Locale;
  notifyWhenFocused: boolean;
}

const DEFAULT_PREFERENCES: Preferences = { locale: 'zh-CN', notifyWhenFocused: false };

function preferencesOf({ values }: SettingsView): Preferences {
  return { locale: values.locale.value, notifyWhenFocused: values.notifyWhenFocused.value };
}

/** Title and body as plain text, one fact a line. */
export function noticeText(call: CallSummary, text: NoticeText): { title: string; body: string } {
  const facts = ringingCallFacts(call);
  const lines = [
    facts.withheld ? text.withheld : (facts.number ?? text.noNumber),
    facts.tier ? text.tier(facts.tier) : null,
    facts.lastIssue ? text.lastIssue(facts.lastIssue) : null,
  ];
  return {
    title: facts.name ? text.title(facts.name) : text.unknown,
    body: lines.filter((line): line is string => line !== null).join('\n'),
  };
}

/**
 * freedesktop notification servers that announce "body-markup" (GNOME, KDE, dunst,
 * mako…) read the body as a subset of HTML, and Electron passes it through as is. The
 * rare server without markup shows the entities literally; a caller's <a href> shown
 * as a link would be worse.
 */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
