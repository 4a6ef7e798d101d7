import type { AppInfo, WorkstationStatus } from '../../../main/common/domain';
import { SOCKET_AUTH_PREFIX, SOCKET_PROTOCOL } from '../../../main/common/socket-protocol';
import { createSocketTransport, defaultBackoffMs, type SocketTransport } from '../../../renderer/api/socket-transport';
import type { LinkState } from '../../../renderer/api';
import { FakeWebSocket } from '../fake-web-socket';

const URL = 'ws://127.0.0.1:4321/ipc';
const SECRET = 'c0ffee';
const onlineStatus: WorkstationStatus = { connection: 'online', connectionDetail: null, agentState: 'ready' };
const appInfo: AppInfo = { version: '0.1.0', locale: 'zh-CN', host: 'headless', status: onlineStatus };

let transport: SocketTransport;

function connect(backoffMs = (attempt: number) => attempt * 100): SocketTransport {
  transport = createSocketTransport({ url: URL, secret: SECRET, WebSocket: FakeWebSocket, backoffMs });
  return transport;
}

beforeEach(() => {
  FakeWebSocket.instances = [];
});

afterEach(() => {
  transport.close();
  jest.useRealTimers();
});

describe('the socket transport', () => {
  it('opens the host URL offering the protocol and the secret as subprotocols', () => {
    connect();
    const socket = FakeWebSocket.latest();
    expect(socket.url).toBe(URL);
    expect(socket.protocols).toEqual([SOCKET_PROTOCOL, `${SOCKET_AUTH_PREFIX}${SECRET}`]);
  });

  it('holds calls made while connecting and sends them once the socket opens', async () => {
    connect();
    const socket = FakeWebSocket.latest();
    const reply = transport.invoke('directory.card', { contactId: 7 });
    expect(socket.sent).toHaveLength(0);

    socket.open();
    const [frame] = socket.frames();
    expect(frame).toEqual({ type: 'invoke', id: expect.any(Number), channel: 'directory.card', args: { contactId: 7 } });
    socket.serverSends({ type: 'reply', id: frame!.id, reply: { ok: false, code: 'not_found', message: 'no contact 7' } });
    await expect(reply).resolves.toEqual({ ok: false, code: 'not_found', message: 'no contact 7' });
  });

  it('matches replies to calls by id, whatever order they come back in', async () => {
    connect();
    const socket = FakeWebSocket.latest();
    socket.open();
    const first = transport.invoke('directory.search', { query: '王' });
    const second = transport.invoke('app.setLocale', { locale: 'en' });
    const [a, b] = socket.frames();
    expect(a!.id).not.toBe(b!.id);

    socket.serverSends({ type: 'reply', id: b!.id, reply: { ok: true, value: 'en' } });
    socket.serverSends({ type: 'reply', id: a!.id, reply: { ok: true, value: [] } });
    await expect(first).resolves.toEqual({ ok: true, value: [] });
    await expect(second).resolves.toEqual({ ok: true, value: 'en' });
  });

  it('dispatches pushes to the listeners of that push only, until they unsubscribe', () => {
    connect();
    const socket = FakeWebSocket.latest();
    socket.open();
    const statuses: unknown[] = [];
    const progress: unknown[] = [];
    const unsubscribe = transport.on('status.changed', (status) => statuses.push(status));
    transport.on('directory.importProgress', (payload) => progress.push(payload));

    socket.serverSends({ type: 'push', push: 'status.changed', payload: onlineStatus });
    unsubscribe();
    socket.serverSends({ type: 'push', push: 'status.changed', payload: { ...onlineStatus, agentState: 'on_call' } });

    expect(statuses).toEqual([onlineStatus]);
    expect(progress).toEqual([]);
  });

  it('ignores frames that are not JSON or not for a pending call, and refuses malformed replies', async () => {
    connect();
    const socket = FakeWebSocket.latest();
    socket.open();
    const reply = transport.invoke('app.ready', {});
    const { id } = socket.frames()[0]!;

    socket.serverSends('not json');
    socket.serverSends({ type: 'reply', id: id + 100, reply: { ok: true, value: appInfo } });
    socket.serverSends({ type: 'reply', id, reply: { surprise: true } });
    await expect(reply).resolves.toMatchObject({ ok: false, code: 'internal' });
  });

  it('fails pending calls with unavailable when the socket drops, and reports the link down', async () => {
    connect();
    const socket = FakeWebSocket.latest();
    const links: LinkState[] = [];
    transport.onLink((state) => links.push(state));
    socket.open();
    const sent = transport.invoke('directory.search', { query: 'a' });
    socket.drop();

    await expect(sent).resolves.toMatchObject({ ok: false, code: 'unavailable' });
    // While down there is nothing to queue on: calls fail at once rather than hang.
    await expect(transport.invoke('directory.search', { query: 'b' })).resolves.toMatchObject({
      ok: false,
      code: 'unavailable',
    });
    expect(links).toEqual(['up', 'down']);
  });

  it('reconnects after its backoff and says app.ready again, replaying the status as a push', async () => {
    jest.useFakeTimers();
    connect((attempt) => attempt * 1000);
    const first = FakeWebSocket.latest();
    first.open();
    const ready = transport.invoke('app.ready', {});
    first.serverSends({ type: 'reply', id: first.frames()[0]!.id, reply: { ok: true, value: appInfo } });
    await ready;
    const statuses: WorkstationStatus[] = [];
    transport.on('status.changed', (status) => statuses.push(status));

    first.drop();
    jest.advanceTimersByTime(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);

    const second = FakeWebSocket.latest();
    expect(second.protocols).toEqual(first.protocols);
    second.open();
    const [again] = second.frames();
    expect(again).toMatchObject({ type: 'invoke', channel: 'app.ready', args: {} });
    const onCall: WorkstationStatus = { ...onlineStatus, agentState: 'on_call' };
    second.serverSends({ type: 'reply', id: again!.id, reply: { ok: true, value: { ...appInfo, status: onCall } } });
    await Promise.resolve();
    await Promise.resolve();
    expect(statuses).toEqual([onCall]);
  });

  it('says app.ready once the host is reached when the page said it while the host was down', async () => {
    jest.useFakeTimers();
    connect();
    const failed = transport.invoke('app.ready', {});
    FakeWebSocket.latest().drop();
    await expect(failed).resolves.toMatchObject({ ok: false, code: 'unavailable' });

    jest.advanceTimersByTime(100);
    FakeWebSocket.latest().open();
    expect(FakeWebSocket.latest().frames()).toEqual([expect.objectContaining({ channel: 'app.ready' })]);
  });

  it('sends one app.ready, not two, when the page says it while a socket is connecting', () => {
    connect();
    void transport.invoke('app.ready', {});
    FakeWebSocket.latest().open();
    expect(FakeWebSocket.latest().frames().map((frame) => frame.channel)).toEqual(['app.ready']);
  });

  it('does not say app.ready on reconnect when the page never said it', () => {
    jest.useFakeTimers();
    connect();
    FakeWebSocket.latest().open();
    FakeWebSocket.latest().drop();
    jest.advanceTimersByTime(100);
    FakeWebSocket.latest().open();
    expect(FakeWebSocket.latest().sent).toEqual([]);
  });

  it('backs off longer after each failed attempt and starts over once connected', () => {
    jest.useFakeTimers();
    connect();
    FakeWebSocket.latest().drop(); // attempt 1 in 100 ms
    jest.advanceTimersByTime(100);
    FakeWebSocket.latest().drop(); // attempt 2 in 200 ms
    jest.advanceTimersByTime(199);
    expect(FakeWebSocket.instances).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.latest().open();
    FakeWebSocket.latest().drop(); // connected in between: attempt 1 again
    jest.advanceTimersByTime(100);
    expect(FakeWebSocket.instances).toHaveLength(4);
  });

  it('stops reconnecting once closed', () => {
    jest.useFakeTimers();
    connect();
    FakeWebSocket.latest().open();
    transport.close();
    jest.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('has a default backoff that grows and is capped', () => {
    expect(defaultBackoffMs(1)).toBeLessThan(defaultBackoffMs(2));
    expect(defaultBackoffMs(30)).toBe(10_000);
  });
});
