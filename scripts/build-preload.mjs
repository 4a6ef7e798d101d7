// Bundles the Electron preload: main/app/preload.ts -> dist/main/app/preload.js.
// A sandboxed preload can require only 'electron' (and a few polyfills), so the
// contract it imports from main/common (and zod behind it) must be inlined; tsc
// cannot do that, which is why tsconfig.build.json leaves this file to us.
// Runs after tsc in `npm run build:main`; exits non-zero on any error.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--outfile <path>` lets a test build to a temporary place.
const outfileArg = process.argv.indexOf('--outfile');
const outfile = outfileArg > 0 ? path.resolve(process.argv[outfileArg + 1]) : path.join(root, 'dist', 'main', 'app', 'preload.js');
/** What Chromium's sandboxed preload loader will hand to require(). */
const SANDBOX_REQUIRABLE = new Set(['electron']);

async function main() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['main/app/preload.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    // Electron 45 runs the preload in Chromium 140's V8; node20 keeps esbuild from
    // assuming anything newer on the Node side.
    target: ['node20', 'chrome140'],
    // The contract drags zod in (its schemas sit next to the channel names), so the
    // bundle is large; whitespace and syntax shrink cost nothing in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  // Fail the build, not the agent's first start, if a require() other than
  // 'electron' survived bundling: the sandbox would refuse it at run time.
  const externals = Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((entry) => entry.external && !SANDBOX_REQUIRABLE.has(entry.path));
  if (externals.length > 0) {
    throw new Error(`the preload would require ${externals.map((e) => `'${e.path}'`).join(', ')}, which a sandboxed preload cannot load`);
  }
  const [bundle] = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
  console.log(`preload built: ${bundle[0]} ${(bundle[1].bytes / 1024).toFixed(0)} KiB`);
}

main().catch((error) => {
  // esbuild has already printed its own diagnostics; anything else is printed here.
  if (!error?.errors) console.error(`build-preload: ${error?.message ?? error}`);
  process.exitCode = 1;
});
