// Screen-pop latency: DirectoryService.lookupNumber against the bare indexed query it
// is built on, over a directory of a million contacts.
//
//   npm run bench -- lookup                 (BENCH_CONTACTS=200000 for a quicker run)
//
// Both are measured in the same process, on the same database, after the same warm-up,
// one call at a time (a screen-pop is one caller, not a throughput test), interleaved
// over one sample of numbers: for each number both run, and which runs first alternates,
// so neither gets the pages the other just faulted in for free more often than the
// other. The last line is machine-readable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirectoryService } from '../../main/core/directory/directory-service';
import { silentLogger } from '../../main/core/log/logger';
import { openStore } from '../../main/core/store/migrations';
import { buildDirectory, formatted, numbersOf, sample as sampleOf, type SyntheticNumber } from './support/synthetic-directory';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 20_000);
const WARM_UP = Math.min(2_000, LOOKUPS);

/** A deterministic sample of contact indexes (xorshift), so runs compare. */
function sample(count: number, seed: number): number[] {
  return sampleOf(count, seed, CONTACTS);
}

type Call<T> = (input: T) => Promise<boolean>;

/** Times `a` and `b` on every input, alternating which goes first. */
async function timeInterleaved<T>(inputs: readonly T[], a: Call<T>, b: Call<T>): Promise<[Timings, Timings]> {
  const timings: [Timings, Timings] = [
    { ms: [], hits: 0 },
    { ms: [], hits: 0 },
  ];
  const timeOne = async (call: Call<T>, input: T, into: Timings) => {
    const started = process.hrtime.bigint();
    const hit = await call(input);
    into.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (hit) into.hits += 1;
  };
  for (const [k, input] of inputs.entries()) {
    if (k % 2 === 0) {
      await timeOne(a, input, timings[0]);
      await timeOne(b, input, timings[1]);
    } else {
      await timeOne(b, input, timings[1]);
      await timeOne(a, input, timings[0]);
    }
  }
  return timings;
}

interface Timings {
  ms: number[];
  hits: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

function describe(label: string, ms: readonly number[], hits: number): { p50: number; p99: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = ms.reduce((sum, value) => sum + value, 0) / ms.length;
  const [p50, p90, p99, max] = [percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99), sorted.at(-1) ?? Number.NaN];
  console.log(
    `${label.padEnd(9)} n=${ms.length} hits=${hits} mean=${mean.toFixed(3)} p50=${p50.toFixed(3)} p90=${p90.toFixed(3)} p99=${p99.toFixed(3)} max=${max.toFixed(3)} (ms)`,
  );
  return { p50, p99 };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-bench-'));
  const file = path.join(dir, 'directory.db');
  const db = await openStore(file, silentLogger);
  try {
    let started = Date.now();
    await buildDirectory(db, CONTACTS);
    const size = fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
    console.log(`built ${CONTACTS} contacts in ${((Date.now() - started) / 1000).toFixed(1)} s (${(size / 1e6).toFixed(0)} MB)`);

    const directory = new DirectoryService(db, { defaultRegion: 'CN' }, silentLogger, () => new Date());
    const bare = await db.prepare<{ contact_id: number }>('SELECT contact_id FROM contact_numbers WHERE e164 = ?');
    const pickNumber = (i: number, k: number) => {
      const numbers = numbersOf(i);
      return numbers[k % numbers.length] as SyntheticNumber;
    };
    const inputsOf = (indexes: readonly number[]) =>
      indexes.map((i, k) => {
        const number = pickNumber(i, k);
        return { raw: formatted(number, k), e164: number.e164 };
      });
    const lookup = async (input: { raw: string; e164: string }) => (await directory.lookupNumber(input.raw)).card !== null;
    const baseline = async (input: { raw: string; e164: string }) => (await bare.get([input.e164])) !== undefined;

    const warmUp = inputsOf(sample(WARM_UP, 0x9e3779b9));
    await timeInterleaved(warmUp, lookup, baseline);

    const measured = inputsOf(sample(LOOKUPS, 0x2545f491));
    console.log(`sample: ${measured.slice(0, 4).map((input) => JSON.stringify(input.raw)).join(', ')}, …`);
    started = Date.now();
    const [full, bareRun] = await timeInterleaved(measured, lookup, baseline);
    console.log(`measured ${LOOKUPS} + ${LOOKUPS} calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const lookupStats = describe('lookup', full.ms, full.hits);
    const baselineStats = describe('baseline', bareRun.ms, bareRun.hits);
    if (full.hits !== measured.length || bareRun.hits !== measured.length) console.log('WARNING: not every number was found');
    console.log(
      `lookup p50_ms=${lookupStats.p50.toFixed(3)} p99_ms=${lookupStats.p99.toFixed(3)} baseline_p99_ms=${baselineStats.p99.toFixed(3)} ratio=${(lookupStats.p99 / baselineStats.p99).toFixed(3)}`,
    );
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
