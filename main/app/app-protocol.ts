import { protocol } from 'electron';
import { readStatic } from '../core/static-files';

// The renderer is served from app://zuoxi/, never file://. A file:// page shares its
// origin with every file on disk; a privileged standard scheme gives the app one
// origin of its own, so CSP 'self', the navigation guard and the IPC sender check all
// have something precise to compare against.

export const APP_SCHEME = 'app';
export const APP_HOST = 'zuoxi';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Only the renderer's own resources may run; see security.ts for who sets it where. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True for app://zuoxi and anything under it; an origin string counts too. */
export function isAppUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/** Must run before the app is ready: Chromium reads scheme privileges at start-up. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/**
 * Serves files from `rendererDir` (dist/renderer) and nothing outside it: the path
 * check is the host's `resolveInside`, which refuses `..`, encoded separators,
 * backslashes and NUL. The CSP header is set here because Chromium does not run
 * webRequest header hooks for custom-protocol responses.
 */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    if (!isAppUrl(request.url)) return notFound();
    // pathname is still percent-encoded; resolveInside decodes it once and checks
    // the decoded path, so `..%2f` cannot slip past as an ordinary segment.
    const file = await readStatic(rendererDir, new URL(request.url).pathname);
    if (!file) return notFound();
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(file.body), {
      status: 200,
      headers: {
        'content-type': file.type,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      },
    });
  };
}

export function installAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
