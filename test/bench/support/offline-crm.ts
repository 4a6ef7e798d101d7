/**
 * A CRM that is down, three ways, for the lookup chain's failure path:
 * - `500`: an HTTP server on loopback answering every request 500 (the CRM's app is
 *   broken but its web server is up) — a full HTTP round trip that fails fast;
 * - `closed`: nothing listens on the port (the CRM host is up, the service is not) —
 *   the connect is refused at once;
 * - `silent`: the port accepts connections and never answers (a hung CRM, or a
 *   firewall that swallows packets) — the request is only ended by the connector's
 *   timeout, so the chain's deadline (lookupDeadlineMs) decides when the card shows.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export const OFFLINE_MODES = ['500', 'closed', 'silent'] as const;
export type OfflineMode = (typeof OFFLINE_MODES)[number];

export interface OfflineCrm {
  mode: OfflineMode;
  port: number;
  /** Requests (500) or connections (silent) it received; 0 for closed. */
  readonly hits: number;
  stop(): Promise<void>;
}

export async function startOfflineCrm(mode: OfflineMode): Promise<OfflineCrm> {
  if (mode === 'closed') {
    // Bind an ephemeral port, then let it go: nothing listens there afterwards.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return { mode, port, hits: 0, stop: async () => undefined };
  }
  let hits = 0;
  const sockets = new Set<net.Socket>();
  const server =
    mode === '500'
      ? http.createServer((request, response) => {
          hits += 1;
          request.resume();
          response.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>500 Internal Server Error</body></html>');
        })
      : net.createServer(() => (hits += 1));
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    mode,
    port: (server.address() as AddressInfo).port,
    get hits() {
      return hits;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
