import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAppUrl } from './app-protocol';

// The Electron security checklist, applied in one place. A page that is tricked into
// navigating, opening a window or asking for the camera gets nothing: the agent window
// shows caller-supplied text (names, CRM fields), so we assume one day some of it
// will be hostile.

/** Links the agent may follow out of the app, into the system browser or mail client. */
const EXTERNAL_SCHEMES = new Set(['https:', 'http:', 'mailto:']);
/** The only permission a page may hold: desktop notifications for ringing calls. */
const GRANTED_PERMISSIONS = new Set(['notifications']);

export type OpenExternal = (url: string) => Promise<void>;

export function isExternalLink(value: string): boolean {
  try {
    return EXTERNAL_SCHEMES.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Applied to every webContents the app creates (app 'web-contents-created'), so a
 * window added later cannot forget it. Windows are never opened: a link meant for
 * the outside goes to the system browser, anything else is dropped.
 */
export function hardenContents(contents: WebContents, openExternal: OpenExternal): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  // webviewTag is off in the window options; this is the second lock on that door.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Permissions and the CSP header for the session that hosts our windows. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(GRANTED_PERMISSIONS.has(permission) && isAppUrl(details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin);
  });
  // No URL filter: Chromium rejects custom schemes in webRequest patterns ("Wrong
  // scheme type"). Header hooks may not run for protocol.handle responses at all, so
  // the protocol handler sets the same header; this covers whatever does pass here.
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}
