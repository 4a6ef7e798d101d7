import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import type { PushHub } from '../core/ipc/push-gate';
import type { Logger } from '../core/log/logger';
import { APP_INDEX_URL, installAppProtocol, registerAppScheme } from './app-protocol';
import { IpcBridge, type InvokeRouter } from './ipc-bridge';
import { RingingCallNotifier } from './notifications';
import { DialLinks, dialLinkInArgv, registerLinkHandlers } from './protocol-links';
import { hardenContents, hardenSession } from './security';
import { agentWindowOptions } from './windows';

/** What the shell needs from main/core's Workstation (which satisfies it as is). */
export interface WorkstationLike {
  readonly router: InvokeRouter;
  readonly hub: Pick<PushHub, 'attach' | 'publish'>;
  readonly log: Logger;
  close(): Promise<void>;
}

export interface ShellOptions {
  openWorkstation(dataDir: string, version: string): Promise<WorkstationLike>;
  /** The built renderer (dist/renderer), served as app://zuoxi/. */
  rendererDir: string;
  /** The esbuild-bundled preload (dist/main/app/preload.js). */
  preloadPath: string;
  env?: Record<string, string | undefined>;
  /** The command line (a tel:/sip: link may be on it); process.argv by default. */
  argv?: readonly string[];
  platform?: NodeJS.Platform;
}

export interface RunningShell {
  dataDir: string;
  workstation: WorkstationLike;
  bridge: IpcBridge;
  window: BrowserWindow;
}

/**
 * Starts the desktop app around the core. Returns null when this process should not
 * run: another instance holds the lock (it gets focus instead) or the core failed to
 * open (the agent saw why).
 */
export async function startShell(options: ShellOptions): Promise<RunningShell | null> {
  // Both must happen before 'ready': Chromium reads them while it starts.
  app.enableSandbox();
  registerAppScheme();
  const platform = options.platform ?? process.platform;
  // Linux finds the tel:/sip: handler (and the window's icon) by this .desktop file's name:
  // electron-builder's, and build/linux/zuoxi.desktop for hand installs.
  if (platform === 'linux') app.setDesktopName('zuoxi.desktop');
  // Windows shows toasts only for the AppUserModelID the installer's shortcut carries (the appId).
  if (platform === 'win32') app.setAppUserModelId('com.zuoxi.workstation');
  const dataDir = chooseDataDir(options.env ?? process.env);
  // Two instances on one data dir would fight over the database and the SIP account.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // A tel:/sip: link waits here until the window can take it. macOS hands links over as
  // open-url, possibly before ready; Windows and Linux put them on the command line.
  const links = new DialLinks();
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.receive(url);
  });
  links.receive(dialLinkInArgv(options.argv ?? process.argv));
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, (url) => shell.openExternal(url)));
  await app.whenReady();

  let workstation: WorkstationLike;
  try {
    workstation = await options.openWorkstation(dataDir, app.getVersion());
  } catch (error) {
    reportStartFailure(error, dataDir);
    return null;
  }
  const log = workstation.log.child({ module: 'shell' });
  links.useLog(log.child({ module: 'links' }));
  hardenSession(session.defaultSession);
  installAppProtocol(options.rendererDir);
  const bridge = new IpcBridge(workstation.router, workstation.hub, workstation.log.child({ module: 'ipc-bridge' }));
  const stopListening = bridge.listen(ipcMain);
  const window = openAgentWindow(bridge, options.preloadPath, log);

  const stopNotifying = new RingingCallNotifier({ router: workstation.router, hub: workstation.hub, window, log }).start();
  // The number goes to the dial pad (held until the window is ready); the agent presses Call.
  links.attach((request) => {
    bringForward(window);
    workstation.hub.publish('calls.dialRequested', request);
  });
  registerLinkHandlers(app, log);

  app.on('second-instance', (_event, argv) => {
    bringForward(window);
    links.receive(dialLinkInArgv(argv));
  });
  app.on('window-all-closed', () => app.quit());
  quitAfterClosing(
    workstation,
    () => {
      stopNotifying();
      stopListening();
    },
    log,
  );
  log.info('shell.started', { dataDir });
  return { dataDir, workstation, bridge, window };
}

/** Shown to the agent and written to stderr; the process then exits non-zero. */
export function reportStartFailure(error: unknown, dataDir?: string): void {
  const reason = error instanceof Error ? error.message : String(error);
  const where = dataDir ? `\n\nData folder: ${dataDir}` : '';
  process.stderr.write(`Zuoxi could not start: ${reason}\n`);
  dialog.showErrorBox('Zuoxi could not start', `${reason}${where}`);
  app.exit(1);
}

function chooseDataDir(env: Record<string, string | undefined>): string {
  const override = env.ZUOXI_DATA_DIR;
  if (!override) return app.getPath('userData');
  // Chromium's profile and the single-instance lock follow userData, so a second
  // data dir (a test, a supervisor seat on the same PC) is a separate instance.
  const dataDir = path.resolve(override);
  app.setPath('userData', dataDir);
  return dataDir;
}

function bringForward(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function openAgentWindow(bridge: IpcBridge, preloadPath: string, log: Logger): BrowserWindow {
  const window = new BrowserWindow(agentWindowOptions(preloadPath, { devTools: !app.isPackaged }));
  bridge.adopt(window);
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_INDEX_URL).catch((error: unknown) => log.error('shell.load_failed', { error }));
  return window;
}

/**
 * The first quit request is held until the core has closed (the database flushed,
 * calls hung up), then repeated. IPC stops first, so a late click gets
 * `unavailable` from the preload instead of touching a closing database.
 */
function quitAfterClosing(workstation: WorkstationLike, stopListening: () => void, log: Logger): void {
  let closing: Promise<void> | null = null;
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closing ??= (async () => {
      stopListening();
      try {
        await workstation.close();
      } catch (error) {
        log.error('shell.close_failed', { error });
      }
      closed = true;
      app.quit();
    })();
  });
}
