// Rebuilds native dependencies for Electron (`electron-builder install-app-deps`),
// but only when that is needed: see native/README.md. It needs Electron's headers
// from the network, so running it for nothing would fail offline for no gain.
//
//   node native/rebuild-for-electron.mjs [--arch x64|arm64|ia32|armv7l] [--force]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeModules, rebuildReason } from './native-modules.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Returns the exit status: 0 when nothing was needed or the rebuild succeeded. */
export function rebuildForElectron({ arch = process.arch, force = false } = {}) {
  const modules = nativeModules(root);
  const reason = force ? 'forced with --force' : rebuildReason(modules, arch);
  if (!reason) {
    const names = modules.map((m) => m.name).join(', ') || 'none';
    console.log(`native: no rebuild needed (native modules: ${names}; all N-API and built for ${arch}).`);
    return 0;
  }
  console.log(`native: rebuilding for Electron (${arch}) because ${reason}.`);
  const cli = path.join(root, 'node_modules', 'electron-builder', 'cli.js');
  const result = spawnSync(process.execPath, [cli, 'install-app-deps', '--arch', arch], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      'native: electron-builder install-app-deps failed. It downloads Electron headers; ' +
        'with no access to them, build on a machine that has, or use N-API modules only.',
    );
  }
  return result.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const archIndex = args.indexOf('--arch');
  process.exitCode = rebuildForElectron({
    arch: archIndex >= 0 ? args[archIndex + 1] : process.arch,
    force: args.includes('--force'),
  });
}
