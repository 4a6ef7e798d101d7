import type { ZuoxiApi } from '../../main/common/contract';
import type { ErrorCode, Reply } from '../../main/common/errors';

/**
 * Whether this window can reach the core right now. Electron's IPC cannot drop, so
 * only the WebSocket transport ever reports 'down'.
 */
export type LinkState = 'up' | 'down';

/** A carrier of the contract: the contract's own API plus the state of the link itself. */
export interface Transport extends ZuoxiApi {
  /** Which carrier this is; shown nowhere, but useful in logs and tests. */
  readonly kind: 'electron' | 'socket' | 'none';
  /** Calls `listener` whenever the link goes up or down; returns an unsubscribe function. */
  onLink(listener: (state: LinkState) => void): () => void;
}

export function failure(code: ErrorCode, message: string): Reply<never> {
  return { ok: false, code, message };
}

/**
 * Used when the page was opened with neither the preload nor a host secret (e.g. the
 * bundle opened from disk): every call fails cleanly, so the UI still renders and
 * says why it cannot work, instead of throwing at start-up.
 */
export function unavailableTransport(reason: string): Transport {
  return {
    kind: 'none',
    invoke: async () => failure('unavailable', reason),
    on: () => () => {},
    onLink: (listener) => {
      listener('down');
      return () => {};
    },
  };
}
