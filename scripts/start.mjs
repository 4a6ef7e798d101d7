// `npm start`, after `npm run build`: launches the desktop app with the real Electron.
// Where the Electron binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, no
// access to Electron's release host — CI here), it says so and runs the same core in
// the headless host instead, so the command still starts the app (in a browser).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNative } from '../native/ensure-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

/**
 * The binary's path, or null when it is not installed. Deliberately not
 * `require('electron')`: that starts a download when the binary is missing.
 */
export function installedElectron(env = process.env) {
  let relative = '';
  try {
    relative = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
  } catch {
    // Not downloaded; an override below may still name a binary.
  }
  // The same lookup as electron's own index.js, minus its download.
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? path.join(override, relative || 'electron') : relative ? path.join(electronDir, 'dist', relative) : null;
  return binary && fs.existsSync(binary) ? binary : null;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

/** Runs a child with our stdio, passing signals on and its exit code back. */
function run(command, args, env = process.env) {
  const child = spawn(command, args, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function main() {
  const binary = installedElectron();
  if (!binary) {
    console.error(
      [
        'Zuoxi: the Electron binary is not installed, so the desktop app cannot start here.',
        '',
        `  ${path.relative(root, electronDir)}/dist is missing. This happens when npm installed with`,
        '  ELECTRON_SKIP_BINARY_DOWNLOAD=1 or could not reach Electron\'s release host.',
        '',
        '  To get it:      npx install-electron   (needs network access to Electron releases,',
        '                  or ELECTRON_MIRROR pointing at a mirror)',
        '  Without it:     the headless host starts now — the same core, in your browser on',
        '                  this machine (`npm run host` starts it directly).',
        '',
      ].join('\n'),
    );
    run(process.execPath, [path.join(root, 'dist', 'main', 'host', 'main.js'), ...process.argv.slice(2)]);
    return;
  }
  const entry = path.join(root, 'dist', 'main', 'app', 'main.js');
  if (!fs.existsSync(entry) || !fs.existsSync(path.join(root, 'dist', 'main', 'app', 'preload.js'))) {
    fail(`Zuoxi: ${path.relative(root, entry)} or its preload is missing; run \`npm run build\` first.`);
  }
  if (ensureNative() !== 0) fail('Zuoxi: native modules are not ready for Electron (see native/README.md).');

  // Launch the app directory, not main.js: Electron then reads package.json, whose
  // "main" is dist/main/app/main.js and whose productName names the userData folder.
  const env = { ...process.env };
  // Set, it would make Electron behave as plain Node and never open a window.
  delete env.ELECTRON_RUN_AS_NODE;
  run(binary, [root, ...process.argv.slice(2)], env);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
