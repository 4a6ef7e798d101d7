import type * as Electron from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../main/app/app-protocol';
import { hardenContents, hardenSession, isExternalLink } from '../../main/app/security';
import { FakeEvent, FakeSession, FakeWebContents, asElectron } from './electron-mock';

function hardened() {
  const contents = new FakeWebContents();
  const openExternal = jest.fn(async (_url: string) => undefined);
  hardenContents(asElectron<Electron.WebContents>(contents), openExternal);
  return { contents, openExternal };
}

describe('hardenContents', () => {
  test.each(['will-navigate', 'will-redirect'])('%s to another origin is prevented', (name) => {
    const { contents } = hardened();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/', 'javascript:alert(1)']) {
      const event = new FakeEvent(url);
      contents.emit(name, event);
      expect(event.preventDefault).toHaveBeenCalled();
    }
  });

  test('navigation inside app://zuoxi is allowed', () => {
    const { contents } = hardened();
    const event = new FakeEvent('app://zuoxi/index.html#/calls');
    contents.emit('will-navigate', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });

  test('window.open is denied for every URL', () => {
    const { contents } = hardened();
    for (const url of ['app://zuoxi/index.html', 'https://crm.example/customer/1', 'file:///c:/windows']) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
  });

  test('window.open of a web or mail link goes to the system browser instead', () => {
    const { contents, openExternal } = hardened();
    contents.windowOpenHandler!({ url: 'https://crm.example/customer/1' });
    contents.windowOpenHandler!({ url: 'mailto:wang@example.cn' });
    contents.windowOpenHandler!({ url: 'file:///etc/passwd' });
    contents.windowOpenHandler!({ url: 'smb://fileserver/share' });
    expect(openExternal.mock.calls.map(([url]) => url)).toEqual(['https://crm.example/customer/1', 'mailto:wang@example.cn']);
  });

  test('webviews are never attached', () => {
    const { contents } = hardened();
    const event = new FakeEvent();
    contents.emit('will-attach-webview', event, {}, { src: 'https://evil.example/' });
    expect(event.preventDefault).toHaveBeenCalled();
  });

  test('isExternalLink refuses what is not a URL', () => {
    expect(isExternalLink('not a url')).toBe(false);
    expect(isExternalLink('tel:+8610')).toBe(false);
  });
});

describe('hardenSession', () => {
  function hardenedSession() {
    const session = new FakeSession();
    hardenSession(asElectron<Electron.Session>(session));
    return session;
  }

  test('grants notifications to our pages and nothing else to anyone', () => {
    const session = hardenedSession();
    const ask = (permission: string, requestingUrl: string) => {
      const callback = jest.fn();
      session.permissionRequest!(null, permission, callback, { requestingUrl });
      return callback.mock.calls[0]?.[0] as boolean;
    };
    expect(ask('notifications', 'app://zuoxi/index.html')).toBe(true);
    expect(ask('notifications', 'https://evil.example/')).toBe(false);
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(ask(permission, 'app://zuoxi/index.html')).toBe(false);
    }
  });

  test('permission checks answer the same way', () => {
    const session = hardenedSession();
    expect(session.permissionCheck!(null, 'notifications', 'app://zuoxi')).toBe(true);
    expect(session.permissionCheck!(null, 'notifications', 'https://evil.example')).toBe(false);
    expect(session.permissionCheck!(null, 'media', 'app://zuoxi')).toBe(false);
  });

  test('sets the CSP header on app:// responses, replacing any other', () => {
    const session = hardenedSession();
    const callback = jest.fn();
    session.headersListener!(
      { url: 'app://zuoxi/index.html', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'X-Other': ['1'] },
    });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
  });

  test('leaves other responses alone', () => {
    const session = hardenedSession();
    const callback = jest.fn();
    session.headersListener!({ url: 'https://example.com/', responseHeaders: {} }, callback);
    expect(callback).toHaveBeenCalledWith({});
  });
});
