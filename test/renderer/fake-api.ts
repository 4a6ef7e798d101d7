import type { ArgsIn, Channel, Push, PushPayload, Result, ZuoxiApi } from '../../main/common/contract';
import type { CallSummary, ContactCard, ContactSummary, Interaction, InteractionKind, SettingsView } from '../../main/common/domain';
import { isZuoxiError, ZuoxiError, type Reply } from '../../main/common/errors';
import type { Callback } from '../../main/common/channels/callbacks';
import type { AgentStateSnapshot, SyncStatusView, WrapUpOptions } from '../../main/common/channels/work';
import { installTransport, type LinkState, type Transport } from '../../renderer/api';
import { initialAgent, useAgentStore } from '../../renderer/features/agent/store';
import { initialCallbacks, useCallbacksStore } from '../../renderer/features/callbacks/store';
import { initialCalls, useCallsStore } from '../../renderer/features/calls/store';
import { initialDirectory, useDirectoryStore } from '../../renderer/features/directory/store';
import { initialLocale, useLocaleStore } from '../../renderer/features/locale/store';
import { initialNotifications, resetShownNotifications, useNotificationsStore } from '../../renderer/features/notifications/store';
import { initialSettings, useSettingsStore } from '../../renderer/features/settings/store';
import { initialStatus, useStatusStore } from '../../renderer/features/status/store';
import { initialSync, useSyncStore } from '../../renderer/features/sync/store';
import { initialScriptLibrary, useScriptLibraryStore } from '../../renderer/features/scripts/library-store';
import { initialScripts, useScriptsStore } from '../../renderer/features/scripts/store';
import { initialWrapUp, useWrapUpStore } from '../../renderer/features/wrap-up/store';
import { i18n } from '../../renderer/i18n';

// What the Electron preload would expose, driven by per-channel handlers. A handler
// that throws ZuoxiError becomes a refused Reply, exactly as the core's router does.

type Handler<C extends Channel> = (args: ArgsIn<C>) => Result<C> | Promise<Result<C>>;
export type FakeHandlers = { [C in Channel]?: Handler<C> };

export class FakeZuoxiApi implements ZuoxiApi {
  readonly calls: Array<{ channel: Channel; args: unknown }> = [];
  private readonly listeners = new Map<Push, Set<(payload: unknown) => void>>();

  constructor(public handlers: FakeHandlers = {}) {}

  async invoke<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<Reply<Result<C>>> {
    this.calls.push({ channel, args });
    const handler = this.handlers[channel] as Handler<C> | undefined;
    if (!handler) return { ok: false, code: 'unknown_channel', message: `the fake has no ${channel}` };
    try {
      return { ok: true, value: await handler(args) };
    } catch (error) {
      if (isZuoxiError(error)) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
  }

  on<P extends Push>(push: P, listener: (payload: PushPayload<P>) => void): () => void {
    let set = this.listeners.get(push);
    if (!set) this.listeners.set(push, (set = new Set()));
    const untyped = listener as (payload: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  emit<P extends Push>(push: P, payload: PushPayload<P>): void {
    for (const listener of this.listeners.get(push) ?? []) listener(payload);
  }

  argsOf<C extends Channel>(channel: C): Array<ArgsIn<C>> {
    return this.calls.filter((entry) => entry.channel === channel).map((entry) => entry.args as ArgsIn<C>);
  }

  listenerCount(push: Push): number {
    return this.listeners.get(push)?.size ?? 0;
  }
}

/**
 * Installs a fresh fake as the transport and puts every store and i18n back to their
 * start. No call is in progress unless the test's own `calls.list` says otherwise.
 */
export async function freshApi(handlers: FakeHandlers = {}): Promise<FakeZuoxiApi> {
  const fake = new FakeZuoxiApi({
    'calls.list': () => [],
    'agent.state': () => agentSnapshot(),
    'wrapup.options': () => wrapUpOptions(),
    'sync.status': () => syncStatus(),
    'callbacks.list': () => [],
    // No script for any line unless the test says otherwise.
    'scripts.resume': () => {
      throw new ZuoxiError('not_found', 'no script is chosen by this number');
    },
    ...handlers,
  });
  installTransport(fake);
  useAgentStore.setState(initialAgent);
  useSyncStore.setState(initialSync);
  useCallbacksStore.setState(initialCallbacks);
  useWrapUpStore.setState(initialWrapUp);
  useScriptsStore.setState(initialScripts);
  useScriptLibraryStore.setState(initialScriptLibrary);
  useDirectoryStore.setState(initialDirectory);
  useCallsStore.setState(initialCalls);
  useStatusStore.setState(initialStatus);
  useLocaleStore.setState(initialLocale);
  useSettingsStore.setState(initialSettings);
  resetShownNotifications();
  useNotificationsStore.setState(initialNotifications);
  await i18n.changeLanguage('zh-CN');
  return fake;
}

/** A promise the test settles by hand, to look at the UI while a call is in flight. */
/** The fake core behind a link the test can drop and restore, as the host's WebSocket can. */
export function withLink(fake: FakeZuoxiApi): (state: LinkState) => void {
  const listeners = new Set<(state: LinkState) => void>();
  const transport: Transport = {
    kind: 'socket',
    invoke: (channel, args) => fake.invoke(channel, args),
    on: (push, listener) => fake.on(push, listener),
    onLink: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  installTransport(transport);
  return (state) => {
    for (const listener of listeners) listener(state);
  };
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function interaction(id: number, overrides: Partial<Interaction> = {}): Interaction {
  const kinds: InteractionKind[] = ['call_in', 'call_out', 'note', 'ticket'];
  return {
    id,
    contactId: 1,
    kind: kinds[id % kinds.length]!,
    occurredAt: new Date(Date.UTC(2026, 0, 1) - id * 60_000).toISOString(),
    outcome: '',
    summary: `interaction ${id}`,
    status: null,
    ...overrides,
  };
}

export function contactCard(id: number, overrides: Partial<ContactCard['contact']> = {}, extra: Partial<ContactCard> = {}): ContactCard {
  return {
    contact: {
      id,
      name: `联系人 ${id}`,
      company: '华东电力',
      numbers: [{ label: 'mobile', raw: '138 0013 8000', e164: '+8613800138000' }],
      tags: ['报修'],
      tier: 'gold',
      notes: '',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...overrides,
    },
    recent: [],
    openItems: [],
    interactionCount: 0,
    ...extra,
  };
}

export function summary(id: number, name: string): ContactSummary {
  return { id, name, company: `公司 ${id}`, tier: '', tags: [], numbers: [`+86138000000${id}`] };
}

/** A call as the core pushes it: inbound and ringing unless told otherwise. */
export function callSummary(id: string, overrides: Partial<CallSummary> = {}): CallSummary {
  return {
    id,
    direction: 'inbound',
    state: 'ringing',
    remote: { number: '13800138000', e164: '+8613800138000', displayName: '', withheld: false },
    dialled: '8001',
    card: null,
    ringAt: new Date(Date.now() - 5_000).toISOString(),
    answerAt: null,
    endAt: null,
    outcome: null,
    endCause: null,
    endDetail: null,
    consultFor: null,
    ...overrides,
  };
}

type SettingValues = SettingsView['values'];
type Layered = { [K in keyof SettingValues]?: Partial<SettingValues[K]> };

/** What settings.get returns: defaults everywhere unless told otherwise (value and/or layer per key). */
export function settingsView(values: Layered = {}, passwordStored = false): SettingsView {
  const base: SettingValues = {
    locale: { value: 'zh-CN', layer: 'default' },
    defaultRegion: { value: 'CN', layer: 'default' },
    logLevel: { value: 'info', layer: 'default' },
    sipAccount: { value: null, layer: 'default' },
    deskPhoneUri: { value: null, layer: 'default' },
    sipEdge: { value: { mode: 'embedded', host: '0.0.0.0', udpPort: 0, tcpPort: 0 }, layer: 'default' },
    notifyWhenFocused: { value: false, layer: 'default' },
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, entry] of Object.entries(values)) merged[key] = { ...(base as Record<string, object>)[key], ...entry };
  return { values: merged as SettingValues, passwordStored };
}

/** What agent.state answers: logged out since the test began unless told otherwise. */
export function agentSnapshot(overrides: Partial<AgentStateSnapshot> = {}): AgentStateSnapshot {
  return {
    state: 'logged_out',
    reason: null,
    since: new Date().toISOString(),
    callId: null,
    wrapUpEndsAt: null,
    dispositionMissing: false,
    afterCall: null,
    ...overrides,
  };
}

/** The center's lists as wrapup.options gives them. */
export function wrapUpOptions(overrides: Partial<WrapUpOptions> = {}): WrapUpOptions {
  return {
    dispositions: [
      { code: 'resolved', label: '已解决', labelEn: 'Resolved' },
      { code: 'repair', label: '报修', labelEn: 'Repair order' },
    ],
    notReadyReasons: [
      { code: 'break', label: '小休', labelEn: 'Break', approved: true },
      { code: 'lunch', label: '午餐', labelEn: 'Lunch', approved: true },
      { code: 'smoke', label: '外出', approved: false },
    ],
    faultTypes: [
      { code: 'no_power', label: '停电', labelEn: 'No power' },
      { code: 'meter', label: '电表故障', labelEn: 'Meter fault' },
    ],
    wrapUp: { enabled: true, autoReadyAfterSeconds: null, dispositionRequired: true },
    ...overrides,
  };
}

/** The outbox as sync.status reports it: empty and idle unless told otherwise. */
export function syncStatus(overrides: Partial<SyncStatusView> = {}): SyncStatusView {
  return {
    activity: 'idle',
    pending: 0,
    sending: 0,
    failed: 0,
    lastError: null,
    lastErrorAt: null,
    lastSuccessAt: null,
    nextAttemptAt: null,
    progress: { done: 0, total: 0 },
    ...overrides,
  };
}

/** An open callback as callbacks.list gives it: due in an hour unless told otherwise. */
export function callbackItem(id: number, overrides: Partial<Callback> = {}): Callback {
  const due = new Date(Date.now() + 60 * 60_000).toISOString();
  return {
    id,
    contactId: null,
    number: `+861380013800${id % 10}`,
    subject: `回访 ${id}`,
    source: 'work_order',
    sourceRef: String(id),
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    deadlineAt: due,
    dueAt: due,
    status: 'open',
    overdue: false,
    attempts: 0,
    lastAttemptAt: null,
    lastSipOutcome: null,
    lastSipDetail: null,
    resolution: null,
    resolvedAt: null,
    callInProgress: null,
    ...overrides,
  };
}
