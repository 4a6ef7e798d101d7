import path from 'node:path';
import { Workstation } from '../core/workstation';
import { reportStartFailure, startShell } from './shell';

// The Electron entry (package.json "main"). Everything it decides lives in shell.ts,
// where tests can drive it; this file only names the real core and the built files.

startShell({
  openWorkstation: (dataDir, version) =>
    Workstation.open({
      dataDir,
      host: 'electron',
      version,
      policyFile: process.env.ZUOXI_POLICY_FILE ?? null,
    }),
  rendererDir: path.join(__dirname, '..', '..', 'renderer'),
  preloadPath: path.join(__dirname, 'preload.js'),
}).catch((error: unknown) => reportStartFailure(error));
