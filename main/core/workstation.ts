import path from 'node:path';
import type { Handlers } from '../common/contract';
import type { AgentStateSnapshot } from '../common/channels/work';
import type { AppInfo, WorkstationStatus } from '../common/domain';
import { CallLog } from './calls/call-log';
import { CallsService, type CallsServiceOptions } from './calls/calls-service';
import { SettingsStore, type Settings } from './config/settings';
import { SettingsService } from './config/settings-service';
import { DirectoryService } from './directory/directory-service';
import { systemClock, TimerGroup, type Clock } from './edge/clock';
import { IpcRouter } from './ipc/router';
import { PushHub } from './ipc/push-gate';
import { RotatingFileSink, StructuredLogger, type Logger } from './log/logger';
import { Database } from './store/database';
import { MemorySecretProvider, type SecretProvider } from './secrets';
import { migrate } from './store/migrations';
import { NodeHttpSender } from './sync/http-sender';
import { Outbox } from './sync/outbox';
import { SyncWorker } from './sync/sync-worker';
import { AgentStateService } from './work/agent-state/agent-state-service';
import { ScheduleService } from './work/schedule/schedule-service';
import { ScriptLibrary } from './work/scripts/script-library';
import { CallScripts } from './work/wrap-up/call-scripts';
import { WrapUpService } from './work/wrap-up/wrap-up-service';
import { CallbackService } from './work/callbacks/callback-service';
import { dialStringFor } from './work/callbacks/dial-string';
import { PhoneNumberNormalizer, type CountryCode } from './directory/phone-number';
import { KpiService } from './kpi/kpi-service';
import type { ManagedPolicy } from './config/managed-policy';

/** How often the daily upkeep (startHousekeeping) runs. */
const HOUSEKEEPING_EVERY_MS = 24 * 60 * 60 * 1000;

export interface WorkstationOptions {
  /** Per-user data directory: database, settings, logs. */
  dataDir: string;
  /** Which process hosts the core; shown in AppInfo. */
  host: AppInfo['host'];
  version: string;
  /** IT's managed policy file, if any (absent is fine). */
  policyFile?: string | null;
  /** IT's policy from the OS channel (Group Policy, MDM), read by the host at start; wins over the file. */
  managedPolicy?: ManagedPolicy | null;
  /** Values that win over the user's file for this run (tests, command line). */
  settings?: Partial<Settings>;
  /** Defaults to a rotating file in `<dataDir>/logs`. */
  log?: Logger;
  clock?: () => Date;
  /** Timers and timestamps of the work services (wrap-up return, sync backoff); a hand-stepped clock in tests. Defaults to `clock` with real timers. */
  workClock?: Clock;
  /** Where the SIP password and other secrets come from; the shell passes the OS keychain. Defaults to memory. */
  secrets?: SecretProvider;
  /** Tuning for tests: fast SIP timers, short backoff. */
  calls?: Partial<Pick<CallsServiceOptions, 'edgeTimers' | 'backoff' | 'timers' | 'lookupDeadlineMs' | 'transferTimeoutMs'>>;
}

/**
 * The composition root: builds every core service from configuration and hands
 * each its dependencies through its constructor. Both the Electron shell and the
 * headless host open one of these and carry `router` and `hub` over their transport.
 */
export class Workstation {
  private status: WorkstationStatus = {
    connection: 'offline',
    connectionDetail: null,
    connectionReason: 'not_configured',
    agentState: 'logged_out',
    agentStateReason: null,
    agentStateSince: null,
  };
  readonly calls: CallsService;
  readonly settingsService: SettingsService;
  /** One per database: every record for the back office is enqueued through it, inside the record's transaction. */
  readonly outbox: Outbox;
  readonly agentState: AgentStateService;
  /** The shift schedule and the floor-rule check of the state log against it. */
  readonly schedule: ScheduleService;
  readonly scripts: ScriptLibrary;
  /** The script run of each call (the panel's clicks), whose path the wrap-up saves. */
  readonly callScripts: CallScripts;
  readonly wrapUp: WrapUpService;
  /** Sends the outbox to the back office (settings.backOffice; idle while that is null). */
  readonly sync: SyncWorker;
  /** Callbacks (回访). The wrap-up module hands it repair work orders through `callbacks.createFromWorkOrder`. */
  readonly callbacks: CallbackService;
  /** The work clock's now (ms): the KPI month's facts are read as of it. */
  readonly nowMs: () => number;
  /** This seat's agent's scorecard (issue 6). */
  readonly kpi: KpiService;
  private readonly workTimers: TimerGroup;
  private closing = false;
  private housekeepingRun: Promise<void> = Promise.resolve();

  private constructor(
    readonly options: WorkstationOptions,
    readonly log: Logger,
    readonly settings: SettingsStore,
    readonly db: Database,
    readonly directory: DirectoryService,
    readonly secrets: SecretProvider,
    clock: () => Date,
    workClock: Clock,
    outbox: Outbox,
    private readonly closeLog: () => void,
  ) {
    const current = () => this.settings.current;
    this.nowMs = () => workClock.now();
    this.workTimers = new TimerGroup(workClock);
    this.outbox = outbox;
    this.agentState = new AgentStateService({
      db,
      outbox: this.outbox,
      log: log.child({ module: 'agent-state' }),
      clock: workClock,
      settings: current,
      // The extension is who the attendance rows belong to: the schedule names agents by it.
      agentId: () => this.settings.current.sipAccount?.user ?? '',
      onChange: (snapshot) => this.agentStateChanged(snapshot),
    });
    this.schedule = new ScheduleService({
      db,
      log: log.child({ module: 'schedule' }),
      now: () => new Date(workClock.now()),
      notReadyReasons: () => this.settings.current.notReadyReasons,
      agentId: () => this.settings.current.sipAccount?.user ?? '',
    });
    this.calls = new CallsService({
      ...options.calls,
      settings: current,
      secrets,
      directory,
      callLog: new CallLog(db, directory, log.child({ module: 'calls.log' })),
      log,
      now: clock,
      publish: (summary) => {
        this.hub.publish('calls.changed', summary);
        // A callback's click-to-call ends here: its SIP final response is recorded on the attempt.
        this.callbacks.onCallChanged(summary).catch((error: unknown) => this.log.error('callbacks.call_end_failed', { callId: summary.id, error }));
        this.agentState.callsChanged(this.calls.list());
        this.settingsService.callsChanged();
      },
      onLineState: (line) => {
        this.setStatus(line);
        if (line.connection === 'online') this.agentState.lineOnline();
      },
      admitsInbound: () => this.agentState.acceptsInbound(),
    });
    const numbers = new PhoneNumberNormalizer({ defaultRegion: settings.current.defaultRegion as CountryCode });
    this.callbacks = new CallbackService({
      db,
      outbox: this.outbox,
      log,
      clock: workClock,
      settings: () => this.settings.current.callbacks,
      toE164: (raw) => numbers.toE164(raw),
      toDialString: (e164) => dialStringFor(e164, numbers.defaultRegion, this.settings.current.callbacks.dialFormat),
      dialer: { dial: (number) => this.calls.dial(number) },
      onChanged: (callback) => this.hub.publish('callbacks.changed', callback),
      onReminder: (reminder) => this.hub.publish('callbacks.reminder', reminder),
    });
    this.kpi = new KpiService({
      db,
      callbacks: this.callbacks,
      secrets,
      settings: () => this.settings.current.kpi,
      agent: () => this.settings.current.sipAccount?.user ?? '',
      nowMs: this.nowMs,
    });
    this.scripts = new ScriptLibrary(db, log.child({ module: 'scripts' }), clock);
    this.callScripts = new CallScripts({
      library: this.scripts,
      now: clock,
      call: (callId) => this.calls.list().find((call) => call.id === callId) ?? null,
      agent: () => ({ name: this.settings.current.sipAccount?.displayName || null, extension: this.settings.current.sipAccount?.user ?? null }),
    });
    this.wrapUp = new WrapUpService({
      outbox: this.outbox,
      log: log.child({ module: 'wrap-up' }),
      now: () => new Date(workClock.now()),
      settings: current,
      toE164: (raw) => numbers.toE164(raw),
      callKnown: async (callId) =>
        this.calls.list().some((call) => call.id === callId) || (await db.get<{ one: number }>('SELECT 1 AS one FROM calls WHERE call_id = ?', [callId])) !== undefined,
      scriptPath: (callId) => this.callScripts.path(callId),
      agentId: () => this.settings.current.sipAccount?.user ?? '',
      dispositionSaved: (callId) => this.agentState.dispositionSaved(callId),
    });
    // Every repair work order is called back within 24 h (seed): the callbacks service makes that callback.
    this.wrapUp.onWorkOrderSaved(async (order) => {
      await this.callbacks.createFromWorkOrder({ id: order.id, createdAt: order.createdAt, contactPhone: order.contactE164, subject: order.faultType });
    });
    this.sync = new SyncWorker({
      outbox: this.outbox,
      sender: new NodeHttpSender(),
      secrets,
      settings: () => this.settings.current.backOffice,
      log: log.child({ module: 'sync' }),
      clock: workClock,
    });
    this.sync.onStatus((status) => this.hub.publish('sync.changed', status));
    this.settingsService = new SettingsService({
      store: settings,
      secrets,
      calls: this.calls,
      publish: (view) => {
        this.hub.publish('settings.changed', view);
        // A back-office endpoint set (or fixed) now is tried now, not at the next poll.
        this.sync.notify();
        // A new reminder lead time applies to the callbacks already waiting, not only to the next one.
        this.callbacks.armReminders().catch((error: unknown) => this.log.error('callbacks.reminders_failed', { error }));
      },
      log,
    });
    this.router = new IpcRouter(buildHandlers(this), log.child({ module: 'ipc' }));
  }

  readonly hub = new PushHub();
  readonly router: IpcRouter;

  static async open(options: WorkstationOptions): Promise<Workstation> {
    const clock = options.clock ?? (() => new Date());
    const settings = new SettingsStore(
      { userFile: path.join(options.dataDir, 'settings.json'), policyFile: options.policyFile ?? null, managed: options.managedPolicy ?? null },
      options.settings,
    );
    let closeLog = () => {};
    let log = options.log;
    if (!log) {
      const sink = new RotatingFileSink(path.join(options.dataDir, 'logs'));
      log = new StructuredLogger(sink, settings.current.logLevel);
      closeLog = () => sink.close();
    }
    const db = await Database.open(path.join(options.dataDir, 'zuoxi.db'), log.child({ module: 'store' }));
    try {
      await migrate(db, log.child({ module: 'migrations' }));
    } catch (error) {
      await db.close();
      throw error;
    }
    const secrets = options.secrets ?? new MemorySecretProvider();
    const workClock: Clock = options.workClock ?? { ...systemClock, now: () => clock().getTime() };
    // Before the directory: the contacts agents save are queued for the CRM through it.
    const outbox = new Outbox(db, { now: () => new Date(workClock.now()) });
    const directory = new DirectoryService(
      db,
      {
        defaultRegion: settings.current.defaultRegion as never,
        // The connectors are read from the settings at each lookup: a policy change applies to the next call.
        lookup: { settings: () => settings.current, secrets },
        crmQueue: { outbox, agentId: () => settings.current.sipAccount?.user ?? '' },
      },
      log.child({ module: 'directory' }),
      clock,
    );
    const workstation = new Workstation(options, log, settings, db, directory, secrets, clock, workClock, outbox, closeLog);
    await workstation.agentState.open();
    await workstation.callbacks.start();
    workstation.sync.start();
    workstation.startHousekeeping();
    log.info('workstation.opened', { host: options.host, version: options.version });
    // Registration runs in the background: the window opens at once and shows its progress.
    void workstation.calls.start();
    return workstation;
  }

  appInfo(): AppInfo {
    return {
      version: this.options.version,
      locale: this.settings.current.locale,
      host: this.options.host,
      status: this.status,
    };
  }

  /** Later issues (SIP registration, agent state) change the status through here. */
  setStatus(next: Partial<WorkstationStatus>): void {
    this.status = { ...this.status, ...next };
    this.hub.publish('status.changed', this.status);
  }

  /** The agent's state (work/agent-state) is what status.changed carries as agentState. */
  private agentStateChanged(snapshot: AgentStateSnapshot): void {
    this.setStatus({ agentState: snapshot.state, agentStateReason: snapshot.reason, agentStateSince: snapshot.since });
  }

  /** Daily upkeep that nobody asks for: old CRM answers dropped (now, then every 24 h of the work clock). */
  private startHousekeeping(): void {
    const run = () => {
      this.housekeepingRun = this.directory
        .forgetStaleConnectorAnswers(new Date(this.nowMs()))
        .then(
          () => undefined,
          (error: unknown) => this.log.error('workstation.housekeeping_failed', { error }),
        )
        .finally(() => {
          if (!this.closing) this.workTimers.start(HOUSEKEEPING_EVERY_MS, run);
        });
    };
    run();
  }

  async close(): Promise<void> {
    this.log.info('workstation.closing');
    this.closing = true;
    this.workTimers.cancelAll();
    // A pass in flight reads the database: it finishes before the database closes.
    await this.housekeepingRun;
    // A SIP restart still on its way must not start the line again once it is stopped.
    await this.settingsService.close();
    await this.calls.stop();
    // The logout row is the attendance record of the end of the day: written before the database closes.
    await this.agentState.close();
    // The worker reads the database: stopped (its request in flight finished) before it closes. Unsent rows wait for the next start.
    await this.sync.close();
    // After the calls: an ended callback call is still being recorded.
    await this.callbacks.stop();
    await this.db.close();
    this.closeLog();
  }
}

function buildHandlers(ws: Workstation): Handlers {
  return {
    'app.ready': async () => ws.appInfo(),
    // Through the settings service, so the settings screen hears of it (settings.changed).
    'app.setLocale': async ({ locale }) => (await ws.settingsService.update('locale', locale)).settings.values.locale.value,
    'directory.search': ({ query, limit }) => ws.directory.search(query, limit),
    'directory.card': ({ contactId }) => ws.directory.card(contactId),
    'directory.lookupNumber': ({ number }) => ws.directory.lookupNumber(number),
    'directory.saveContact': ({ contactId, contact, callId }) => ws.directory.saveContact(contactId, contact, callId),
    'directory.history': ({ contactId, before, limit }) => ws.directory.history(contactId, before, limit),
    'directory.addInteraction': (input) => ws.directory.addInteraction(input),
    'directory.import': ({ fileName, format, contentBase64 }) =>
      ws.directory.import({ fileName, format, content: Buffer.from(contentBase64, 'base64') }, (progress) =>
        ws.hub.publish('directory.importProgress', progress),
      ),
    'calls.setPassword': async ({ password }) => {
      await ws.calls.setPassword(password);
      return {};
    },
    'calls.list': async () => ws.calls.list(),
    'calls.answer': ({ callId }) => ws.calls.answer(callId),
    'calls.reject': ({ callId, reason }) => ws.calls.reject(callId, reason),
    'calls.hangup': ({ callId }) => ws.calls.hangup(callId),
    'calls.hold': ({ callId, hold }) => ws.calls.hold(callId, hold),
    'calls.dtmf': ({ callId, digits }) => ws.calls.dtmf(callId, digits),
    'calls.transfer': ({ callId, target }) => ws.calls.transfer(callId, target),
    'calls.consult': ({ callId, target }) => ws.calls.consult(callId, target),
    'calls.completeTransfer': ({ callId, consultCallId }) => ws.calls.completeTransfer(callId, consultCallId),
    'calls.dial': ({ number }) => ws.calls.dial(number),
    'calls.log': ({ limit, before }) => ws.calls.logPage(limit, before),
    'settings.get': () => ws.settingsService.view(),
    'settings.update': ({ key, value }) => ws.settingsService.update(key, value),
    'agent.setState': ({ state, reason }) => ws.agentState.setState(state, reason),
    'agent.state': async () => ws.agentState.current,
    'wrapup.save': (input) => ws.wrapUp.save(input),
    'wrapup.options': async () => {
      const { dispositions, notReadyReasons, faultTypes, wrapUp } = ws.settings.current;
      return { dispositions, notReadyReasons, faultTypes, wrapUp };
    },
    'scripts.list': () => ws.scripts.list(),
    'scripts.import': ({ fileName, text }) => ws.scripts.import(text, { fileName }),
    'scripts.export': async ({ id, format }) => ({ text: await ws.scripts.export(id, format) }),
    'scripts.remove': async ({ id }) => {
      await ws.scripts.remove(id);
      return { id };
    },
    'scripts.start': ({ callId, scriptId }) => ws.callScripts.start(callId, scriptId),
    'scripts.resume': ({ callId }) => ws.callScripts.resume(callId),
    'scripts.answer': async ({ callId, stepId, optionId }) => ws.callScripts.answer(callId, stepId, optionId),
    'scripts.continue': async ({ callId, stepId }) => ws.callScripts.continue(callId, stepId),
    'scripts.objection': async ({ callId, stepId, snippetId }) => ws.callScripts.objection(callId, stepId, snippetId),
    'scripts.repeat': async ({ callId, stepId }) => ws.callScripts.repeat(callId, stepId),
    'scripts.back': async ({ callId, stepId }) => ws.callScripts.back(callId, stepId),
    'sync.status': () => ws.sync.status(),
    'sync.retryFailed': async ({ ids }) => ({ requeued: await ws.sync.retryFailed(ids) }),
    'schedule.import': ({ fileName, contentBase64 }) => ws.schedule.import({ fileName, content: Buffer.from(contentBase64, 'base64') }),
    'schedule.flags': ({ from, to, agent }) => ws.schedule.flags(new Date(from), new Date(to), agent),
    'callbacks.list': ({ status, limit }) => ws.callbacks.list(status, limit),
    'callbacks.create': (input) => ws.callbacks.create(input),
    'callbacks.call': ({ id }) => ws.callbacks.call(id),
    'callbacks.resolve': ({ id, outcome, note }) => ws.callbacks.resolve(id, outcome, note),
    'callbacks.attempts': ({ id }) => ws.callbacks.attempts(id),
    'callbacks.stats': ({ from, to }) => ws.callbacks.callbackStats(from, to),
    'kpi.profiles': async () => ws.kpi.profiles(),
    'kpi.scorecard': ({ month, profileId }) => ws.kpi.scorecard(month, profileId),
    'kpi.trend': ({ month, months, profileId }) => ws.kpi.trend(month, months, profileId),
    'kpi.calls': ({ month, limit }) => ws.kpi.calls(month, limit),
    'kpi.whatIf': ({ month, profileId, change }) => ws.kpi.whatIf(month, profileId, change),
    'kpi.importFacts': ({ fileName, contentBase64 }) => ws.kpi.importCsv(fileName, Buffer.from(contentBase64, 'base64')),
    'kpi.fetchFacts': ({ month }) => ws.kpi.fetch(month),
    'kpi.factImports': ({ limit }) => ws.kpi.imports(limit),
  };
}
