import { create } from 'zustand';
import type { CallSummary } from '../../../main/common/domain';
import { isRingingForAgent, ringingCallFacts } from '../../../main/common/ringing-call';
import { i18n } from '../../i18n';
import { useSettingsStore } from '../settings/store';
import { useStatusStore } from '../status/store';

// Desktop notifications for ringing calls in the browser host, through the Web
// Notification API. In the Electron app the shell shows the OS's own notification (with
// Answer / Decline, main/app/notifications.ts), so the page stays quiet there.

export type PermissionState = NotificationPermission | 'unsupported';

export interface NotificationsData {
  permission: PermissionState;
}

export interface NotificationsState extends NotificationsData {
  /** Reads the browser's current permission (it can change in the site settings). */
  refreshPermission(): void;
  /** Asks the browser; must run inside a click, or the browser refuses without asking. */
  requestPermission(): Promise<void>;
  /** A `calls.changed` push: notify a call that starts ringing, withdraw one that stopped. */
  applyCall(call: CallSummary): void;
}

type NotificationApi = typeof Notification;

/** The page's Notification constructor, when the browser has one. */
function notificationApi(): NotificationApi | null {
  const api = (globalThis as { Notification?: NotificationApi }).Notification;
  return typeof api === 'function' ? api : null;
}

function currentPermission(): PermissionState {
  return notificationApi()?.permission ?? 'unsupported';
}

/** What is on screen per call id, and whether it already showed the caller's card. */
const shown = new Map<string, { notice: Notification; withCard: boolean }>();

export const initialNotifications: NotificationsData = { permission: 'default' };

export const useNotificationsStore = create<NotificationsState>()((set, get) => ({
  ...initialNotifications,

  refreshPermission: () => set({ permission: currentPermission() }),

  requestPermission: async () => {
    const api = notificationApi();
    if (!api) {
      set({ permission: 'unsupported' });
      return;
    }
    try {
      set({ permission: await api.requestPermission() });
    } catch {
      set({ permission: currentPermission() });
    }
  },

  applyCall: (call) => {
    const existing = shown.get(call.id);
    if (!isRingingForAgent(call)) {
      if (existing) withdraw(call.id);
      return;
    }
    // The card came after the first push (a slow lookup): show it, without ringing twice.
    if (existing && (existing.withCard || !call.card)) return;
    if (useStatusStore.getState().host !== 'headless') return;
    const api = notificationApi();
    if (!api || api.permission !== 'granted') return;
    if (!existing && pageHasFocus() && !notifyWhenFocused()) return;
    if (existing) withdraw(call.id);
    show(api, call, existing !== undefined);
    // Keep the permission the panel shows in step with what we just relied on.
    if (get().permission !== 'granted') set({ permission: 'granted' });
  },
}));

function show(api: NotificationApi, call: CallSummary, quietly: boolean): void {
  const { title, body } = noticeText(call);
  const notice = new api(title, {
    body,
    // One notification per call: the browser replaces rather than stacks them.
    tag: `zuoxi-call-${call.id}`,
    lang: i18n.language,
    requireInteraction: true,
    silent: quietly,
  });
  notice.onclick = () => {
    window.focus();
    notice.close();
  };
  notice.onclose = () => {
    if (shown.get(call.id)?.notice === notice) shown.delete(call.id);
  };
  shown.set(call.id, { notice, withCard: call.card !== null });
}

function withdraw(callId: string): void {
  const entry = shown.get(callId);
  shown.delete(callId);
  entry?.notice.close();
}

/** Title and body as plain text: the Notification API never reads markup, and we give it none. */
export function noticeText(call: CallSummary): { title: string; body: string } {
  const facts = ringingCallFacts(call);
  const title = facts.name ? i18n.t('notifications.title', { name: facts.name }) : i18n.t('notifications.unknown');
  const lines = [
    facts.withheld ? i18n.t('calls.withheld') : (facts.number ?? i18n.t('calls.noNumber')),
    facts.tier ? i18n.t('notifications.tier', { tier: facts.tier }) : null,
    facts.lastIssue ? i18n.t('notifications.lastIssue', { issue: facts.lastIssue }) : null,
  ];
  return { title, body: lines.filter((line): line is string => line !== null).join('\n') };
}

function pageHasFocus(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

function notifyWhenFocused(): boolean {
  return useSettingsStore.getState().view?.values.notifyWhenFocused.value ?? false;
}

/** Tests: forget what is on screen. */
export function resetShownNotifications(): void {
  for (const id of [...shown.keys()]) withdraw(id);
}
