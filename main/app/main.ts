import path from 'node:path';
import { safeStorage } from 'electron';
import { machinePolicyFile, readManagedPolicy } from '../core/config/managed-policy';
import { Workstation } from '../core/workstation';
import { SafeStorageSecretProvider } from './secrets';
import { reportStartFailure, startShell } from './shell';

// The Electron entry (package.json "main"). Everything it decides lives in shell.ts,
// where tests can drive it; this file only names the real core and the built files.

startShell({
  openWorkstation: (dataDir, version) =>
    Workstation.open({
      dataDir,
      host: 'electron',
      version,
      policyFile: machinePolicyFile(process.platform, process.env),
      managedPolicy: readManagedPolicy(process.platform),
      // The SIP password and CRM tokens live in the OS keychain, never in settings.
      secrets: new SafeStorageSecretProvider(path.join(dataDir, 'secrets.json'), safeStorage),
    }),
  rendererDir: path.join(__dirname, '..', '..', 'renderer'),
  preloadPath: path.join(__dirname, 'preload.js'),
}).catch((error: unknown) => reportStartFailure(error));
