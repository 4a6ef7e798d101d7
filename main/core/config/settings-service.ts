import type { CallSummary, SettingApplies, SettingLayer, SettingsView, SettingUpdateResult } from '../../common/domain';
import { ZuoxiError } from '../../common/errors';
import type { Logger } from '../log/logger';
import type { SecretProvider } from '../secrets';
import { SettingsSchema, type SettingKey, type Settings, type SettingsStore } from './settings';

/** What the settings screen needs from the calls service (CallsService fits as is). */
export interface CallsControl {
  list(): CallSummary[];
  /** Stops the SIP stack and registration and starts them again from the current settings. */
  restart(): Promise<void>;
}

export interface SettingsServiceOptions {
  store: SettingsStore;
  secrets: SecretProvider;
  calls: CallsControl;
  /** Every change, for the `settings.changed` push. */
  publish: (view: SettingsView) => void;
  log: Logger;
}

/** What the calls service reads at start(): a change to one of these needs a restart of the line. */
const SIP_KEYS: ReadonlySet<string> = new Set<SettingKey>(['sipAccount', 'deskPhoneUri', 'sipEdge']);
/**
 * Read at the moment they are used, so a change applies at once (the callbacks
 * service also re-arms its reminders on settings.changed).
 */
const LIVE_KEYS: ReadonlySet<string> = new Set<SettingKey>(['locale', 'notifyWhenFocused', 'answerWithinSeconds', 'callbacks', 'kpi']);

type SettingEntries = { [K in SettingKey]: { value: Settings[K]; layer: SettingLayer } };

/**
 * The settings screen's side of the core: every value with the layer it came from, and
 * the agent's changes checked by the settings schema, saved in their own layer and
 * applied. A SIP change makes the line register again — but only once no call is in
 * progress, because restarting the SIP stack ends every call.
 */
export class SettingsService {
  private restartPending = false;
  private closed = false;
  /** Restarts run one after another: two quick saves must not interleave stop and start. */
  private restarting: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly options: SettingsServiceOptions) {
    this.log = options.log.child({ module: 'settings' });
  }

  async view(): Promise<SettingsView> {
    const { store } = this.options;
    const current = store.current;
    const entries = Object.fromEntries(
      (Object.keys(current) as SettingKey[]).map((key) => [key, { value: current[key], layer: store.layerOf(key) }]),
    ) as SettingEntries;
    // Compile-time proof that the core's settings fit the contract's description of them.
    const values: SettingsView['values'] = entries;
    return { values, passwordStored: await this.passwordStored(current) };
  }

  async update(key: string, value: unknown): Promise<SettingUpdateResult> {
    const { store } = this.options;
    if (!isSettingKey(key)) throw new ZuoxiError('not_found', `There is no setting named ${JSON.stringify(key)}`);
    if (store.layerOf(key) === 'policy') {
      throw new ZuoxiError('policy_locked', `${key} is set by your administrator's policy and cannot be changed here`);
    }
    const parsed = SettingsSchema.shape[key].safeParse(value);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${[key, ...issue.path.map(String)].join('.')}: ${issue.message}`)
        .join('; ');
      throw new ZuoxiError('invalid_input', `${key} was not saved: ${reason}`);
    }
    const before = JSON.stringify(store.current[key]);
    store.set(key, parsed.data as Settings[typeof key]);
    const changed = JSON.stringify(store.current[key]) !== before;
    const applies = this.apply(key, changed);
    this.log.info('settings.updated', { key, changed, applies });
    const settings = await this.view();
    this.options.publish(settings);
    return { settings, applies };
  }

  /** Called after every change of a call: a restart held back for a call runs once the last one has ended. */
  callsChanged(): void {
    if (!this.restartPending || this.options.calls.list().length > 0) return;
    this.restartPending = false;
    // Out of the calls service's own stack: it is still concluding the call that just ended.
    this.scheduleRestart(() => new Promise<void>((resolve) => setImmediate(resolve)));
  }

  /** Settles when every restart asked for so far has run. */
  settled(): Promise<void> {
    return this.restarting;
  }

  /** Before the calls service stops for good: no restart may start the line again after it. */
  close(): Promise<void> {
    this.closed = true;
    this.restartPending = false;
    return this.restarting;
  }

  private apply(key: SettingKey, changed: boolean): SettingApplies {
    if (LIVE_KEYS.has(key)) return 'now';
    if (!SIP_KEYS.has(key)) return 'next_start';
    if (!changed) return this.restartPending ? 'after_calls' : 'now';
    if (this.options.calls.list().length > 0) {
      this.restartPending = true;
      return 'after_calls';
    }
    // In the background: unregistering from a registrar that does not answer takes seconds,
    // and the status bar shows the line's progress anyway.
    this.scheduleRestart();
    return 'now';
  }

  private scheduleRestart(before: () => Promise<void> = async () => undefined): void {
    this.restarting = this.restarting
      .then(before)
      .then(() => (this.closed ? undefined : this.options.calls.restart()))
      .catch((error: unknown) => this.log.error('settings.restart_failed', { error }));
  }

  private async passwordStored(current: Settings): Promise<boolean> {
    if (!current.sipAccount) return false;
    try {
      return (await this.options.secrets.get(current.sipAccount.passwordSecret)) !== null;
    } catch (error) {
      // A keychain that cannot decrypt it any more: the agent has to enter it again.
      this.log.warn('settings.password_unreadable', { error: (error as Error).message });
      return false;
    }
  }
}

function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SettingsSchema.shape, key);
}
