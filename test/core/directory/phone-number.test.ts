import { LruCache, PhoneNumberNormalizer, digitsOf } from '../../../main/core/directory/phone-number';

describe('PhoneNumberNormalizer', () => {
  const cn = new PhoneNumberNormalizer();

  it.each([
    ['+86 138 0013 8000'],
    ['13800138000'],
    ['008613800138000'],
    ['86-138-0013-8000'],
    ['+86 (138) 0013-8000'],
    ['１３８ ００１３ ８０００'], // full-width digits from a Chinese input method
    ['sip:13800138000@pbx.example.cn'],
    ['sip:+8613800138000@pbx;user=phone'],
    ['"张三" <sip:13800138000@10.0.0.1:5060>'],
    ['tel:+86-138-0013-8000'],
    ['TEL:+8613800138000;phone-context=example.cn'],
  ])('reads the mobile %j as +8613800138000', (raw) => {
    expect(cn.toE164(raw)).toBe('+8613800138000');
  });

  it.each([
    ['010-6552 9988', '+861065529988'],
    ['(010) 65529988', '+861065529988'],
    ['+86 10 6552 9988', '+861065529988'],
    ['0086 10 6552 9988', '+861065529988'],
    ['86-10-6552-9988', '+861065529988'],
    ['0755-8888 6666', '+8675588886666'],
    ['021 6234 5678', '+862162345678'],
  ])('reads the fixed line %j as %s', (raw, e164) => {
    expect(cn.toE164(raw)).toBe(e164);
  });

  it('returns the national significant number alongside, for partial-number search', () => {
    expect(cn.normalize('010-6552 9988')).toEqual({ e164: '+861065529988', nationalNumber: '1065529988' });
    expect(cn.normalize('+1 415 555 2671')).toEqual({ e164: '+14155552671', nationalNumber: '4155552671' });
  });

  it.each(['', '   ', 'anonymous', 'unknown', 'sip:anonymous@anonymous.invalid', '12345', '95588', '+', '+86', '1'.repeat(30), 'x'.repeat(1000), '<>', 'tel:%zz'])(
    'returns null, without throwing, for %j',
    (raw) => {
      expect(cn.toE164(raw)).toBeNull();
    },
  );

  it('uses its configured default region for numbers without a country code', () => {
    const us = new PhoneNumberNormalizer({ defaultRegion: 'US' });
    expect(us.toE164('(415) 555-2671')).toBe('+14155552671');
    expect(us.toE164('13800138000')).toBeNull();
    // A country code typed without its '+' is still understood when the national reading is invalid.
    expect(us.toE164('8613800138000')).toBe('+8613800138000');
    expect(us.toE164('+86 138 0013 8000')).toBe('+8613800138000');
    expect(cn.toE164('4155552671')).not.toBe('+14155552671');
  });

  it('answers repeated numbers from its cache with the same result', () => {
    const normalizer = new PhoneNumberNormalizer({ cacheSize: 2 });
    const first = normalizer.normalize('13800138000');
    expect(normalizer.normalize('13800138000')).toBe(first);
    expect(normalizer.toE164('not a number')).toBeNull();
    expect(normalizer.toE164('not a number')).toBeNull();
  });

  it('shares one cache entry between spellings that differ only in separators', () => {
    const normalizer = new PhoneNumberNormalizer({ cacheSize: 1 });
    const spaced = normalizer.normalize('138 0013 8000');
    expect(normalizer.normalize('138-0013-8000')).toBe(spaced);
    expect(normalizer.normalize('(138) 0013.8000')).toBe(spaced);
    expect(normalizer.normalize('+86 10 6552 9988')).not.toBe(spaced);
  });
});

describe('PhoneNumberNormalizer.normalizeForLookup', () => {
  const normalizer = new PhoneNumberNormalizer();
  const samples = [
    '+86 138 0013 8000',
    '13800138000',
    '008613800138000',
    '86-138-0013-8000',
    '<sip:+8613800138000@pbx>',
    '１３８００１３８０００',
    '010-6552 9988',
    '+852 2123 4567',
    'sip:8001@pbx',
    'not a number',
  ];

  it.each(samples)('gives %s the same key as the validating path whenever that path accepts it', (raw) => {
    const full = normalizer.normalize(raw);
    if (full) expect(normalizer.normalizeForLookup(raw)).toEqual(full);
    else expect(normalizer.normalizeForLookup(raw)?.e164 ?? null).not.toBe('+8613800138000');
  });

  it('agrees with the validating path on every mainland mobile prefix, in every everyday form', () => {
    for (let prefix = 130; prefix <= 199; prefix += 1) {
      const national = `${prefix}${String(prefix * 7919).padStart(8, '0').slice(-8)}`;
      for (const raw of [national, `+86${national}`, `0086${national}`, `86-${national}`]) {
        expect(normalizer.normalizeForLookup(raw)).toEqual(normalizer.normalize(raw));
      }
    }
  });

  it('leaves other regions to the validating path', () => {
    const hk = new PhoneNumberNormalizer({ defaultRegion: 'HK' });
    expect(hk.normalizeForLookup('13800138000')).toEqual(hk.normalize('13800138000'));
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry when full', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // 'a' is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('remembers null results as well', () => {
    const cache = new LruCache<string, number | null>(2);
    cache.set('x', null);
    expect(cache.get('x')).toBeNull();
    expect(cache.get('y')).toBeUndefined();
  });
});

describe('digitsOf', () => {
  it('keeps the digits of any way of typing a number, full-width included', () => {
    expect(digitsOf('+86 (10) 6552-9988')).toBe('861065529988');
    expect(digitsOf('０１０－６５５２')).toBe('0106552');
    expect(digitsOf('张三')).toBe('');
  });
});
