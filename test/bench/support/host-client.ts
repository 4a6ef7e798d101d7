/**
 * The headless host's socket client, as the renderer's api/ module speaks it
 * (main/common/socket-protocol.ts): the two subprotocols (the protocol and the per-run
 * secret), the host's own Origin, `app.ready` first (the host holds pushes until then),
 * then replies and pushes as JSON frames. Each push is handed over the moment its frame
 * is parsed — the point at which the renderer's store would take it.
 */
import WebSocket from 'ws';
import { SOCKET_AUTH_PREFIX, SOCKET_PATH, SOCKET_PROTOCOL, type ClientFrame, type ServerFrame } from '../../../main/common/socket-protocol';

export type PushListener = (push: string, payload: unknown) => void;

export class HostClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly socket: WebSocket,
    onPush: PushListener,
  ) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.type === 'push') {
        onPush(frame.push, frame.payload);
        return;
      }
      const waiter = this.waiting.get(frame.id);
      this.waiting.delete(frame.id);
      waiter?.resolve(frame.reply);
    });
    socket.on('close', () => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error('the host closed the socket'));
      this.waiting.clear();
    });
  }

  /** Connects to `origin` (http://127.0.0.1:<port>) with the run's secret and says `app.ready`. */
  static async connect(origin: string, secret: string, onPush: PushListener): Promise<HostClient> {
    const url = `${origin.replace(/^http/, 'ws')}${SOCKET_PATH}`;
    const socket = new WebSocket(url, [SOCKET_PROTOCOL, `${SOCKET_AUTH_PREFIX}${secret}`], { origin, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`the host refused the socket: ${response.statusCode}`)));
    });
    const client = new HostClient(socket, onPush);
    const ready = (await client.invoke('app.ready', {})) as { ok: boolean; message?: string };
    if (!ready.ok) throw new Error(`app.ready refused: ${ready.message ?? '?'}`);
    return client;
  }

  /** The reply envelope ({ok, value} or {ok: false, code, message}). */
  invoke(channel: string, args: unknown): Promise<unknown> {
    const id = this.nextId++;
    const frame: ClientFrame = { type: 'invoke', id, channel, args };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.send(JSON.stringify(frame));
    });
  }

  close(): void {
    this.socket.close();
  }
}
