import { create } from 'zustand';
import type { Callback, CallbackAgentOutcome, CallbackReminder } from '../../../main/common/channels/callbacks';
import { call, toFailure, type Failure } from '../../api';
import { i18n } from '../../i18n';

export interface CallbackAction {
  pending: 'call' | 'resolve' | null;
  error: Failure | null;
}

export interface ReminderToast {
  callback: Callback;
  minutesToDue: number;
}

export interface CallbacksData {
  /** Open callbacks, soonest due first. */
  items: Callback[];
  loaded: boolean;
  loadError: Failure | null;
  actions: Record<number, CallbackAction>;
  /** In-app reminders not yet dismissed, newest last; one per callback. */
  toasts: ReminderToast[];
  /** The last callbacks.create that was refused (a number that is no number). */
  createError: Failure | null;
}

export interface CallbacksState extends CallbacksData {
  load(): Promise<void>;
  /** A callbacks.changed push: upsert an open one, drop a closed one. */
  apply(callback: Callback): void;
  /** A callbacks.reminder push: an in-app toast, and a Web Notification when the agent allowed them. */
  applyReminder(reminder: CallbackReminder): void;
  dismissToast(id: number): void;
  call(id: number): Promise<boolean>;
  create(input: { number: string; subject: string; dueAt: string | null; fromCallId: string | null }): Promise<boolean>;
  resolve(id: number, outcome: CallbackAgentOutcome, note: string): Promise<boolean>;
}

export const initialCallbacks: CallbacksData = { items: [], loaded: false, loadError: null, actions: {}, toasts: [], createError: null };

const byDue = (a: Callback, b: Callback) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id - b.id;

function upsert(items: Callback[], callback: Callback): Callback[] {
  const rest = items.filter((item) => item.id !== callback.id);
  return (callback.status === 'open' ? [...rest, callback] : rest).sort(byDue);
}

export const useCallbacksStore = create<CallbacksState>()((set, get) => {
  const setAction = (id: number, action: CallbackAction) => set((state) => ({ actions: { ...state.actions, [id]: action } }));
  return {
    ...initialCallbacks,

    load: async () => {
      try {
        const items = await call('callbacks.list', { status: 'open' });
        set({ items: items.filter((item) => item.status === 'open').sort(byDue), loaded: true, loadError: null });
      } catch (error) {
        set({ loadError: toFailure(error) });
      }
    },

    apply: (callback) =>
      set((state) => ({
        items: upsert(state.items, callback),
        // A reminder for a callback that is done no longer needs the agent.
        toasts: callback.status === 'open' ? state.toasts.map((t) => (t.callback.id === callback.id ? { ...t, callback } : t)) : state.toasts.filter((t) => t.callback.id !== callback.id),
      })),

    applyReminder: (reminder) => {
      set((state) => ({
        items: upsert(state.items, reminder.callback),
        toasts: [...state.toasts.filter((t) => t.callback.id !== reminder.callback.id), { callback: reminder.callback, minutesToDue: reminder.minutesToDue }],
      }));
      notify(reminder);
    },

    dismissToast: (id) => set((state) => ({ toasts: state.toasts.filter((t) => t.callback.id !== id) })),

    call: async (id) => {
      if (get().actions[id]?.pending) return false;
      setAction(id, { pending: 'call', error: null });
      try {
        const { callback } = await call('callbacks.call', { id });
        set((state) => ({ items: upsert(state.items, callback), toasts: state.toasts.filter((t) => t.callback.id !== id) }));
        setAction(id, { pending: null, error: null });
        return true;
      } catch (error) {
        setAction(id, { pending: null, error: toFailure(error) });
        return false;
      }
    },

    create: async (input) => {
      set({ createError: null });
      try {
        const callback = await call('callbacks.create', { number: input.number, subject: input.subject, dueAt: input.dueAt, fromCallId: input.fromCallId });
        set((state) => ({ items: upsert(state.items, callback) }));
        return true;
      } catch (error) {
        set({ createError: toFailure(error) });
        return false;
      }
    },

    resolve: async (id, outcome, note) => {
      if (get().actions[id]?.pending) return false;
      setAction(id, { pending: 'resolve', error: null });
      try {
        const callback = await call('callbacks.resolve', { id, outcome, note });
        set((state) => ({ items: upsert(state.items, callback) }));
        setAction(id, { pending: null, error: null });
        return true;
      } catch (error) {
        setAction(id, { pending: null, error: toFailure(error) });
        return false;
      }
    },
  };
});

/** The first open callback that is due now (or overdue) and not already being called; null when none. */
export function nextDueCallback(items: Callback[], now = Date.now()): Callback | null {
  return items.find((item) => item.status === 'open' && !item.callInProgress && (item.overdue || Date.parse(item.dueAt) <= now)) ?? null;
}

/** Who the callback is for, as plain text: the subject, else the number. */
export function callbackTitle(callback: Callback): string {
  return callback.subject.trim() || callback.number;
}

/** The reminder as plain text (the Notification API reads no markup, and gets none). */
export function reminderText(reminder: CallbackReminder): { title: string; body: string } {
  const minutes = reminder.minutesToDue;
  return {
    title: i18n.t('callbacks.reminder.title', { who: callbackTitle(reminder.callback) }),
    body: [reminder.callback.number, minutes >= 0 ? i18n.t('callbacks.reminder.dueIn', { minutes }) : i18n.t('callbacks.reminder.overdue', { minutes: -minutes })].join('\n'),
  };
}

function notify(reminder: CallbackReminder): void {
  const api = (globalThis as { Notification?: typeof Notification }).Notification;
  if (typeof api !== 'function' || api.permission !== 'granted') return;
  const { title, body } = reminderText(reminder);
  const notice = new api(title, { body, tag: `zuoxi-callback-${reminder.callback.id}`, lang: i18n.language });
  notice.onclick = () => {
    window.focus();
    notice.close();
  };
}
