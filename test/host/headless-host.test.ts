import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { SOCKET_AUTH_PREFIX, SOCKET_PATH, SOCKET_PROTOCOL } from '../../main/common/socket-protocol';
import { silentLogger } from '../../main/core/log/logger';
import { Workstation } from '../../main/core/workstation';
import { HeadlessHost } from '../../main/host/headless-host';

let dataDir: string;
let rendererDir: string;
let workstation: Workstation;
let host: HeadlessHost;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-host-'));
  rendererDir = path.join(dataDir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Zuoxi</title>');
  fs.writeFileSync(path.join(dataDir, 'outside.txt'), 'must not be served');
  workstation = await Workstation.open({ dataDir, host: 'headless', version: 'test', log: silentLogger });
  host = new HeadlessHost(workstation, { rendererDir });
  await host.start();
});

afterAll(async () => {
  await host.stop();
  await workstation.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function connect(protocols: string[], origin = host.origin): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${new URL(host.origin).port}${SOCKET_PATH}`, protocols, { origin });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextFrame(socket: WebSocket): Promise<any> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

function get(urlPath: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${host.origin}${urlPath}`, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
      })
      .on('error', reject);
  });
}

const auth = () => [SOCKET_PROTOCOL, SOCKET_AUTH_PREFIX + host.secret];

describe('HeadlessHost', () => {
  it('listens on 127.0.0.1 only and puts the secret in the URL fragment', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.url).toBe(`${host.origin}/#secret=${host.secret}`);
    expect(host.secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the renderer with a strict CSP and refuses path traversal', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("default-src 'none'");
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    for (const attempt of ['/../outside.txt', '/%2e%2e/outside.txt', '/..%2foutside.txt', '/..%5coutside.txt']) {
      const response = await get(attempt);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('must not be served');
    }
  });

  it('refuses a client without the secret, with a wrong secret, or from a foreign origin', async () => {
    await expect(connect([SOCKET_PROTOCOL])).rejects.toThrow(/401/);
    await expect(connect([SOCKET_PROTOCOL, SOCKET_AUTH_PREFIX + 'f'.repeat(64)])).rejects.toThrow(/401/);
    await expect(connect(auth(), 'http://evil.example')).rejects.toThrow(/401/);
  });

  it('carries invoke and reply for an authenticated client', async () => {
    const socket = await connect(auth());
    try {
      expect(socket.protocol).toBe(SOCKET_PROTOCOL);
      socket.send(JSON.stringify({ type: 'invoke', id: 7, channel: 'app.ready', args: {} }));
      const frame = await nextFrame(socket);
      expect(frame).toMatchObject({ type: 'reply', id: 7, reply: { ok: true, value: { host: 'headless', locale: 'zh-CN' } } });
    } finally {
      socket.close();
    }
  });

  it('refuses a bad payload with invalid_payload and answers a malformed frame that has an id', async () => {
    const socket = await connect(auth());
    try {
      socket.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'directory.card', args: { contactId: -1 } }));
      expect(await nextFrame(socket)).toMatchObject({ id: 1, reply: { ok: false, code: 'invalid_payload' } });
      socket.send(JSON.stringify({ type: 'bogus', id: 2 }));
      expect(await nextFrame(socket)).toMatchObject({ id: 2, reply: { ok: false, code: 'invalid_payload' } });
      socket.send('not json at all');
      socket.send(JSON.stringify({ type: 'invoke', id: 3, channel: 'app.ready', args: {} }));
      expect(await nextFrame(socket)).toMatchObject({ id: 3, reply: { ok: true } });
    } finally {
      socket.close();
    }
  });

  it('holds pushes until the client says app.ready', async () => {
    const socket = await connect(auth());
    try {
      const frames: any[] = [];
      socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
      workstation.setStatus({ connectionDetail: 'held push' });
      await new Promise((r) => setTimeout(r, 50));
      expect(frames).toHaveLength(0);
      socket.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app.ready', args: {} }));
      await new Promise((r) => setTimeout(r, 100));
      expect(frames.map((f) => f.type)).toEqual(['reply', 'push']);
      expect(frames[1]).toMatchObject({ push: 'status.changed', payload: { connectionDetail: 'held push' } });
    } finally {
      socket.close();
    }
  });
});
