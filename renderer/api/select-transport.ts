import { SECRET_FRAGMENT_KEY, SOCKET_PATH } from '../../main/common/constants';
import { findPreloadApi, preloadTransport } from './preload-transport';
import { createSocketTransport, type WebSocketConstructor } from './socket-transport';
import { unavailableTransport, type Transport } from './transport';

/** What the choice depends on; `window` in the app, a plain object in tests. */
export interface TransportEnvironment {
  location: Pick<Location, 'protocol' | 'host' | 'hash'>;
  WebSocket?: WebSocketConstructor;
  [key: string]: unknown;
}

/**
 * Electron's preload wins when present (the shell never serves over http). Otherwise
 * a page served by the headless host carries its secret in the URL fragment and
 * talks over the host's loopback WebSocket. Anything else cannot reach a core.
 */
export function selectTransport(env: TransportEnvironment): Transport {
  const preload = findPreloadApi(env);
  if (preload) return preloadTransport(preload);

  const { protocol, host, hash } = env.location;
  const secret = readSecret(hash);
  if ((protocol === 'http:' || protocol === 'https:') && secret && env.WebSocket) {
    return createSocketTransport({ url: socketUrl(env.location), secret, WebSocket: env.WebSocket });
  }
  return unavailableTransport(
    host ? 'This page was opened without the Zuoxi host secret' : 'No Zuoxi core is attached to this window',
  );
}

/** The secret from `#secret=<hex>`, or null when absent or not hex (which could not be a subprotocol token). */
export function readSecret(hash: string): string | null {
  const secret = new URLSearchParams(hash.replace(/^#/, '')).get(SECRET_FRAGMENT_KEY);
  return secret && /^[0-9a-f]+$/i.test(secret) ? secret : null;
}

export function socketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SOCKET_PATH}`;
}
