import type * as Electron from 'electron';
import { IpcBridge } from '../../main/app/ipc-bridge';
import { IPC_INVOKE, IPC_PUSH } from '../../main/common/contract';
import type { WorkstationStatus } from '../../main/common/domain';
import type { Reply } from '../../main/common/errors';
import { PushHub } from '../../main/core/ipc/push-gate';
import { silentLogger } from '../../main/core/log/logger';
import { BrowserWindow, FakeFrame, FakeWebContents, asElectron, ipcMain } from './electron-mock';

const APP_PAGE = 'app://zuoxi/index.html';

function status(agentState: WorkstationStatus['agentState']): WorkstationStatus {
  return { connection: 'online', connectionDetail: null, agentState };
}

function setup(options: { readyReply?: Reply<unknown> } = {}) {
  const router = {
    dispatch: jest.fn(async (channel: unknown, _payload: unknown): Promise<Reply<unknown>> => {
      if (channel === 'app.ready' && options.readyReply) return options.readyReply;
      return { ok: true, value: `answer to ${String(channel)}` };
    }),
  };
  const hub = new PushHub();
  const bridge = new IpcBridge(router, hub, silentLogger);
  const window = new BrowserWindow();
  window.webContents.mainFrame.url = APP_PAGE;
  bridge.adopt(asElectron<Electron.BrowserWindow>(window));
  const contents = window.webContents;
  const invoke = (channel: unknown, args: unknown = {}, sender: FakeWebContents = contents, frame: FakeFrame | null = sender.mainFrame) =>
    bridge.invoke(asElectron<Electron.IpcMainInvokeEvent>({ sender, senderFrame: frame }), channel, args);
  const pushesSent = () => contents.send.mock.calls.map(([ipc, push, payload]) => ({ ipc, push, payload }));
  return { router, hub, bridge, window, contents, invoke, pushesSent };
}

const FORBIDDEN = expect.objectContaining({ ok: false, code: 'forbidden_sender' });

describe('IpcBridge sender check', () => {
  test('refuses a message from a subframe of our own window', async () => {
    const { router, contents, invoke } = setup();
    const reply = await invoke('directory.search', { query: 'wang' }, contents, contents.subframe());
    expect(reply).toEqual(FORBIDDEN);
    expect(router.dispatch).not.toHaveBeenCalled();
  });

  test('refuses a webContents the bridge did not adopt, even on an app:// page', async () => {
    const { router, invoke } = setup();
    const stranger = new FakeWebContents(APP_PAGE);
    expect(await invoke('app.ready', {}, stranger)).toEqual(FORBIDDEN);
    expect(router.dispatch).not.toHaveBeenCalled();
  });

  test('refuses our own main frame once it shows a page that is not app://zuoxi', async () => {
    const { router, contents, invoke } = setup();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'about:blank']) {
      contents.mainFrame.url = url;
      expect(await invoke('app.ready')).toEqual(FORBIDDEN);
    }
    expect(router.dispatch).not.toHaveBeenCalled();
  });

  test('refuses when the sending frame is already gone', async () => {
    const { router, contents, invoke } = setup();
    expect(await invoke('app.ready', {}, contents, null)).toEqual(FORBIDDEN);
    expect(router.dispatch).not.toHaveBeenCalled();
  });

  test('refuses a closed window', async () => {
    const { router, window, contents, invoke } = setup();
    window.close();
    expect(await invoke('app.ready', {}, contents)).toEqual(FORBIDDEN);
    expect(router.dispatch).not.toHaveBeenCalled();
  });

  test("dispatches a message from our main frame and returns the router's reply unchanged", async () => {
    const { router, invoke } = setup();
    const reply = await invoke('directory.search', { query: 'wang' });
    expect(router.dispatch).toHaveBeenCalledWith('directory.search', { query: 'wang' });
    expect(reply).toEqual({ ok: true, value: 'answer to directory.search' });
  });

  test('listen() answers IPC_INVOKE through ipcMain until stopped', async () => {
    const { router, bridge, contents } = setup();
    const stop = bridge.listen(asElectron<Electron.IpcMain>(ipcMain));
    const handler = ipcMain.handlers.get(IPC_INVOKE);
    expect(handler).toBeDefined();
    const reply = await (handler as (...args: unknown[]) => Promise<Reply<unknown>>)(
      { sender: contents, senderFrame: contents.mainFrame },
      'app.ready',
      {},
    );
    expect(reply.ok).toBe(true);
    expect(router.dispatch).toHaveBeenCalledWith('app.ready', {});
    stop();
    expect(ipcMain.handlers.has(IPC_INVOKE)).toBe(false);
  });
});

describe('IpcBridge pushes', () => {
  test("holds pushes until the window's app.ready succeeds, then sends them in order", async () => {
    const { hub, invoke, pushesSent } = setup();
    hub.publish('status.changed', status('ringing'));
    hub.publish('directory.importProgress', { importId: 'i1', processed: 1, total: 2 });
    hub.publish('status.changed', status('on_call'));
    expect(pushesSent()).toEqual([]);

    await invoke('app.ready');
    expect(pushesSent()).toEqual([
      { ipc: IPC_PUSH, push: 'status.changed', payload: status('ringing') },
      { ipc: IPC_PUSH, push: 'directory.importProgress', payload: { importId: 'i1', processed: 1, total: 2 } },
      { ipc: IPC_PUSH, push: 'status.changed', payload: status('on_call') },
    ]);

    hub.publish('status.changed', status('wrap_up'));
    expect(pushesSent()).toHaveLength(4);
  });

  test('keeps holding when app.ready fails', async () => {
    const { hub, invoke, pushesSent } = setup({ readyReply: { ok: false, code: 'internal', message: 'boom' } });
    hub.publish('status.changed', status('ringing'));
    await invoke('app.ready');
    expect(pushesSent()).toEqual([]);
  });

  test('a refused app.ready does not open the gate', async () => {
    const { hub, contents, invoke, pushesSent } = setup();
    hub.publish('status.changed', status('ringing'));
    await invoke('app.ready', {}, contents, contents.subframe());
    expect(pushesSent()).toEqual([]);
  });

  test('holds again after the main frame starts a new document, but not on in-page navigation', async () => {
    const { hub, contents, invoke, pushesSent } = setup();
    await invoke('app.ready');

    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true, url: `${APP_PAGE}#calls` });
    hub.publish('status.changed', status('ready'));
    expect(pushesSent()).toHaveLength(1);

    contents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false, url: APP_PAGE });
    hub.publish('status.changed', status('ringing'));
    expect(pushesSent()).toHaveLength(2);

    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: APP_PAGE });
    hub.publish('status.changed', status('on_call'));
    expect(pushesSent()).toHaveLength(2);

    await invoke('app.ready');
    expect(pushesSent().at(-1)).toEqual({ ipc: IPC_PUSH, push: 'status.changed', payload: status('on_call') });
  });

  test("an app.ready from the previous page, answered after a reload began, does not open the new page's gate", async () => {
    const { router, hub, contents, invoke, pushesSent } = setup();
    let answer: (reply: Reply<unknown>) => void = () => {};
    router.dispatch.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const oldReady = invoke('app.ready');
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: APP_PAGE });
    answer({ ok: true, value: null });
    await oldReady;
    hub.publish('status.changed', status('ringing'));
    expect(pushesSent()).toEqual([]);

    await invoke('app.ready');
    expect(pushesSent()).toHaveLength(1);
  });

  test('holds again after the renderer process crashes', async () => {
    const { hub, contents, invoke, pushesSent } = setup();
    await invoke('app.ready');
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    hub.publish('status.changed', status('ringing'));
    expect(pushesSent()).toEqual([]);
  });

  test('detaches the window from the hub when it closes', () => {
    const detach = jest.fn();
    const hub = { attach: jest.fn(() => detach) };
    const bridge = new IpcBridge({ dispatch: jest.fn() }, hub, silentLogger);
    const window = new BrowserWindow();
    bridge.adopt(asElectron<Electron.BrowserWindow>(window));
    expect(hub.attach).toHaveBeenCalledTimes(1);
    expect(detach).not.toHaveBeenCalled();
    window.close();
    expect(detach).toHaveBeenCalledTimes(1);
  });
});
