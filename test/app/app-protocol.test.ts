import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  isAppUrl,
  registerAppScheme,
} from '../../main/app/app-protocol';
import { protocol } from './electron-mock';

const SECRET = 'root:x:0:0:secret-outside-the-renderer';
let root: string;
let rendererDir: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-protocol-'));
  rendererDir = path.join(root, 'dist', 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Zuoxi</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'passwd'), SECRET);
  fs.writeFileSync(path.join(root, 'dist', 'passwd'), SECRET);
  handler = createAppProtocolHandler(rendererDir);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol handler', () => {
  test('serves index.html for / and by name, with the CSP header', async () => {
    for (const url of ['app://zuoxi/', 'app://zuoxi/index.html']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Zuoxi</title>');
    }
  });

  test('serves nested assets with their type', async () => {
    const response = await get('app://zuoxi/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  test.each([
    'app://zuoxi/../../etc/passwd',
    'app://zuoxi/../passwd',
    'app://zuoxi/%2e%2e/passwd',
    'app://zuoxi/..%2fpasswd',
    'app://zuoxi/..%2f..%2fpasswd',
    'app://zuoxi/%2e%2e%2f%2e%2e%2fpasswd',
    'app://zuoxi/assets/..%2f..%2f..%2fpasswd',
    'app://zuoxi/..%5c..%5cpasswd',
    'app://zuoxi/%252e%252e%252fpasswd',
    'app://zuoxi/index.html%00.js',
    'app://zuoxi/%E0%A4%A',
    'app://zuoxi//etc/passwd',
    'app://zuoxi/C:/Windows/win.ini',
  ])('refuses %s without reading outside dist/renderer', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(SECRET);
  });

  test('refuses another host on the same scheme', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
  });

  test('refuses methods other than GET and HEAD', async () => {
    expect((await get('app://zuoxi/index.html', 'POST')).status).toBe(405);
    const head = await get('app://zuoxi/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  test('a missing file is 404', async () => {
    expect((await get('app://zuoxi/nope.js')).status).toBe(404);
  });
});

describe('app scheme', () => {
  test('is registered as a privileged standard, secure scheme', () => {
    registerAppScheme();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });

  test('isAppUrl accepts only app://zuoxi', () => {
    expect(isAppUrl('app://zuoxi/index.html')).toBe(true);
    expect(isAppUrl('app://zuoxi')).toBe(true);
    for (const url of ['app://zuoxi.evil/', 'app://zuoxi:8080/', 'app://user@zuoxi/', 'http://zuoxi/', 'zuoxi', '']) {
      expect(isAppUrl(url)).toBe(false);
    }
  });
});
