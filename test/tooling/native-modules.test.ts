import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The guard in native/ decides whether `electron-builder install-app-deps` runs; it
// needs the network, so a wrong "yes" breaks `npm start` offline and a wrong "no"
// ships a module Electron cannot load.

const REPO = path.resolve(__dirname, '..', '..');
const MODULE_URL = pathToFileURL(path.join(REPO, 'native', 'native-modules.mjs')).href;

let root: string;

function writePackage(name: string, manifest: object, files: Record<string, string>): void {
  const dir = path.join(root, 'node_modules', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, ...manifest }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
}

/** Runs the ESM guard in a child (jest cannot import .mjs) and returns its answers. */
function guard(calls: string): unknown {
  const script = `import { nativeModules, rebuildReason } from ${JSON.stringify(MODULE_URL)};
const root = ${JSON.stringify(root)};
process.stdout.write(JSON.stringify(${calls}));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-native-'));
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ dependencies: { 'napi-db': '1', 'abi-codec': '1', 'plain-js': '1' }, devDependencies: { 'dev-native': '1' } }),
  );
  writePackage('napi-db', { binary: { napi_versions: [3, 6] } }, { 'binding.gyp': '{}', 'build/Release/db.node': 'bin' });
  writePackage('abi-codec', {}, { 'binding.gyp': '{}', 'build/Release/codec.node': 'bin' });
  writePackage('plain-js', {}, { 'index.js': '' });
  writePackage('dev-native', {}, { 'binding.gyp': '{}' });
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('finds the production dependencies that compile native code, and what they are built on', () => {
  expect(guard('nativeModules(root)')).toEqual([
    { name: 'napi-db', napi: true, built: true },
    { name: 'abi-codec', napi: false, built: true },
  ]);
});

test('a module tied to the Node ABI needs a rebuild for Electron', () => {
  expect(guard('rebuildReason(nativeModules(root))')).toEqual(expect.stringContaining('abi-codec'));
});

test('built N-API modules for this arch need nothing; another arch or a missing binary does', () => {
  const other = process.arch === 'arm64' ? 'x64' : 'arm64';
  const answers = guard(`(() => {
    const napi = nativeModules(root).filter((m) => m.napi);
    return [rebuildReason(napi), rebuildReason(napi, ${JSON.stringify(other)}), rebuildReason([{ ...napi[0], built: false }])];
  })()`) as Array<string | null>;
  expect(answers[0]).toBeNull();
  expect(answers[1]).toContain(other);
  expect(answers[2]).toContain('not compiled');
});

test('in this repo (sqlite3 is N-API) the rebuild script says it is not needed and succeeds', () => {
  const result = spawnSync(process.execPath, [path.join(REPO, 'native', 'rebuild-for-electron.mjs')], { cwd: REPO, encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('no rebuild needed');
  expect(result.stdout).toContain('sqlite3');
});
