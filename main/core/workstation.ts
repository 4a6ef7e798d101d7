import path from 'node:path';
import type { Handlers } from '../common/contract';
import type { AppInfo, WorkstationStatus } from '../common/domain';
import { SettingsStore, type Settings } from './config/settings';
import { DirectoryService } from './directory/directory-service';
import { IpcRouter } from './ipc/router';
import { PushHub } from './ipc/push-gate';
import { RotatingFileSink, StructuredLogger, type Logger } from './log/logger';
import { Database } from './store/database';
import { migrate } from './store/migrations';

export interface WorkstationOptions {
  /** Per-user data directory: database, settings, logs. */
  dataDir: string;
  /** Which process hosts the core; shown in AppInfo. */
  host: AppInfo['host'];
  version: string;
  /** IT's managed policy file, if any. */
  policyFile?: string | null;
  /** Values that win over the user's file for this run (tests, command line). */
  settings?: Partial<Settings>;
  /** Defaults to a rotating file in `<dataDir>/logs`. */
  log?: Logger;
  clock?: () => Date;
}

/**
 * The composition root: builds every core service from configuration and hands
 * each its dependencies through its constructor. Both the Electron shell and the
 * headless host open one of these and carry `router` and `hub` over their transport.
 */
export class Workstation {
  private status: WorkstationStatus = {
    connection: 'offline',
    // Issue 3's registration fills this in; until then there is no line to describe.
    connectionDetail: null,
    agentState: 'logged_out',
  };

  private constructor(
    readonly options: WorkstationOptions,
    readonly log: Logger,
    readonly settings: SettingsStore,
    readonly db: Database,
    readonly directory: DirectoryService,
    private readonly closeLog: () => void,
  ) {
    this.router = new IpcRouter(buildHandlers(this), log.child({ module: 'ipc' }));
  }

  readonly hub = new PushHub();
  readonly router: IpcRouter;

  static async open(options: WorkstationOptions): Promise<Workstation> {
    const clock = options.clock ?? (() => new Date());
    const settings = new SettingsStore(
      { userFile: path.join(options.dataDir, 'settings.json'), policyFile: options.policyFile ?? null },
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
    const directory = new DirectoryService(
      db,
      { defaultRegion: settings.current.defaultRegion as never },
      log.child({ module: 'directory' }),
      clock,
    );
    const workstation = new Workstation(options, log, settings, db, directory, closeLog);
    log.info('workstation.opened', { host: options.host, version: options.version });
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

  async close(): Promise<void> {
    this.log.info('workstation.closing');
    await this.db.close();
    this.closeLog();
  }
}

function buildHandlers(ws: Workstation): Handlers {
  return {
    'app.ready': async () => ws.appInfo(),
    'app.setLocale': async ({ locale }) => ws.settings.set('locale', locale).locale,
    'directory.search': ({ query, limit }) => ws.directory.search(query, limit),
    'directory.card': ({ contactId }) => ws.directory.card(contactId),
    'directory.lookupNumber': ({ number }) => ws.directory.lookupNumber(number),
    'directory.saveContact': ({ contactId, contact }) => ws.directory.saveContact(contactId, contact),
    'directory.history': ({ contactId, before, limit }) => ws.directory.history(contactId, before, limit),
    'directory.addInteraction': (input) => ws.directory.addInteraction(input),
    'directory.import': ({ fileName, format, contentBase64 }) =>
      ws.directory.import({ fileName, format, content: Buffer.from(contentBase64, 'base64') }, (progress) =>
        ws.hub.publish('directory.importProgress', progress),
      ),
  };
}
