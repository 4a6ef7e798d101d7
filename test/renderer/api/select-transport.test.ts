import { PRELOAD_API_KEY } from '../../../main/common/contract';
import { SOCKET_AUTH_PREFIX } from '../../../main/common/socket-protocol';
import { ApiError, api, call, installTransport } from '../../../renderer/api';
import { readSecret, selectTransport, socketUrl, type TransportEnvironment } from '../../../renderer/api/select-transport';
import { FakeZuoxiApi } from '../fake-api';
import { FakeWebSocket } from '../fake-web-socket';

const hostPage = (hash: string, protocol = 'http:'): TransportEnvironment => ({
  location: { protocol, host: '127.0.0.1:5000', hash },
  WebSocket: FakeWebSocket,
});

beforeEach(() => {
  FakeWebSocket.instances = [];
});

describe('choosing a transport', () => {
  it('uses the preload API when Electron exposed one, even on a page with a secret', () => {
    const preload = new FakeZuoxiApi();
    const transport = selectTransport({ ...hostPage('#secret=ab12'), [PRELOAD_API_KEY]: preload });
    expect(transport.kind).toBe('electron');
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('connects to the serving host over WebSocket when the fragment carries a secret', () => {
    const transport = selectTransport(hostPage('#secret=ab12'));
    expect(transport.kind).toBe('socket');
    expect(FakeWebSocket.latest().url).toBe('ws://127.0.0.1:5000/ipc');
    expect(FakeWebSocket.latest().protocols).toContain(`${SOCKET_AUTH_PREFIX}ab12`);
  });

  it('uses wss for a page served over https', () => {
    expect(socketUrl({ protocol: 'https:', host: 'zuoxi.example:443' })).toBe('wss://zuoxi.example:443/ipc');
  });

  it('falls back to a transport that refuses every call when there is neither', async () => {
    const transport = selectTransport(hostPage(''));
    expect(transport.kind).toBe('none');
    await expect(transport.invoke('app.ready', {})).resolves.toMatchObject({ ok: false, code: 'unavailable' });
  });

  it('accepts only a hex secret, which is all the host issues and all a subprotocol can carry', () => {
    expect(readSecret('#secret=00ff')).toBe('00ff');
    expect(readSecret('#other=1&secret=AbC9')).toBe('AbC9');
    expect(readSecret('#secret=a b')).toBeNull();
    expect(readSecret('#secret=')).toBeNull();
    expect(readSecret('')).toBeNull();
  });

  it('ignores a window property that is not an API', () => {
    expect(selectTransport({ ...hostPage(''), [PRELOAD_API_KEY]: { invoke: 'nope' } }).kind).toBe('none');
  });
});

describe('call()', () => {
  it('unwraps a successful reply to its value', async () => {
    installTransport(new FakeZuoxiApi({ 'app.setLocale': ({ locale }) => locale }));
    await expect(call('app.setLocale', { locale: 'en' })).resolves.toBe('en');
  });

  it('throws an ApiError carrying the code of a refused reply', async () => {
    installTransport(new FakeZuoxiApi());
    const error = await call('directory.card', { contactId: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'unknown_channel' });
  });

  it('turns a rejected preload invoke into an unavailable reply rather than a throw', async () => {
    const broken = new FakeZuoxiApi();
    broken.invoke = () => Promise.reject(new Error('No handler registered for zuoxi:invoke'));
    installTransport(broken);
    await expect(api.invoke('app.ready', {})).resolves.toEqual({
      ok: false,
      code: 'unavailable',
      message: 'No handler registered for zuoxi:invoke',
    });
  });
});
