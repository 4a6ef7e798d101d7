import { IPC_INVOKE, IPC_PUSH, PRELOAD_API_KEY, type ZuoxiApi } from '../../main/common/contract';
import { contextBridge, ipcRenderer } from './electron-mock';
import '../../main/app/preload';

const api = contextBridge.exposed.get(PRELOAD_API_KEY) as ZuoxiApi;
const fakeEvent = { sender: ipcRenderer };

afterEach(() => ipcRenderer.removeAllListeners(IPC_PUSH));

describe('preload', () => {
  test('exposes one object, with invoke and on only', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect([...contextBridge.exposed.keys()]).toEqual([PRELOAD_API_KEY]);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(api)).not.toContain(ipcRenderer);
  });

  test('invoke sends channel and args over IPC_INVOKE and returns the Reply', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: ['a'] });
    const reply = await api.invoke('directory.search', { query: 'wang' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC_INVOKE, 'directory.search', { query: 'wang' });
    expect(reply).toEqual({ ok: true, value: ['a'] });
  });

  test('invoke turns a missing handler in main into an unavailable Reply', async () => {
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'zuoxi:invoke'"));
    const reply = await api.invoke('app.ready', {});
    expect(reply).toEqual(expect.objectContaining({ ok: false, code: 'unavailable' }));
  });

  test('on delivers only its own push, payload only (never the IPC event), until unsubscribed', () => {
    const listener = jest.fn();
    const unsubscribe = api.on('status.changed', listener);
    ipcRenderer.emit(IPC_PUSH, fakeEvent, 'directory.importProgress', { importId: 'x', processed: 1, total: 1 });
    ipcRenderer.emit(IPC_PUSH, fakeEvent, 'status.changed', { connection: 'online' });
    expect(listener.mock.calls).toEqual([[{ connection: 'online' }]]);

    unsubscribe();
    expect(ipcRenderer.listenerCount(IPC_PUSH)).toBe(0);
    ipcRenderer.emit(IPC_PUSH, fakeEvent, 'status.changed', { connection: 'offline' });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  test('on ignores push names the contract does not declare', () => {
    const listener = jest.fn();
    const unsubscribe = (api.on as (push: string, listener: (payload: unknown) => void) => () => void)('__proto__', listener);
    expect(ipcRenderer.listenerCount(IPC_PUSH)).toBe(0);
    ipcRenderer.emit(IPC_PUSH, fakeEvent, '__proto__', {});
    expect(listener).not.toHaveBeenCalled();
    expect(() => unsubscribe()).not.toThrow();
  });
});
