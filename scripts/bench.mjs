// Runs one benchmark: `npm run bench -- <name>` runs test/bench/<name>.bench.ts.
// Benchmarks are TypeScript next to the tests and import the core from main/ directly;
// esbuild bundles the one asked for (npm packages stay external, so the native sqlite3
// module loads as usual) into dist/bench and Node runs it. Benchmarks report, they do not
// gate: the exit code is the benchmark's own (non-zero only if it could not run).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'test', 'bench');
const available = fs
  .readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length));

const [name, ...benchArgs] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [args]\n  names: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}

const outfile = path.join(root, 'dist', 'bench', `${name}.bench.cjs`);
await build({
  absWorkingDir: root,
  entryPoints: [path.join(benchDir, `${name}.bench.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});

const run = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...benchArgs], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
