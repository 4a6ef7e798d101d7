import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

test('without the Electron binary, npm start explains why and points at the headless host', () => {
  // An empty override directory: no binary, whatever this machine has installed.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-no-electron-'));
  try {
    const result = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'start.mjs')], {
      cwd: REPO,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the Electron binary is not installed');
    expect(result.stderr).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    expect(result.stderr).toContain('npm run host');
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
