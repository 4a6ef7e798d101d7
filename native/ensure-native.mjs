// Run by scripts/start.mjs before Electron starts: makes sure the native modules can
// load in Electron on this machine, rebuilding only when they cannot.
//
//   node native/ensure-native.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeModules, rebuildReason } from './native-modules.mjs';
import { rebuildForElectron } from './rebuild-for-electron.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Returns the exit status: 0 when the modules are ready for Electron. */
export function ensureNative() {
  if (!rebuildReason(nativeModules(root))) return 0;
  return rebuildForElectron();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = ensureNative();
}
