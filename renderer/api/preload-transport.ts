import { PRELOAD_API_KEY } from '../../main/common/constants';
import type { ZuoxiApi } from '../../main/common/contract';
import { failure, type Transport } from './transport';

/** The API the Electron preload exposed through contextBridge, if this window has one. */
export function findPreloadApi(win: object): ZuoxiApi | null {
  const candidate: unknown = (win as Record<string, unknown>)[PRELOAD_API_KEY];
  if (typeof candidate !== 'object' || candidate === null) return null;
  const { invoke, on } = candidate as Record<string, unknown>;
  return typeof invoke === 'function' && typeof on === 'function' ? (candidate as ZuoxiApi) : null;
}

export function preloadTransport(preload: ZuoxiApi): Transport {
  return {
    kind: 'electron',
    // ipcRenderer.invoke rejects when main has no handler (e.g. during shutdown);
    // callers get the same Reply shape as every other failure instead of a throw.
    invoke: (channel, args) =>
      preload.invoke(channel, args).catch((error: unknown) => failure('unavailable', describe(error))),
    on: (push, listener) => preload.on(push, listener),
    onLink: (listener) => {
      listener('up');
      return () => {};
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
