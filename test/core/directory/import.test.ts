import iconv from 'iconv-lite';
import type { ImportProgress } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { DirectoryService } from '../../../main/core/directory/directory-service';
import { silentLogger } from '../../../main/core/log/logger';
import { openTempStore, type TempStore } from '../store/temp-store';

const NOW = new Date('2025-03-01T08:00:00.000Z');
const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
/** A distinct, valid mainland mobile number for row `n`. */
const mobile = (n: number) => `139${String(n).padStart(8, '0')}`;

describe('DirectoryService.import', () => {
  let store: TempStore;
  let directory: DirectoryService;
  let progress: ImportProgress[];
  const onProgress = (update: ImportProgress) => progress.push(update);

  beforeEach(async () => {
    store = await openTempStore();
    directory = new DirectoryService(store.db, { defaultRegion: 'CN' }, silentLogger, () => NOW);
    progress = [];
  });
  afterEach(async () => {
    await store.dispose();
  });

  const contactCount = async () => (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM contacts'))?.n;
  const cardOf = async (raw: string) => (await directory.lookupNumber(raw)).card;

  it('imports a Chinese CSV, reporting broken rows and unknown columns and merging a number seen twice', async () => {
    const report = await directory.import(
      {
        fileName: '客户.csv',
        content: csv(
          '姓名,公司,手机,座机,标签,客户等级,备注,微信',
          '张三,北京科技,138 0013 8000,010-6552 9988,vip;投诉,金牌,老客户,zhangsan_wx',
          '李四,上海贸易,13900139000,,,,,',
          ',无名公司,13700137000,,,,,',
          '王五,杭州,12345,,,,,',
          '赵六,深圳,"13600136000,13500135000",-,新客,,,',
          '钱七,,+86 138-0013-8000,,重点,,补充备注,',
          '孙八,广州,13300133000,,,,,,extra',
          '周九,成都,13200132000;abc123,,,,,',
        ),
      },
      onProgress,
    );
    expect(report).toEqual({
      importId: expect.any(String),
      format: 'csv',
      encoding: 'utf-8',
      totalRows: 8,
      imported: 4,
      merged: 1,
      errors: [
        { row: 3, code: 'missing_name', detail: '', reason: 'missing name' },
        { row: 4, code: 'no_valid_number', detail: '12345', reason: 'no valid phone number (12345)' },
        {
          row: 7,
          code: 'malformed_row',
          detail: 'malformed row: 9 fields where the header has 8',
          reason: 'malformed row: 9 fields where the header has 8',
        },
      ],
      warnings: [
        {
          row: 8,
          code: 'invalid_number_dropped',
          detail: 'abc123',
          reason: '"abc123" is not a valid phone number; the row was imported without it',
        },
      ],
      ignoredColumns: ['微信'],
    });
    // Row 6 shares 张三's number: merged into 张三, who keeps the name and gains the rest.
    expect((await cardOf('13800138000'))?.contact).toMatchObject({
      name: '张三',
      company: '北京科技',
      tier: '金牌',
      tags: ['vip', '投诉', '重点'],
      notes: '补充备注',
      numbers: [
        { label: 'mobile', raw: '138 0013 8000', e164: '+8613800138000' },
        { label: 'work', raw: '010-6552 9988', e164: '+861065529988' },
      ],
    });
    expect((await cardOf('13500135000'))?.contact.name).toBe('赵六');
    expect((await cardOf('13600136000'))?.contact.numbers).toHaveLength(2);
    expect(await directory.search('钱七', 5)).toEqual([]);
    expect(await contactCount()).toBe(4);
    expect(progress.at(-1)).toEqual({ importId: report.importId, processed: 8, total: 8 });
  });

  it('merges a row into the existing contact that owns its number, adding its new numbers', async () => {
    const existing = await directory.saveContact(null, { name: '老客户', company: '旧公司', tags: ['old'], numbers: [{ label: 'mobile', raw: '13800138000' }] });
    const report = await directory.import({ fileName: 'x.csv', content: csv('name,company,phone,tags', '改名无效,新公司,"13800138000/13900139000",new') }, onProgress);
    expect(report).toMatchObject({ imported: 0, merged: 1, errors: [] });
    const card = await cardOf('13900139000');
    expect(card?.contact).toMatchObject({ id: existing.contact.id, name: '老客户', company: '新公司', tags: ['old', 'new'] });
    expect(card?.contact.numbers.map((number) => number.e164)).toEqual(['+8613800138000', '+8613900139000']);
    expect(await contactCount()).toBe(1);
  });

  it('reports a row whose numbers belong to two different contacts instead of merging it into either', async () => {
    const a = await directory.saveContact(null, { name: 'A', numbers: [{ raw: '13800138000' }] });
    const b = await directory.saveContact(null, { name: 'B', numbers: [{ raw: '13900139000' }] });
    const report = await directory.import({ fileName: 'x.csv', content: csv('name,phone', 'AB,13800138000;13900139000') }, onProgress);
    const owners = `contact #${a.contact.id}, contact #${b.contact.id}`;
    expect(report.errors).toEqual([
      { row: 1, code: 'conflicting_contacts', detail: owners, reason: `its numbers belong to different contacts (${owners})` },
    ]);
    expect(report.merged).toBe(0);
    expect((await directory.card(a.contact.id)).contact.name).toBe('A');
  });

  it('merges a number repeated across batches the same way as within one batch', async () => {
    const rows = Array.from({ length: 1500 }, (_, n) => `客户${n},${mobile(n)}`);
    rows.push('重复一,13900000005'); // same as row 6, now in the second batch
    const report = await directory.import({ fileName: 'x.csv', content: csv('姓名,手机', ...rows) }, onProgress);
    expect(report).toMatchObject({ totalRows: 1501, imported: 1500, merged: 1, errors: [] });
    expect((await cardOf('13900000005'))?.contact.name).toBe('客户5');
  });

  it('reads a GBK-encoded file (what Excel writes on Chinese Windows)', async () => {
    const content = iconv.encode('姓名,单位,电话\r\n欧阳娜娜,上海浦东发展银行,021-6234 5678\r\n', 'gbk');
    expect(content.includes(Buffer.from('姓名', 'utf8'))).toBe(false);
    const report = await directory.import({ fileName: 'gbk.csv', content }, onProgress);
    expect(report).toMatchObject({ encoding: 'gbk', imported: 1, errors: [] });
    expect((await cardOf('+862162345678'))?.contact).toMatchObject({ name: '欧阳娜娜', company: '上海浦东发展银行' });
  });

  it('reads a UTF-8 file with a BOM without mistaking the first column', async () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv('姓名,手机', '张三,13800138000')]);
    const report = await directory.import({ fileName: 'bom.csv', content }, onProgress);
    expect(report).toMatchObject({ encoding: 'utf-8', imported: 1, ignoredColumns: [], errors: [] });
    expect((await cardOf('13800138000'))?.contact.name).toBe('张三');
  });

  it('imports vCard 3.0 and reports cards without a usable number', async () => {
    const content = Buffer.from(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:张三',
        'ORG:北京科技有限公司',
        'TEL;TYPE=CELL:+86 138 0013 8000',
        'TEL;TYPE=WORK:010-6552 9988',
        'CATEGORIES:vip,投诉',
        'NOTE:老客户\\n常打电话',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:没有电话',
        'EMAIL:x@example.com',
        'END:VCARD',
      ].join('\r\n'),
    );
    const report = await directory.import({ fileName: 'phone.vcf', content }, onProgress);
    expect(report).toMatchObject({ format: 'vcard', totalRows: 2, imported: 1, errors: [{ row: 2, code: 'no_number', detail: '', reason: 'no phone number' }], ignoredColumns: ['EMAIL'] });
    expect((await cardOf('01065529988'))?.contact).toMatchObject({
      name: '张三',
      company: '北京科技有限公司',
      tags: ['vip', '投诉'],
      notes: '老客户\n常打电话',
      numbers: [
        { label: 'mobile', e164: '+8613800138000' },
        { label: 'work', e164: '+861065529988' },
      ],
    });
  });

  it('imports vCard 2.1 with quoted-printable names, recognised by content alone', async () => {
    const hex = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `=${byte.toString(16).toUpperCase()}`).join('');
    const content = Buffer.from(
      ['BEGIN:VCARD', 'VERSION:2.1', `N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:${hex('欧阳')};${hex('娜娜')};;;`, 'TEL;CELL:13800138000', 'END:VCARD'].join('\r\n'),
    );
    const report = await directory.import({ fileName: 'export.dat', content }, onProgress);
    expect(report).toMatchObject({ format: 'vcard', imported: 1, errors: [] });
    expect((await cardOf('13800138000'))?.contact.name).toBe('欧阳娜娜');
  });

  it('stores a hostile name verbatim', async () => {
    await directory.import({ fileName: 'x.csv', content: csv('name,phone', '"<img src=x onerror=alert(1)>",13800138000') }, onProgress);
    expect((await cardOf('13800138000'))?.contact.name).toBe('<img src=x onerror=alert(1)>');
  });

  it('writes nothing at all when writing fails part-way, and says so with import_failed', async () => {
    const before = await directory.saveContact(null, { name: '原有客户', company: '原公司', numbers: [{ raw: '13800138000' }] });
    // Refuses one name, deep in the third batch, after two batches (and a merge) were written.
    await store.db.exec("CREATE TRIGGER refuse_boom BEFORE INSERT ON contacts WHEN new.name = 'BOOM' BEGIN SELECT RAISE(ABORT, 'BOOM is refused'); END");
    const rows = Array.from({ length: 2500 }, (_, n) => `${n === 2100 ? 'BOOM' : `客户${n}`},${mobile(n)},新公司`);
    rows[10] = '并入原有,13800138000,新公司';
    const failure = directory.import({ fileName: 'big.csv', content: csv('姓名,手机,公司', ...rows) }, onProgress);
    await expect(failure).rejects.toBeInstanceOf(ZuoxiError);
    await expect(failure).rejects.toMatchObject({ code: 'import_failed', message: expect.stringContaining('BOOM is refused') });
    await expect(failure).rejects.toMatchObject({ message: expect.not.stringContaining('INSERT INTO') });
    expect(progress.map((update) => update.processed)).toEqual([0, 1000, 2000]);
    expect(await contactCount()).toBe(1);
    expect(await store.db.get('SELECT count(*) AS n FROM contact_numbers')).toEqual({ n: 1 });
    expect(await cardOf(mobile(0))).toBeNull();
    expect((await directory.card(before.contact.id)).contact).toEqual(before.contact);
    expect(await directory.search('客户1', 5)).toEqual([]);

    // The database is fine afterwards: the same file goes in once the trigger is gone.
    await store.db.exec('DROP TRIGGER refuse_boom');
    const report = await directory.import({ fileName: 'big.csv', content: csv('姓名,手机,公司', ...rows) }, onProgress);
    expect(report).toMatchObject({ imported: 2499, merged: 1, errors: [] });
  });

  it('reports progress at the start, every 1000 rows and at the end', async () => {
    const rows = Array.from({ length: 2500 }, (_, n) => `客户${n},${mobile(n)}`);
    const report = await directory.import({ fileName: 'x.csv', content: csv('姓名,手机', ...rows) }, onProgress);
    expect(progress).toEqual([0, 1000, 2000, 2500].map((processed) => ({ importId: report.importId, processed, total: 2500 })));
  });

  it('finishes the import even when the progress listener throws', async () => {
    const report = await directory.import({ fileName: 'x.csv', content: csv('姓名,手机', '张三,13800138000') }, () => {
      throw new Error('window gone');
    });
    expect(report.imported).toBe(1);
    expect((await cardOf('13800138000'))?.contact.name).toBe('张三');
  });

  it('refuses a file it cannot read at all, writing nothing', async () => {
    await expect(directory.import({ fileName: 'x.csv', content: csv('公司,地址', 'ACME,北京') }, onProgress)).rejects.toMatchObject({
      code: 'import_failed',
      message: expect.stringContaining('no name column'),
    });
    await expect(directory.import({ fileName: 'empty.csv', content: Buffer.alloc(0) }, onProgress)).rejects.toMatchObject({ code: 'import_failed' });
    expect(await contactCount()).toBe(0);
  });

  it('imports 100,000 rows in one go', async () => {
    const rows = Array.from({ length: 100_000 }, (_, n) => `客户${n},公司${n % 500},${mobile(n)},${n % 3 ? '' : `010-${String(60_000_000 + n)}`}`);
    const started = Date.now();
    const report = await directory.import({ fileName: 'big.csv', content: csv('姓名,公司,手机,座机', ...rows) }, onProgress);
    const seconds = (Date.now() - started) / 1000;
    expect(report).toMatchObject({ totalRows: 100_000, imported: 100_000, merged: 0, errors: [] });
    expect(progress).toHaveLength(101);
    expect((await cardOf(`+86 ${mobile(99_999)}`))?.contact.name).toBe('客户99999');
    expect((await cardOf('010-60099999'))?.contact.name).toBe('客户99999');
    expect((await directory.search('客户4242', 5)).map((summary) => summary.name)).toContain('客户4242');
    // Generous for a slow CI machine; locally this takes a few seconds.
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});
