import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { openSession, ROOT, screenshot, searchFor, type Session } from './support/harness';

jest.setTimeout(60_000);

// The agent window in real Chromium, driven through the headless host: the same core,
// router and renderer bundle the desktop app ships, over the loopback socket.

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

// GBK-encoded, as Chinese CRMs export it: one bad row (no number), one unknown column.
const CSV = [
  '姓名,公司,手机,等级,标签,备注,工号',
  '王小明,华北电力,+86 138 0013 8000,VIP,报修;老客户,常打报修电话,A1',
  '李娜,远东物流,13900139000,标准,,,A2',
  '缺号码,无,,标准,,,A3',
  `"${HOSTILE_NAME}",Evil Corp,008613700137000,,,,A4`,
].join('\r\n');

/** A script file as the center writes it (test/fixtures/scripts). */
const scriptFile = (name: string) => fs.readFileSync(path.join(ROOT, 'test/fixtures/scripts', name));

let session: Session;

beforeAll(async () => {
  session = await openSession('zh-CN');
  await session.page.waitForSelector('[data-testid="status-bar"][data-link="up"]');
});

afterAll(async () => {
  await session?.close();
});

afterEach(() => {
  expect(session.pageErrors).toEqual([]);
  expect(session.dialogs).toEqual([]);
});

test('imports a GBK CSV with progress and a per-row error report', async () => {
  const { page } = session;
  await page.setInputFiles('[data-testid="import-input"]', {
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: iconv.encode(CSV, 'gbk'),
  });
  const report = page.getByTestId('import-report');
  await report.waitFor();
  expect(await page.getByTestId('import-imported').innerText()).toContain('3');
  expect(await page.getByTestId('import-encoding').innerText()).toMatch(/gbk/i);
  const badRows = page.getByTestId('import-error-row');
  expect(await badRows.count()).toBe(1);
  expect(await badRows.first().getAttribute('data-row')).toBe('3');
  expect(await badRows.first().getAttribute('data-code')).toBe('no_number');
  expect(await badRows.first().innerText()).toContain('没有电话号码');
  await screenshot(page, '01-import-report-zh-CN');
});

test('finds one contact by any format of its number, and by a 2-character Chinese name', async () => {
  const { page } = session;
  for (const typed of ['13800138000', '+86 138 0013 8000', '0013 8000']) {
    await searchFor(page, typed);
    const names = await page.getByTestId('search-result').allInnerTexts();
    expect(names).toHaveLength(1);
    expect(names[0]).toContain('王小明');
  }
  await searchFor(page, '李娜');
  const found = await page.getByTestId('search-result').allInnerTexts();
  expect(found).toHaveLength(1);
  expect(found[0]).toContain('李娜');
});

test('opens a contact and shows the caller card with its history', async () => {
  const { page, workstation } = session;
  // Two earlier interactions, as the call log and agents will write them.
  const { card } = await workstation.directory.lookupNumber('13800138000');
  const contactId = card!.contact.id;
  await workstation.directory.addInteraction({
    contactId,
    kind: 'call_in',
    occurredAt: '2026-11-20T09:00:00+08:00',
    outcome: '已解决',
    summary: '停电报修，已派单',
  });
  await workstation.directory.addInteraction({
    contactId,
    kind: 'ticket',
    occurredAt: '2026-11-21T10:00:00+08:00',
    outcome: '待回访',
    summary: '回访维修结果',
    status: 'open',
  });

  await searchFor(page, '王小明');
  await page.getByTestId('search-result').first().click();
  const cardName = page.getByTestId('caller-card-name');
  await cardName.waitFor();
  expect(await cardName.innerText()).toBe('王小明');
  expect(await page.getByTestId('caller-card-tier').innerText()).toContain('VIP');
  expect(await page.getByTestId('caller-card-open-items').innerText()).toContain('回访维修结果');
  await page.getByTestId('history-item').first().waitFor();
  const history = await page.getByTestId('history-item').allInnerTexts();
  expect(history.join('\n')).toContain('停电报修');

  // A note typed by the agent goes into the same history.
  await page.getByTestId('note-input').fill('客户要求上午回电');
  await page.getByTestId('note-submit').click();
  await page.getByText('客户要求上午回电').first().waitFor();
  const page1 = await workstation.directory.history(contactId, null, 10);
  expect(page1.items.map((item) => ('summary' in item ? item.summary : ''))).toContain('客户要求上午回电');
  await screenshot(page, '02-caller-card-zh-CN');
});

test('shows a hostile contact name as text and runs none of it', async () => {
  const { page } = session;
  await searchFor(page, '13700137000');
  await page.getByTestId('search-result').first().click();
  const cardName = page.getByTestId('caller-card-name');
  await cardName.waitFor();
  await page.waitForFunction(
    (name) => document.querySelector('[data-testid="caller-card-name"]')?.textContent === name,
    HOSTILE_NAME,
  );
  expect(await cardName.innerText()).toBe(HOSTILE_NAME);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  // An onerror handler would have fired by now; give it a moment anyway.
  await page.waitForTimeout(200);
  expect(session.dialogs).toEqual([]);
});

test('the script library (话术库): imports from the work row, shows a refusal at its line, lists the script, and downloads it as the core writes it', async () => {
  const { page, workstation } = session;
  await page.getByTestId('script-library-open').click();
  await page.getByTestId('script-library-empty').waitFor();

  // Nothing imported yet. A script that loops is refused where the loop closes: line 17, column 43 of the file.
  await page.getByTestId('script-library-input').setInputFiles({ name: 'cycle.yaml', mimeType: 'application/yaml', buffer: scriptFile('cycle.yaml') });
  await page.waitForSelector('[data-testid="script-library-outcome"][data-kind="refused"]');
  const refusal = page.getByTestId('script-library-error');
  expect(await refusal.count()).toBe(1);
  expect([await refusal.getAttribute('data-line'), await refusal.getAttribute('data-column'), await refusal.getAttribute('data-code')]).toEqual(['17', '43', 'cycle']);
  expect(await refusal.innerText()).toContain('第 17 行，第 43 列');
  expect(await page.getByTestId('script-library-empty').count()).toBe(1);
  await screenshot(page, 'script-library-refused-zh-CN');

  // The center's 报修热线, read as UTF-8 text by the browser: imported and listed.
  await page.getByTestId('script-library-input').setInputFiles({ name: '报修热线.yaml', mimeType: 'application/yaml', buffer: scriptFile('repair-hotline.yaml') });
  await page.waitForSelector('[data-testid="script-library-outcome"][data-kind="imported"]');
  const row = page.locator('[data-testid="script-library-row"][data-script-id="repair-hotline"]');
  await row.waitFor();
  expect(await row.getByTestId('script-library-name').innerText()).toBe('报修热线');
  expect(await row.getByTestId('script-library-chosen-by').innerText()).toContain('95598');
  expect(await row.getByTestId('script-library-version').innerText()).toBe('3');
  expect((await workstation.scripts.get('repair-hotline'))?.name).toBe('报修热线');

  // Export: the browser saves the core's text under the imported file's name.
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('script-library-export-yaml').click()]);
  expect(download.suggestedFilename()).toBe('报修热线.yaml');
  const saved = await download.path();
  expect(fs.readFileSync(saved, 'utf8')).toBe(await workstation.scripts.export('repair-hotline', 'yaml'));
  await screenshot(page, 'script-library-zh-CN');

  await page.keyboard.press('Escape');
  expect(await page.getByTestId('script-library').count()).toBe(0);
});

test('switches language at run time, and remembers it', async () => {
  const { page, workstation } = session;
  await searchFor(page, '王小明');
  await page.getByTestId('search-result').first().click();
  await page.getByTestId('caller-card-name').waitFor();
  const zhLang = await page.evaluate(() => document.documentElement.lang);
  const zhBar = await page.getByTestId('status-bar').innerText();
  expect(zhLang).toBe('zh-CN');

  await page.getByTestId('language-switch').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const enBar = await page.getByTestId('status-bar').innerText();
  expect(enBar).not.toEqual(zhBar);
  expect(enBar).toMatch(/[A-Za-z]{3,}/);
  // Customer data is not translated.
  expect(await page.getByTestId('caller-card-name').innerText()).toBe('王小明');
  await screenshot(page, '03-caller-card-en');

  expect(workstation.settings.current.locale).toBe('en');
  await page.reload();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

test('logs neither customer names nor numbers at info level', () => {
  expect(session.logs.text.length).toBeGreaterThan(0);
  expect(session.logs.text).not.toContain('王小明');
  expect(session.logs.text).not.toContain('13800138000');
  expect(fs.existsSync(session.dataDir)).toBe(true);
});
