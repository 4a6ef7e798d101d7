import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_INVOKE, IPC_PUSH, PRELOAD_API_KEY, isPush } from '../common/constants';
import type { ZuoxiApi } from '../common/contract';
import type { Reply } from '../common/errors';

// The sandboxed preload: the page's only door to the core. It hands the page two
// functions and nothing else — never ipcRenderer, never an IPC event (whose `sender`
// is ipcRenderer) — so a compromised page can ask only what the contract allows.
// esbuild bundles this file (scripts/build-preload.mjs): a sandboxed preload can
// require nothing but 'electron'.

const UNAVAILABLE: Reply<never> = {
  ok: false,
  code: 'unavailable',
  message: 'The workstation did not answer; it may be restarting',
};

const api: ZuoxiApi = {
  invoke: (channel, args) =>
    // Rejects only when main has no handler (start-up, shutdown); callers get a
    // Reply either way and switch on its code.
    ipcRenderer.invoke(IPC_INVOKE, channel, args).catch(() => UNAVAILABLE),
  on: (push, listener) => {
    if (!isPush(push)) return () => {};
    const forward = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === push) listener(payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on(IPC_PUSH, forward);
    return () => {
      ipcRenderer.removeListener(IPC_PUSH, forward);
    };
  },
};

contextBridge.exposeInMainWorld(PRELOAD_API_KEY, api);
