import { MemorySink, StructuredLogger } from '../../../../main/core/log/logger';
import { exportScript, importScript } from '../../../../main/core/work/scripts/script-import';
import { ScriptLibrary } from '../../../../main/core/work/scripts/script-library';
import { openTempStore, type TempStore } from '../../store/temp-store';
import { fixture } from './fixtures';

describe('the script library', () => {
  let store: TempStore;
  let library: ScriptLibrary;
  let sink: MemorySink;
  let time: number;

  beforeEach(async () => {
    store = await openTempStore();
    sink = new MemorySink();
    time = Date.parse('2026-03-02T08:00:00.000Z');
    library = new ScriptLibrary(store.db, new StructuredLogger(sink), () => new Date(time));
  });
  afterEach(async () => {
    await store.dispose();
  });

  const sales = ['id: sales', 'name: 电话销售', 'chosenBy:', '  queues: [sales]', '  default: true', 'steps:', '  - { id: bye, type: end, text: 再见 }', ''].join('\n');

  it('stores an imported script, lists it, exports it as it was imported, and chooses it for its calls', async () => {
    const imported = await library.import(fixture('repair-hotline.yaml'), { fileName: '报修热线.yaml' });
    expect(imported).toMatchObject({ ok: true, replaced: false, warnings: [], script: { id: 'repair-hotline', name: '报修热线', version: 3, fileName: '报修热线.yaml', importedAt: '2026-03-02T08:00:00.000Z' } });
    await library.import(sales, { fileName: 'sales.yaml' });
    expect((await library.list()).map((s) => s.id)).toEqual(['repair-hotline', 'sales']);

    const original = importScript(fixture('repair-hotline.yaml'));
    if (!original.ok) throw new Error('fixture refused');
    // A fresh library on the same database reads the same script back from sqlite.
    const reopened = new ScriptLibrary(store.db, new StructuredLogger(sink));
    expect(await reopened.get('repair-hotline')).toEqual(original.script);
    expect(await reopened.export('repair-hotline', 'yaml')).toBe(exportScript(original.script, 'yaml'));
    expect((await reopened.choose({ dialled: '95598' }))?.id).toBe('repair-hotline');
    expect((await reopened.choose({ dialled: '110', queue: 'sales' }))?.id).toBe('sales');
    expect((await reopened.choose({ dialled: '110' }))?.id).toBe('sales');
    await expect(reopened.export('nosuch', 'json')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('replaces a script imported again under its id, keeping the first import date', async () => {
    await library.import(sales);
    time += 60_000;
    const again = await library.import(sales.replace('name: 电话销售', 'name: 电话销售（新版）\nversion: 2'));
    expect(again).toMatchObject({ ok: true, replaced: true, script: { name: '电话销售（新版）', version: 2, importedAt: '2026-03-02T08:00:00.000Z', updatedAt: '2026-03-02T08:01:00.000Z' } });
    expect(await library.list()).toHaveLength(1);
  });

  it('refuses a script claiming a number, queue or default another script has, with the line of the claim, and stores nothing', async () => {
    await library.import(fixture('repair-hotline.yaml'));
    await library.import(sales);
    const clash = ['id: other', 'name: 另一个', 'chosenBy:', '  numbers: ["955-98"]', '  queues: [sales]', '  default: true', 'steps:', '  - { id: e, type: end }', ''].join('\n');
    const result = await library.import(clash);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(({ code, line, reason }) => ({ code, line, reason }))).toEqual([
      { code: 'choice_conflict', line: 4, reason: 'dialled number 955-98 already chooses script "repair-hotline" (报修热线)' },
      { code: 'choice_conflict', line: 5, reason: 'queue sales already chooses script "sales" (电话销售)' },
      { code: 'choice_conflict', line: 6, reason: 'script "sales" (电话销售) is already the default' },
    ]);
    expect((await library.list()).map((s) => s.id)).toEqual(['repair-hotline', 'sales']);
  });

  it('refuses a broken file with its problems and keeps the old version of that script', async () => {
    await library.import(sales);
    const result = await library.import(fixture('cycle.yaml').replace('id: repair-hotline-loop', 'id: sales'));
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'cycle', line: 17 }] });
    expect((await library.get('sales'))?.name).toBe('电话销售');
  });

  it('removes a script, and skips (and logs) a stored row that no longer parses instead of failing every call', async () => {
    await library.import(fixture('repair-hotline.yaml'));
    await library.import(sales);
    await library.remove('sales');
    expect((await library.list()).map((s) => s.id)).toEqual(['repair-hotline']);
    expect(await library.get('sales')).toBeNull();
    expect(await new ScriptLibrary(store.db, new StructuredLogger(sink)).get('sales')).toBeNull();
    expect(sink.text).toContain('"event":"scripts.removed","scriptId":"sales"');
    // Gone: a second removal, like any unknown id, is not_found and removes nothing else.
    await expect(library.remove('sales')).rejects.toMatchObject({ code: 'not_found' });
    await expect(library.remove('nosuch')).rejects.toMatchObject({ code: 'not_found' });
    expect((await library.list()).map((s) => s.id)).toEqual(['repair-hotline']);
    await store.db.run("UPDATE scripts SET definition = '{\"id\": \"repair-hotline\"}'");
    const fresh = new ScriptLibrary(store.db, new StructuredLogger(sink));
    expect(await fresh.list()).toEqual([]);
    expect(sink.text).toContain('"event":"scripts.unreadable","scriptId":"repair-hotline"');
  });
});
