import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IPC_INVOKE } from '../../main/common/contract';
import { silentLogger } from '../../main/core/log/logger';

type ElectronMock = typeof import('./electron-mock');
type ShellModule = typeof import('../../main/app/shell');

// Each test gets a fresh fake Electron (and a shell bound to it): the app object, its
// listeners and the ipcMain handler table are process-wide in the real thing too.
function load() {
  jest.resetModules();
  const electron = jest.requireActual<ElectronMock>('./electron-mock');
  const { startShell } = jest.requireActual<ShellModule>('../../main/app/shell');
  const workstation = {
    router: { dispatch: jest.fn(async () => ({ ok: true as const, value: null })) },
    hub: { attach: jest.fn(() => () => true), publish: jest.fn() },
    log: silentLogger,
    close: jest.fn(async () => undefined),
  };
  const openWorkstation = jest.fn(async (_dataDir: string, _version: string) => workstation);
  const start = (env: Record<string, string | undefined> = {}, extra: { argv?: string[]; platform?: NodeJS.Platform } = {}) =>
    startShell({
      openWorkstation,
      rendererDir: '/opt/zuoxi/dist/renderer',
      preloadPath: '/opt/zuoxi/preload.js',
      env,
      argv: extra.argv ?? ['/opt/Zuoxi/zuoxi'],
      platform: extra.platform ?? 'linux',
    });
  return { electron, workstation, openWorkstation, start };
}

async function started(env: Record<string, string | undefined> = {}) {
  const loaded = load();
  const running = loaded.start(env);
  loaded.electron.app.markReady();
  const shell = await running;
  if (!shell) throw new Error('shell did not start');
  return { ...loaded, shell };
}

describe('startShell', () => {
  test('enables the sandbox, registers app:// and takes the instance lock before ready', async () => {
    const { electron, start, openWorkstation } = load();
    const running = start();
    await Promise.resolve();
    expect(electron.app.calls).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'setDesktopName:zuoxi.desktop', 'requestSingleInstanceLock']);
    expect(openWorkstation).not.toHaveBeenCalled();
    electron.app.markReady();
    await running;
    expect(openWorkstation).toHaveBeenCalledTimes(1);
  });

  test("opens the core in Electron's userData dir with the app version", async () => {
    const { openWorkstation, shell } = await started();
    expect(openWorkstation).toHaveBeenCalledWith('/fake/userData', '0.1.0-test');
    expect(shell.dataDir).toBe('/fake/userData');
  });

  test('ZUOXI_DATA_DIR moves the data, and the userData profile with it', async () => {
    const { electron, openWorkstation } = await started({ ZUOXI_DATA_DIR: 'seat-2' });
    const expected = path.resolve('seat-2');
    expect(openWorkstation).toHaveBeenCalledWith(expected, expect.any(String));
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', expected);
    expect(electron.app.calls.indexOf('requestSingleInstanceLock')).toBeLessThan(electron.app.calls.indexOf('ready'));
  });

  test('creates the secure agent window on app://zuoxi and wires IPC, protocol and session', async () => {
    const { electron, shell } = await started();
    const window = electron.BrowserWindow.instances[0]!;
    expect(shell.window).toBe(window);
    const web = window.options.webPreferences as Record<string, unknown>;
    expect(web).toMatchObject({ preload: '/opt/zuoxi/preload.js', sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(window.webContents.loadURL).toHaveBeenCalledWith('app://zuoxi/index.html');
    expect(electron.ipcMain.handlers.has(IPC_INVOKE)).toBe(true);
    expect(electron.protocol.handlers.has('app')).toBe(true);
    expect(electron.session.defaultSession.permissionRequest).not.toBeNull();
    expect(electron.session.defaultSession.headersListener).not.toBeNull();
  });

  test('shows the window only once it has painted', async () => {
    const { electron } = await started();
    const window = electron.BrowserWindow.instances[0]!;
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  test('hardens every webContents the app creates', async () => {
    const { electron } = await started();
    const contents = new electron.FakeWebContents();
    electron.app.emit('web-contents-created', new electron.FakeEvent(), contents);
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  test('a second instance quits at once and the first one comes to the front', async () => {
    const first = await started();
    const window = first.electron.BrowserWindow.instances[0]!;
    window.minimized = true;
    first.electron.app.emit('second-instance', new first.electron.FakeEvent(), ['/opt/Zuoxi/zuoxi'], '/home/agent');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();

    const second = load();
    second.electron.app.gotLock = false;
    expect(await second.start()).toBeNull();
    expect(second.electron.app.quit).toHaveBeenCalled();
    expect(second.openWorkstation).not.toHaveBeenCalled();
  });

  test('quitting closes the core once, after IPC stops, then quits for real', async () => {
    const { electron, workstation } = await started();
    let ipcOpenWhileClosing: boolean | null = null;
    workstation.close.mockImplementation(async () => {
      ipcOpenWhileClosing = electron.ipcMain.handlers.has(IPC_INVOKE);
    });
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(workstation.close).toHaveBeenCalledTimes(1);
    expect(ipcOpenWhileClosing).toBe(false);
    expect(electron.app.quit).toHaveBeenCalledTimes(2);
    electron.app.quit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(workstation.close).toHaveBeenCalledTimes(1);
  });

  test('a core that cannot open is shown to the agent and the process exits non-zero', async () => {
    const { electron, start, openWorkstation } = load();
    openWorkstation.mockRejectedValueOnce(new Error('database is locked'));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const running = start();
      electron.app.markReady();
      expect(await running).toBeNull();
    } finally {
      stderr.mockRestore();
    }
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('Zuoxi could not start', expect.stringContaining('database is locked'));
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(electron.BrowserWindow.instances).toHaveLength(0);
  });
});

describe('startShell with the real core', () => {
  test('app.ready over IPC reaches the Workstation and opens the window for pushes', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-shell-'));
    jest.resetModules();
    const electron = jest.requireActual<ElectronMock>('./electron-mock');
    const { startShell } = jest.requireActual<ShellModule>('../../main/app/shell');
    const { Workstation } = jest.requireActual<typeof import('../../main/core/workstation')>('../../main/core/workstation');
    const running = startShell({
      openWorkstation: (dir, version) => Workstation.open({ dataDir: dir, host: 'electron', version, log: silentLogger }),
      rendererDir: path.join(dataDir, 'renderer'),
      preloadPath: path.join(dataDir, 'preload.js'),
      env: { ZUOXI_DATA_DIR: dataDir },
    });
    electron.app.markReady();
    const shell = (await running)!;
    try {
      const window = electron.BrowserWindow.instances[0]!;
      const contents = window.webContents;
      const invoke = electron.ipcMain.handlers.get(IPC_INVOKE) as (...args: unknown[]) => Promise<unknown>;

      const reply = await invoke({ sender: contents, senderFrame: contents.mainFrame }, 'app.ready', {});
      expect(reply).toEqual({ ok: true, value: expect.objectContaining({ host: 'electron', version: '0.1.0-test' }) });

      (shell.workstation as Awaited<ReturnType<typeof Workstation.open>>).setStatus({ agentState: 'ready' });
      expect(contents.send).toHaveBeenCalledWith('zuoxi:push', 'status.changed', expect.objectContaining({ agentState: 'ready' }));

      const refused = await invoke({ sender: contents, senderFrame: contents.subframe() }, 'app.ready', {});
      expect(refused).toEqual(expect.objectContaining({ ok: false, code: 'forbidden_sender' }));
    } finally {
      await shell.workstation.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
