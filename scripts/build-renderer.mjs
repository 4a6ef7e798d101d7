// Bundles the renderer for both hosts (Electron shell and headless host):
// renderer/main.tsx -> dist/renderer/app.js, renderer/styles.css -> app.css, plus index.html.
// Production (NODE_ENV=production or --production) is minified; both get source maps.
// Exits non-zero on any error so `npm run build` stops.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'renderer');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

async function main() {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [
      { in: 'renderer/main.tsx', out: 'app' },
      { in: 'renderer/styles.css', out: 'app' },
    ],
    outdir,
    bundle: true,
    // A classic script: module scripts are refused from file:// pages, which the shell may use.
    format: 'iife',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: production,
    sourcemap: 'linked',
    legalComments: production ? 'linked' : 'inline',
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    logLevel: 'warning',
    metafile: true,
  });
  await copyFile(path.join(root, 'renderer', 'index.html'), path.join(outdir, 'index.html'));
  const outputs = Object.entries(result.metafile.outputs)
    .filter(([file]) => !file.endsWith('.map') && !file.endsWith('.LEGAL.txt'))
    .map(([file, { bytes }]) => `${path.relative(root, path.resolve(root, file))} ${(bytes / 1024).toFixed(0)} KiB`);
  console.log(`renderer built (${production ? 'production' : 'development'}): ${outputs.join(', ')}`);
}

main().catch((error) => {
  // esbuild has already printed its own diagnostics; anything else is printed here.
  if (!error?.errors) console.error(error);
  process.exitCode = 1;
});
