import iconv from 'iconv-lite';
import { ZuoxiError } from '../../../main/common/errors';
import { readCsv } from '../../../main/core/directory/import/csv-reader';
import { composeName, decodeText, detectFormat, type SourceRow } from '../../../main/core/directory/import/source-file';
import { readVcard } from '../../../main/core/directory/import/vcard-reader';

const contactOf = (row: SourceRow | undefined) => {
  if (!row || !('contact' in row)) throw new Error(`expected a contact row, got ${JSON.stringify(row)}`);
  return row.contact;
};

/** Quoted-printable, as vCard 2.1 writers emit it: every byte of non-ASCII text as =XX. */
const qp = (text: string, charset = 'utf-8') =>
  [...iconv.encode(text, charset)].map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM, dropping the BOM', () => {
    expect(decodeText(Buffer.from('\uFEFF姓名,电话', 'utf8'))).toEqual({ text: '姓名,电话', encoding: 'utf-8' });
    expect(decodeText(Buffer.from('姓名,电话', 'utf8'))).toEqual({ text: '姓名,电话', encoding: 'utf-8' });
  });

  it('falls back to GBK when the bytes are not UTF-8', () => {
    expect(decodeText(iconv.encode('姓名,电话\n张三,13800138000', 'gbk'))).toEqual({ text: '姓名,电话\n张三,13800138000', encoding: 'gbk' });
  });

  it('honours a UTF-16 BOM', () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('姓名\t电话', 'utf-16le')]))).toEqual({ text: '姓名\t电话', encoding: 'utf-16le' });
  });
});

describe('detectFormat', () => {
  it('prefers the requested format, then the extension, then the content', () => {
    expect(detectFormat('contacts.vcf', 'name,phone', 'csv')).toBe('csv');
    expect(detectFormat('CONTACTS.VCF', 'anything')).toBe('vcard');
    expect(detectFormat('phone.vcard', 'anything')).toBe('vcard');
    expect(detectFormat('export.csv', 'BEGIN:VCARD')).toBe('csv');
    expect(detectFormat('export.txt', '\r\n  begin:vcard\r\nVERSION:3.0')).toBe('vcard');
    expect(detectFormat('export', '姓名,电话')).toBe('csv');
  });
});

describe('composeName', () => {
  it('puts a Chinese family name first without a space, a Latin one last with a space', () => {
    expect(composeName('张', '三丰')).toBe('张三丰');
    expect(composeName('Lovelace', 'Ada')).toBe('Ada Lovelace');
    expect(composeName('', 'Ada')).toBe('Ada');
  });
});

describe('readCsv', () => {
  it('recognises English headers whatever their case and spacing, and numbered number columns', () => {
    const source = readCsv('NAME,Company,Mobile Phone,Phone 2,Work_Phone,TAGS,Level,Remarks,Fax\nAda,ACME,+1 415 555 2671,+44 20 7946 0958,,a;b,gold,hi,123\n');
    expect(source.ignoredColumns).toEqual(['Fax']);
    expect(contactOf(source.rows[0])).toEqual({
      name: 'Ada',
      company: 'ACME',
      tier: 'gold',
      notes: 'hi',
      tags: ['a', 'b'],
      numbers: [
        { label: 'mobile', raw: '+1 415 555 2671' },
        { label: 'other', raw: '+44 20 7946 0958' },
      ],
    });
  });

  it('splits cells holding several numbers or tags on ; / , and their full-width forms', () => {
    const source = readCsv('姓名,联系电话,标签\n张三,"13800138000; 13900139000/010-65529988，13700137000",vip、投诉，vip\n');
    const contact = contactOf(source.rows[0]);
    expect(contact.numbers.map((number) => number.raw)).toEqual(['13800138000', '13900139000', '010-65529988', '13700137000']);
    expect(contact.tags).toEqual(['vip', '投诉']);
  });

  it('builds the name from family and given name columns', () => {
    const source = readCsv('姓,名,手机\n欧阳,娜娜,13800138000\n');
    expect(contactOf(source.rows[0]).name).toBe('欧阳娜娜');
    const english = readCsv('First Name,Last Name,Mobile\nAda,Lovelace,+44 20 7946 0958\n');
    expect(contactOf(english.rows[0]).name).toBe('Ada Lovelace');
  });

  it('reads tab-separated exports and quoted cells with commas and line breaks', () => {
    const tabbed = readCsv('姓名\t电话\n张三\t13800138000\n');
    expect(contactOf(tabbed.rows[0])).toMatchObject({ name: '张三', numbers: [{ raw: '13800138000' }] });
    const quoted = readCsv('name,company,notes,phone\n"Li, Lei","ACME, Inc.","line 1\nline 2",13800138000\n');
    expect(contactOf(quoted.rows[0])).toMatchObject({ name: 'Li, Lei', company: 'ACME, Inc.', notes: 'line 1\nline 2' });
  });

  it('numbers data rows from 1, skips rows of empty cells, and reports rows of the wrong width', () => {
    const source = readCsv('name,phone\nA,1\n,\n\nB,2,extra\nC\n"D",3\n');
    expect(source.rows.map((row) => row.row)).toEqual([1, 2, 3, 4]);
    expect(source.rows[1]).toEqual({ row: 2, error: 'malformed row: 3 fields where the header has 2' });
    expect(source.rows[2]).toEqual({ row: 3, error: 'malformed row: 1 fields where the header has 2' });
    expect(contactOf(source.rows[3]).name).toBe('D');
  });

  it('keeps the rows before a quote that is never closed, and reports the rest as one malformed row', () => {
    const source = readCsv('name,phone\nA,13800138000\n"B,13900139000\nC,13700137000\n');
    expect(contactOf(source.rows[0]).name).toBe('A');
    expect(source.rows[1]).toMatchObject({ row: 2, error: expect.stringMatching(/^malformed row: .*quote/i) });
    expect(source.rows).toHaveLength(2);
  });

  it('reports a second column for the same field as ignored instead of guessing', () => {
    const source = readCsv('姓名,Name,电话\n张三,Zhang San,13800138000\n');
    expect(source.ignoredColumns).toEqual(['Name']);
    expect(contactOf(source.rows[0]).name).toBe('张三');
  });

  it('refuses a file without a name or a number column, naming the columns it found', () => {
    expect(() => readCsv('company,phone\nACME,1\n')).toThrow(ZuoxiError);
    expect(() => readCsv('company,phone\nACME,1\n')).toThrow(/no name column.*company, phone/);
    expect(() => readCsv('姓名,公司\n张三,ACME\n')).toThrow(/no phone number column/);
    expect(() => readCsv('')).toThrow(/no readable header/);
  });
});

describe('readVcard', () => {
  it('reads a vCard 3.0 with folding, escapes, structured names, organisations and typed numbers', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:张;三;;;',
      'FN:张三',
      'ORG:北京科技有限公司;销售部',
      'TEL;TYPE=CELL,VOICE:+86 138 0013 8000',
      'TEL;TYPE=WORK:010-6552 9988',
      'item1.TEL;type=HOME:0755-8888 6666',
      'NOTE:第一行\\n第二行\\, 带逗号\\; 和分号 and a long line that the writer',
      '  folded here',
      'CATEGORIES:vip,投诉',
      'EMAIL;TYPE=INTERNET:zs@example.com',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Lovelace;Ada;;;',
      'TEL:+44 20 7946 0958',
      'END:VCARD',
    ].join('\r\n');
    const source = readVcard(text);
    expect(source.ignoredColumns.sort()).toEqual(['EMAIL', 'PHOTO']);
    expect(contactOf(source.rows[0])).toEqual({
      name: '张三',
      company: '北京科技有限公司 销售部',
      tier: '',
      notes: '第一行\n第二行, 带逗号; 和分号 and a long line that the writer folded here',
      tags: ['vip', '投诉'],
      numbers: [
        { label: 'mobile', raw: '+86 138 0013 8000' },
        { label: 'work', raw: '010-6552 9988' },
        { label: 'home', raw: '0755-8888 6666' },
      ],
    });
    expect(contactOf(source.rows[1])).toMatchObject({ name: 'Ada Lovelace', numbers: [{ label: 'other', raw: '+44 20 7946 0958' }] });
  });

  it('reads vCard 2.1 quoted-printable values, soft line breaks, bare parameters and charsets', () => {
    const note = qp('备注信息：老客户');
    const text = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      `N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:${qp('张')};${qp('三')};;;`,
      `FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:${qp('张三')}`,
      'TEL;CELL;PREF:13800138000',
      `NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:${note.slice(0, 24)}=`,
      `${note.slice(24)}`,
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:2.1',
      `FN;CHARSET=GB2312;QUOTED-PRINTABLE:${qp('李四', 'gb2312')}`,
      'TEL;WORK;VOICE:010-65529988',
      'END:VCARD',
    ].join('\r\n');
    const source = readVcard(text);
    expect(contactOf(source.rows[0])).toMatchObject({ name: '张三', notes: '备注信息：老客户', numbers: [{ label: 'mobile', raw: '13800138000' }] });
    expect(contactOf(source.rows[1])).toMatchObject({ name: '李四', numbers: [{ label: 'work', raw: '010-65529988' }] });
  });

  it('reads vCard 4.0 quoted parameter lists and tel: URIs', () => {
    const source = readVcard('BEGIN:VCARD\nVERSION:4.0\nFN:Ada\nTEL;VALUE=uri;TYPE="voice,cell":tel:+44-20-7946-0958\nEND:VCARD\n');
    expect(contactOf(source.rows[0]).numbers).toEqual([{ label: 'mobile', raw: 'tel:+44-20-7946-0958' }]);
  });

  it('refuses a file without a single card', () => {
    expect(() => readVcard('VERSION:3.0\nFN:nobody\n')).toThrow(/contains no vCard/);
  });

  it('reports a card that never ends, numbering cards from 1', () => {
    const source = readVcard('BEGIN:VCARD\nFN:A\nTEL:1\nBEGIN:VCARD\nFN:B\nTEL:2\nEND:VCARD\nBEGIN:VCARD\nFN:C\n');
    expect(source.rows).toEqual([
      { row: 1, error: 'malformed card: BEGIN:VCARD without END:VCARD' },
      { row: 2, contact: expect.objectContaining({ name: 'B' }) },
      { row: 3, error: 'malformed card: the file ends before END:VCARD' },
    ]);
  });
});
