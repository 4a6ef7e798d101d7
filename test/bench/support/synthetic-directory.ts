/**
 * A synthetic customer directory for the benchmarks: `count` contacts with Chinese names
 * and companies, a unique mobile number each and a unique fixed line for every third,
 * some call history and open tickets, written straight through the repository in large
 * transactions (a million contacts in about half a minute). Deterministic: contact `i`
 * is always the same person with the same numbers, so a benchmark can pick a caller by
 * index and know whose card must pop.
 */
import { ContactRepository, type ContactFields, type NumberRow } from '../../../main/core/store/contact-repository';
import type { Database } from '../../../main/core/store/database';

const BATCH = 10_000;
const BATCHES_PER_TRANSACTION = 10;

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉力玲红鹏飞斌宇浩凯秀云莉婷雪琳晨欣怡子涵梓轩博文浩然思雨佳琪'];
const CITIES = ['北京', '上海', '广州', '深圳', '杭州', '南京', '成都', '武汉', '西安', '重庆', '天津', '苏州', '青岛', '长沙'];
const TRADES = ['科技', '贸易', '物流', '建设', '电子', '医药', '食品', '教育', '咨询', '实业'];
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '166', '176', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '198', '199'];
// Area codes whose subscriber numbers have eight digits.
const AREA_CODES = ['10', '20', '21', '22', '23', '24', '25', '27', '28', '29', '755', '571', '512', '532', '731', '591'];

export interface SyntheticNumber {
  e164: string;
  national: string;
  kind: 'mobile' | 'fixed';
}

/** Contact `i`'s numbers: a unique mobile for everyone, a unique fixed line for every third. */
export function numbersOf(i: number): SyntheticNumber[] {
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

export function contactOf(i: number): ContactFields {
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
export function formatted(number: SyntheticNumber, style: number): string {
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

/** Writes contacts 0 … count-1 with their numbers, then some history, then ANALYZE. */
export async function buildDirectory(db: Database, count: number): Promise<void> {
  const repository = new ContactRepository(db);
  const now = new Date().toISOString();
  for (let start = 0; start < count; start += BATCH * BATCHES_PER_TRANSACTION) {
    await db.transaction(async (tx) => {
      const end = Math.min(count, start + BATCH * BATCHES_PER_TRANSACTION);
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

/** A deterministic sample of contact indexes below `count` (xorshift), so runs compare. */
export function sample(size: number, seed: number, count: number): number[] {
  let state = seed;
  return Array.from({ length: size }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % count;
  });
}
