import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IPC_INVOKE, PRELOAD_API_KEY } from '../../main/common/contract';

// Builds the preload exactly as `npm run build:main` does and runs the bundle the way
// Electron's sandbox does: a require() that knows only 'electron'. A bundle that
// needs anything else would load here no better than in the real sandbox.

const REPO = path.resolve(__dirname, '..', '..');
let dir: string;
let code: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-preload-'));
  const outfile = path.join(dir, 'preload.js');
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build-preload.mjs'), '--outfile', outfile], { cwd: REPO, stdio: 'pipe' });
  code = fs.readFileSync(outfile, 'utf8');
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runInSandbox() {
  const exposed = new Map<string, Record<string, unknown>>();
  const invoke = jest.fn(async (..._args: unknown[]) => ({ ok: true, value: 'pong' }));
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
    ipcRenderer: { invoke, on: jest.fn(), removeListener: jest.fn() },
  };
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)(sandboxRequire, module, module.exports);
  return { exposed, invoke };
}

test('the bundle requires nothing but electron and exposes the API', async () => {
  const { exposed, invoke } = runInSandbox();
  expect([...exposed.keys()]).toEqual([PRELOAD_API_KEY]);
  const api = exposed.get(PRELOAD_API_KEY)!;
  expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  await expect((api.invoke as (c: string, a: unknown) => Promise<unknown>)('app.ready', {})).resolves.toEqual({ ok: true, value: 'pong' });
  expect(invoke).toHaveBeenCalledWith(IPC_INVOKE, 'app.ready', {});
});

test('the bundle carries no require() of another module', () => {
  const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]);
  expect(new Set(required)).toEqual(new Set(['electron']));
});
