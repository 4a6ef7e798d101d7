import type { Handlers } from '../../../main/common/contract';
import { ZuoxiError } from '../../../main/common/errors';
import { IpcRouter } from '../../../main/core/ipc/router';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';

function routerWith(overrides: Partial<Handlers>) {
  const handlers = new Proxy(overrides, {
    get: (target, key) => target[key as keyof Handlers] ?? jest.fn(),
  }) as Handlers;
  const sink = new MemorySink();
  return { router: new IpcRouter(handlers, new StructuredLogger(sink, 'debug')), sink };
}

describe('IpcRouter', () => {
  it('parses the payload and passes the parsed value (defaults filled) to the handler', async () => {
    const search = jest.fn().mockResolvedValue([]);
    const { router } = routerWith({ 'directory.search': search });
    const reply = await router.dispatch('directory.search', { query: '  王  ' });
    expect(reply).toEqual({ ok: true, value: [] });
    expect(search).toHaveBeenCalledWith({ query: '王', limit: 50 });
  });

  it('refuses a payload that fails the schema, and the handler never sees it', async () => {
    const card = jest.fn();
    const { router } = routerWith({ 'directory.card': card });
    const reply = await router.dispatch('directory.card', { contactId: 'DROP TABLE' });
    expect(reply).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(reply.ok || reply.message).toMatch(/contactId/);
    expect(card).not.toHaveBeenCalled();
  });

  it('refuses unknown keys (strict payloads)', async () => {
    const card = jest.fn();
    const { router } = routerWith({ 'directory.card': card });
    const reply = await router.dispatch('directory.card', { contactId: 1, admin: true });
    expect(reply).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(card).not.toHaveBeenCalled();
  });

  it('refuses unknown channels, including prototype names', async () => {
    const { router } = routerWith({});
    for (const name of ['nope', 'toString', '__proto__', 42, null]) {
      expect(await router.dispatch(name, {})).toMatchObject({ ok: false, code: 'unknown_channel' });
    }
  });

  it('passes a ZuoxiError through with its code and message', async () => {
    const { router } = routerWith({
      'directory.card': jest.fn().mockRejectedValue(new ZuoxiError('not_found', 'No contact 9')),
    });
    expect(await router.dispatch('directory.card', { contactId: 9 })).toEqual({
      ok: false,
      code: 'not_found',
      message: 'No contact 9',
    });
  });

  it('hides an unexpected error behind `internal` and logs its stack', async () => {
    const { router, sink } = routerWith({
      'directory.card': jest.fn().mockRejectedValue(new Error('SQLITE_CORRUPT: secret detail')),
    });
    const reply = await router.dispatch('directory.card', { contactId: 1 });
    expect(reply).toMatchObject({ ok: false, code: 'internal' });
    expect(reply.ok || reply.message).not.toMatch(/SQLITE_CORRUPT/);
    expect(sink.text).toMatch(/SQLITE_CORRUPT/);
  });
});
