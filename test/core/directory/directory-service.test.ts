import type { ContactInput } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { DirectoryService } from '../../../main/core/directory/directory-service';
import { silentLogger } from '../../../main/core/log/logger';
import { openTempStore, type TempStore } from '../store/temp-store';

const NOW = new Date('2025-03-01T08:00:00.000Z');

const contact = (name: string, ...numbers: string[]): ContactInput => ({
  name,
  numbers: numbers.map((raw) => ({ label: 'mobile', raw })),
});

describe('DirectoryService', () => {
  let store: TempStore;
  let directory: DirectoryService;

  beforeEach(async () => {
    store = await openTempStore();
    directory = new DirectoryService(store.db, { defaultRegion: 'CN' }, silentLogger, () => NOW);
  });
  afterEach(async () => {
    await store.dispose();
  });

  describe('lookupNumber', () => {
    it('finds the one contact from the number in any of the ways a caller ID arrives', async () => {
      const saved = await directory.saveContact(null, { ...contact('张三', '13800138000'), company: '北京科技有限公司', tier: 'vip' });
      await directory.saveContact(null, contact('李四', '13900139000'));
      for (const raw of ['+86 138 0013 8000', '13800138000', '008613800138000', '86-138-0013-8000', 'sip:13800138000@pbx']) {
        const found = await directory.lookupNumber(raw);
        expect(found.e164).toBe('+8613800138000');
        expect(found.card?.contact).toMatchObject({ id: saved.contact.id, name: '张三', company: '北京科技有限公司', tier: 'vip' });
      }
    });

    it('answers concurrent lookups each with its own card', async () => {
      const numbers = Array.from({ length: 30 }, (_, n) => `1390000${String(n).padStart(4, '0')}`);
      for (const [n, number] of numbers.entries()) await directory.saveContact(null, contact(`客户${n}`, number));
      const found = await Promise.all(numbers.map((number) => directory.lookupNumber(`+86 ${number}`)));
      expect(found.map((result) => result.card?.contact.name)).toEqual(numbers.map((_, n) => `客户${n}`));
    });

    it('returns the number without a card when nobody has it, and nulls for something that is not a number', async () => {
      await directory.saveContact(null, contact('张三', '13800138000'));
      expect(await directory.lookupNumber('010-6552 9988')).toEqual({ e164: '+861065529988', card: null });
      expect(await directory.lookupNumber('anonymous')).toEqual({ e164: null, card: null });
    });
  });

  describe('search', () => {
    beforeEach(async () => {
      await directory.saveContact(null, { ...contact('欧阳娜娜', '13800138000'), company: '上海浦东发展银行' });
      await directory.saveContact(null, { ...contact('王芳', '13911112222'), company: '杭州阿里巴巴' });
      await directory.saveContact(null, { ...contact('王小明', '010-6552 9988'), company: 'Acme Trading' });
      await directory.saveContact(null, contact('Li Lei', '+1 415 555 2671'));
    });
    const names = async (query: string) => (await directory.search(query, 50)).map((summary) => summary.name);

    it('finds a Chinese name by a substring from its middle', async () => {
      expect(await names('阳娜娜')).toEqual(['欧阳娜娜']);
    });

    it('finds a two-character name, and a surname, though trigrams need three characters', async () => {
      expect(await names('王芳')).toEqual(['王芳']);
      expect((await names('王')).sort()).toEqual(['王小明', '王芳'].sort());
    });

    it('finds by company substring, ignoring Latin case', async () => {
      expect(await names('浦东发展')).toEqual(['欧阳娜娜']);
      expect(await names('acme')).toEqual(['王小明']);
      expect(await names('li')).toEqual(['Li Lei']);
    });

    it('ranks an exact name before names that merely contain it', async () => {
      await directory.saveContact(null, contact('王小明明', '13700137000'));
      expect(await names('王小明')).toEqual(['王小明', '王小明明']);
    });

    it('finds a contact by digits of its number typed in any format', async () => {
      expect(await names('0013 8000')).toEqual(['欧阳娜娜']);
      expect(await names('138-0013')).toEqual(['欧阳娜娜']);
      expect(await names('+86 139')).toEqual(['王芳']);
      // Fixed lines are found by their national form with the trunk 0 as well.
      expect(await names('010 6552')).toEqual(['王小明']);
      expect(await names('５５５ ２６７１')).toEqual(['Li Lei']);
    });

    it('returns summaries with E.164 numbers and respects the limit', async () => {
      const [summary] = await directory.search('欧阳', 10);
      expect(summary).toEqual({ id: expect.any(Number), name: '欧阳娜娜', company: '上海浦东发展银行', tier: '', tags: [], numbers: ['+8613800138000'] });
      expect(await directory.search('1', 1)).toHaveLength(0);
      expect(await directory.search('王', 1)).toHaveLength(1);
      expect(await directory.search('   ', 10)).toEqual([]);
    });

    it('treats FTS syntax in a query as plain text', async () => {
      await expect(directory.search('"OR* NEAR(', 10)).resolves.toEqual([]);
      await expect(directory.search('a"b', 10)).resolves.toEqual([]);
    });
  });

  describe('saveContact', () => {
    it('stores and returns caller-supplied text verbatim, markup included', async () => {
      const hostile = '<img src=x onerror=alert(1)>';
      const saved = await directory.saveContact(null, {
        ...contact(hostile, '13800138000'),
        company: '"; DROP TABLE contacts; --',
        notes: '<script>alert(1)</script>',
        tags: ['<b>vip</b>'],
      });
      expect(saved.contact).toMatchObject({ name: hostile, company: '"; DROP TABLE contacts; --', notes: '<script>alert(1)</script>', tags: ['<b>vip</b>'] });
      const found = await directory.lookupNumber('13800138000');
      expect(found.card?.contact.name).toBe(hostile);
      expect((await directory.search('onerror', 5)).map((summary) => summary.name)).toEqual([hostile]);
    });

    it('creates a contact with normalised numbers, labels, tags and timestamps from the clock', async () => {
      const card = await directory.saveContact(null, {
        name: '  张三  ',
        numbers: [
          { label: 'mobile', raw: '138 0013 8000' },
          { label: 'work', raw: '010-6552 9988' },
          { label: 'again', raw: '+8613800138000' },
        ],
        tags: ['vip', 'vip', '投诉'],
      });
      expect(card).toEqual({
        contact: {
          id: expect.any(Number),
          name: '张三',
          company: '',
          tier: '',
          notes: '',
          tags: ['vip', '投诉'],
          numbers: [
            { label: 'mobile', raw: '138 0013 8000', e164: '+8613800138000' },
            { label: 'work', raw: '010-6552 9988', e164: '+861065529988' },
          ],
          createdAt: NOW.toISOString(),
          updatedAt: NOW.toISOString(),
        },
        recent: [],
        openItems: [],
        interactionCount: 0,
      });
    });

    it('replaces a contact’s fields and numbers on update', async () => {
      const created = await directory.saveContact(null, contact('张三', '13800138000'));
      const updated = await directory.saveContact(created.contact.id, { ...contact('张三丰', '13900139000'), company: '武当' });
      expect(updated.contact).toMatchObject({ id: created.contact.id, name: '张三丰', company: '武当' });
      expect(updated.contact.numbers.map((number) => number.e164)).toEqual(['+8613900139000']);
      expect((await directory.lookupNumber('13800138000')).card).toBeNull();
      expect((await directory.lookupNumber('13900139000')).card?.contact.id).toBe(created.contact.id);
      // Keeping a number it already has is not a conflict with itself.
      await expect(directory.saveContact(created.contact.id, contact('张三丰', '13900139000'))).resolves.toBeDefined();
    });

    it('refuses a number that is not a phone number, naming it', async () => {
      const refusal = directory.saveContact(null, contact('张三', '13800138000', '12345'));
      await expect(refusal).rejects.toBeInstanceOf(ZuoxiError);
      await expect(refusal).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('"12345"') });
      expect(await directory.search('张三', 5)).toEqual([]);
    });

    it('refuses a number another contact owns, naming that contact', async () => {
      const owner = await directory.saveContact(null, contact('张三', '13800138000'));
      const other = await directory.saveContact(null, contact('李四', '13900139000'));
      await expect(directory.saveContact(null, contact('王五', '+86 138 0013 8000'))).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining(`contact #${owner.contact.id}`),
      });
      await expect(directory.saveContact(other.contact.id, contact('李四', '13900139000', '13800138000'))).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining(`#${owner.contact.id}`),
      });
      expect((await directory.card(other.contact.id)).contact.numbers).toHaveLength(1);
    });

    it('refuses input the contract would refuse, and updates of a missing contact', async () => {
      await expect(directory.saveContact(null, contact('   ', '13800138000'))).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('name') });
      await expect(directory.saveContact(null, { name: '张三', numbers: [] })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(directory.saveContact(404, contact('张三', '13800138000'))).rejects.toMatchObject({ code: 'not_found' });
      expect(await directory.search('张三', 5)).toEqual([]);
    });
  });

  describe('card and interactions', () => {
    it('shows the last five interactions, the open items and the count', async () => {
      const { contact: saved } = await directory.saveContact(null, contact('张三', '13800138000'));
      for (let day = 1; day <= 8; day += 1) {
        await directory.addInteraction({
          contactId: saved.id,
          kind: day % 2 ? 'call_in' : 'ticket',
          occurredAt: `2025-02-0${day}T10:00:00+08:00`,
          summary: `day ${day}`,
          status: day === 2 || day === 8 ? 'open' : null,
        });
      }
      const card = await directory.card(saved.id);
      expect(card.interactionCount).toBe(8);
      expect(card.recent.map((item) => item.summary)).toEqual(['day 8', 'day 7', 'day 6', 'day 5', 'day 4']);
      expect(card.openItems.map((item) => item.summary)).toEqual(['day 8', 'day 2']);
      expect(card.recent[0]).toEqual({
        id: expect.any(Number),
        contactId: saved.id,
        kind: 'ticket',
        occurredAt: '2025-02-08T02:00:00.000Z',
        outcome: '',
        summary: 'day 8',
        status: 'open',
      });
      // The screen pop's card is the same card, plus where its facts came from (the lookup chain's provenance).
      expect((await directory.lookupNumber('13800138000')).card).toEqual({ ...card, inDirectory: true, crm: null, sources: [expect.objectContaining({ connector: 'local', matched: true })] });
    });

    it('dates an interaction by the clock when it has no time, and refuses unknown contacts', async () => {
      const { contact: saved } = await directory.saveContact(null, contact('张三', '13800138000'));
      const note = await directory.addInteraction({ contactId: saved.id, kind: 'note', summary: '回电' });
      expect(note).toMatchObject({ contactId: saved.id, occurredAt: NOW.toISOString(), status: null, outcome: '' });
      await expect(directory.addInteraction({ contactId: 999, kind: 'note' })).rejects.toMatchObject({ code: 'not_found' });
      await expect(directory.addInteraction({ contactId: saved.id, kind: 'fax' as 'note' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(directory.card(999)).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('history', () => {
    it('pages newest first with an opaque cursor, breaking time ties by id, until there is no more', async () => {
      const { contact: saved } = await directory.saveContact(null, contact('张三', '13800138000'));
      const { contact: other } = await directory.saveContact(null, contact('李四', '13900139000'));
      await directory.addInteraction({ contactId: other.id, kind: 'note', summary: 'not mine' });
      const created: number[] = [];
      for (let n = 0; n < 12; n += 1) {
        // Pairs share a timestamp, so ordering must fall back to the id.
        const minute = String(Math.floor(n / 2)).padStart(2, '0');
        const item = await directory.addInteraction({ contactId: saved.id, kind: 'call_in', occurredAt: `2025-01-01T09:${minute}:00Z`, summary: `#${n}` });
        created.push(item.id);
      }
      const expected = [...created].reverse();
      const seen: (number | string)[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const page = await directory.history(saved.id, cursor, 5);
        sizes.push(page.items.length);
        seen.push(...page.items.map((item) => ('id' in item ? item.id : item.key)));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(sizes).toEqual([5, 5, 2]);
      expect(seen).toEqual(expected);
    });

    it('has no next page when the last page is exactly full', async () => {
      const { contact: saved } = await directory.saveContact(null, contact('张三', '13800138000'));
      for (let n = 0; n < 3; n += 1) await directory.addInteraction({ contactId: saved.id, kind: 'note' });
      expect((await directory.history(saved.id, null, 3)).nextCursor).toBeNull();
      expect((await directory.history(saved.id, null, 2)).nextCursor).not.toBeNull();
    });

    it('refuses a cursor it did not make and an unknown contact', async () => {
      const { contact: saved } = await directory.saveContact(null, contact('张三', '13800138000'));
      await expect(directory.history(saved.id, 'bm90IGEgY3Vyc29y', 10)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(directory.history(saved.id, '%%%', 10)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(directory.history(999, null, 10)).rejects.toMatchObject({ code: 'not_found' });
    });
  });
});
