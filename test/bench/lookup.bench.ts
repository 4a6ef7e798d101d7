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
import { ContactRepository, type ContactFields, type NumberRow } from '../../main/core/store/contact-repository';
import type { Database } from '../../main/core/store/database';
import { openStore } from '../../main/core/store/migrations';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 20_000);
const WARM_UP = Math.min(2_000, LOOKUPS);
const BATCH = 10_000;
const BATCHES_PER_TRANSACTION = 10;

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉力玲红鹏飞斌宇浩凯秀云莉婷雪琳晨欣怡子涵梓轩博文浩然思雨佳琪'];
const CITIES = ['北京', '上海', '广州', '深圳', '杭州', '南京', '成都', '武汉', '西安', '重庆', '天津', '苏州', '青岛', '长沙'];
const TRADES = ['科技', '贸易', '物流', '建设', '电子', '医药', '食品', '教育', '咨询', '实业'];
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '166', '176', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '198', '199'];
// Area codes whose subscriber numbers have eight digits.
const AREA_CODES = ['10', '20', '21', '22', '23', '24', '25', '27', '28', '29', '755', '571', '512', '532', '731', '591'];

interface SyntheticNumber {
  e164: string;
  national: string;
  kind: 'mobile' | 'fixed';
}

/** Contact `i`'s numbers: a unique mobile for everyone, a unique fixed line for every third. */
function numbersOf(i: number): SyntheticNumber[] {
  // Multiplying by a constant coprime to the modulus permutes the range: unique and scattered.
  const mobilePrefix = MOBILE_PREFIXES[i % MOBILE_PREFIXES.length] ?? '138';
  const mobileLine = String((Math.floor(i / MOBILE_PREFIXES.length) * 7_919) % 100_000_000).padStart(8, '0');
  const mobile = `${mobilePrefix}${mobileLine}`;
  const numbers: SyntheticNumber[] = [{ e164: `+86${mobile}`, national: mobile, kind: 'mobile' }];
  if (i % 3 === 0) {
    const j = i / 3;
    const area = AREA_CODES[j % AREA_CODES.length] ?? '10';
    const local = String(20_000_000 + ((Math.floor(j / AREA_CODES.length) * 7_919) % 60_000_000));
    numbers.push({ e164: `+86${area}${local}`, national: `${area}${local}`, kind: 'fixed' });
  }
  return numbers;
}

function contactOf(i: number): ContactFields {
  const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
  const given = pick(GIVEN, Math.floor(i / SURNAMES.length)) + (i % 3 ? pick(GIVEN, Math.floor(i / 7)) : '');
  return {
    name: pick(SURNAMES, i) + given,
    company: `${pick(CITIES, i)}${pick(TRADES, Math.floor(i / 14))}有限公司`,
    tier: pick(['', '', 'gold', 'vip'], i),
    tags: i % 10 === 0 ? ['重点'] : [],
    notes: '',
  };
}

/** The ways a caller ID arrives: +86 with spaces, bare national, 0086, 86 with dashes. */
function formatted(number: SyntheticNumber, style: number): string {
  const national = number.national;
  const grouped =
    number.kind === 'mobile'
      ? [national.slice(0, 3), national.slice(3, 7), national.slice(7)]
      : [national.slice(0, national.length - 8), national.slice(-8, -4), national.slice(-4)];
  switch (style % 4) {
    case 0:
      return `+86 ${grouped.join(' ')}`;
    case 1:
      return number.kind === 'mobile' ? national : `0${grouped[0]}-${grouped[1]} ${grouped[2]}`;
    case 2:
      return `0086${national}`;
    default:
      return `86-${grouped.join('-')}`;
  }
}

async function buildDirectory(db: Database): Promise<void> {
  const repository = new ContactRepository(db);
  const now = new Date().toISOString();
  for (let start = 0; start < CONTACTS; start += BATCH * BATCHES_PER_TRANSACTION) {
    await db.transaction(async (tx) => {
      const end = Math.min(CONTACTS, start + BATCH * BATCHES_PER_TRANSACTION);
      for (let batch = start; batch < end; batch += BATCH) {
        const indexes = Array.from({ length: Math.min(BATCH, end - batch) }, (_, k) => batch + k);
        const ids = await repository.insertContacts(tx, indexes.map(contactOf), now);
        const numbers: NumberRow[] = indexes.flatMap((i, k) =>
          numbersOf(i).map((number) => ({ contactId: ids[k] ?? 0, label: number.kind, raw: number.national, e164: number.e164, nationalNumber: number.national })),
        );
        await repository.insertNumbers(tx, numbers);
      }
    });
  }
  // Some history, so cards carry recent and open items as they do in production.
  await db.exec(`
    INSERT INTO interactions (contact_id, kind, occurred_at, outcome, summary, status)
      SELECT id, 'call_in', '2025-01-0' || (1 + id % 9) || 'T08:00:00.000Z', '已解决', '咨询账单', NULL FROM contacts WHERE id % 5 = 0;
    INSERT INTO interactions (contact_id, kind, occurred_at, outcome, summary, status)
      SELECT id, 'ticket', '2025-02-0' || (1 + id % 9) || 'T09:30:00.000Z', '待回电', '投诉处理中', 'open' FROM contacts WHERE id % 10 = 0;
    ANALYZE;
  `);
}

/** A deterministic sample of contact indexes (xorshift), so runs compare. */
function sample(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % CONTACTS;
  });
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
    await buildDirectory(db);
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
