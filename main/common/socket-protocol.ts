import { z } from 'zod';

// How the contract travels over the headless host's loopback WebSocket. The same
// `Reply` and push shapes as the Electron preload; only the envelope differs.
//
// Authentication happens in the WebSocket handshake, before any frame: the client
// offers two subprotocols, SOCKET_PROTOCOL and `${SOCKET_AUTH_PREFIX}<secret>`; the
// host refuses the upgrade (401) unless the secret matches its per-run secret and
// the Origin is the host's own, and then selects SOCKET_PROTOCOL. The page learns the
// secret from its URL fragment (`#secret=<hex>`), which browsers never send to servers.

export { SECRET_FRAGMENT_KEY, SOCKET_AUTH_PREFIX, SOCKET_PATH, SOCKET_PROTOCOL } from './constants';

export const ClientFrameSchema = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  args: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export type ServerFrame =
  | { type: 'reply'; id: number; reply: unknown }
  | { type: 'push'; push: string; payload: unknown };
