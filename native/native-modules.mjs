// What the app's native modules need before Electron can load them. Shared by
// ensure-native.mjs (run by `npm start`) and rebuild-for-electron.mjs.
import fs from 'node:fs';
import path from 'node:path';

/**
 * One entry per production dependency that compiles C/C++ (has a binding.gyp):
 *   napi  — built against N-API, so one binary loads in Node and in Electron
 *           (Electron's V8 ABI differs from Node's; N-API hides that);
 *   built — a compiled .node file is present.
 */
export function nativeModules(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return Object.keys(pkg.dependencies ?? {})
    .map((name) => ({ name, dir: path.join(root, 'node_modules', name) }))
    .filter(({ dir }) => fs.existsSync(path.join(dir, 'binding.gyp')))
    .map(({ name, dir }) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const napi =
        (Array.isArray(manifest.binary?.napi_versions) && manifest.binary.napi_versions.length > 0) ||
        'node-addon-api' in (manifest.dependencies ?? {});
      return { name, napi, built: hasBinary(dir) };
    });
}

/**
 * Why a rebuild for Electron is needed, or null when the installed binaries already
 * fit: every module is N-API, compiled, and for the architecture being targeted.
 */
export function rebuildReason(modules, targetArch = process.arch) {
  const missing = modules.filter((m) => !m.built).map((m) => m.name);
  if (missing.length) return `not compiled yet: ${missing.join(', ')}`;
  const abiBound = modules.filter((m) => !m.napi).map((m) => m.name);
  if (abiBound.length) return `built for Node's ABI, not Electron's: ${abiBound.join(', ')}`;
  if (targetArch !== process.arch) return `installed binaries are ${process.arch}, the target is ${targetArch}`;
  return null;
}

function hasBinary(dir) {
  for (const sub of ['build', 'lib/binding', 'prebuilds']) {
    const base = path.join(dir, sub);
    if (!fs.existsSync(base)) continue;
    if (fs.readdirSync(base, { recursive: true }).some((file) => String(file).endsWith('.node'))) return true;
  }
  return false;
}
