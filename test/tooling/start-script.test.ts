import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

test('without the Electron binary, npm start explains why and runs the headless host instead', async () => {
  if (!fs.existsSync(path.join(REPO, 'dist', 'main', 'host', 'main.js'))) {
    throw new Error('dist/main is missing: run `npm run build` before this test');
  }
  // An empty override directory: no binary, whatever this machine has installed.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-no-electron-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-start-'));
  const child = spawn(process.execPath, [path.join(REPO, 'scripts', 'start.mjs')], {
    cwd: REPO,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty, ZUOXI_DATA_DIR: dataDir },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host did not start:\n${stdout}\n${stderr}`)), 20_000);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/#secret=[0-9a-f]{64})/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${stdout}\n${stderr}`)));
    });
    expect(stderr).toContain('the Electron binary is not installed');
    expect(stderr).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    const page = await fetch(url.split('#')[0]!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('app.js');
    expect(fs.existsSync(path.join(dataDir, 'zuoxi.db'))).toBe(true);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(empty, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 30_000);
