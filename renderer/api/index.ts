import type { ArgsIn, Channel, Result, ZuoxiApi } from '../../main/common/contract';
import { ApiError } from './api-error';
import { preloadTransport } from './preload-transport';
import { selectTransport, type TransportEnvironment } from './select-transport';
import type { Transport } from './transport';

// The renderer's only door to the core. Stores and components import `api` / `call`
// from here and never learn whether Electron IPC or the host's WebSocket carries them.

export { ApiError, toFailure, type Failure } from './api-error';
export type { LinkState, Transport } from './transport';

let transport: Transport | null = null;

// Chosen on first use, not at import, so tests can install a fake before anything calls.
function current(): Transport {
  transport ??= selectTransport(window as unknown as TransportEnvironment);
  return transport;
}

/**
 * Replaces the carrier. A bare ZuoxiApi (a test fake) is treated like the preload's.
 * Subscriptions made before the swap stay with the old carrier, so install first.
 */
export function installTransport(next: Transport | ZuoxiApi): void {
  transport = 'onLink' in next ? next : preloadTransport(next);
}

export const api: Transport = {
  get kind() {
    return current().kind;
  },
  invoke: (channel, args) => current().invoke(channel, args),
  on: (push, listener) => current().on(push, listener),
  onLink: (listener) => current().onLink(listener),
};

/** Invokes a channel and unwraps its Reply: the value, or an ApiError carrying the code. */
export async function call<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<Result<C>> {
  const reply = await api.invoke(channel, args);
  if (!reply.ok) throw new ApiError(reply.code, reply.message);
  return reply.value;
}
