import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Callback } from '../../main/common/channels/callbacks';
import type { Baresip } from '../peers';
import { AGENT, DOMAIN, openDeskPhoneLab, type DeskPhoneLab } from './support/desk-phone-lab';
import { ROOT, screenshot, type Session } from './support/harness';
import { ShiftClock } from './support/shift-clock';

jest.setTimeout(120_000);

// The agent's day, one whole call (issue 5, "Done when"): kamailio is the PBX, a baresip
// the customer's phone (answers by itself) and another the agent's desk phone; the
// renderer runs in real Chromium through the headless host. The work services run on a
// clock the test can jump forward, so "the reminder before a callback due in 24 h" fires
// in milliseconds while SIP keeps real time.

const HOUR = 3_600_000;

let lab: DeskPhoneLab;
let customer: Baresip;
let session: Session;
let clock: ShiftClock;

beforeAll(async () => {
  clock = new ShiftClock();
  try {
    lab = await openDeskPhoneLab({
      customerAutoAnswer: true,
      displayName: '李明',
      settings: {
        wrapUp: { enabled: true, autoReadyAfterSeconds: null, dispositionRequired: true },
        callbacks: { maxAttempts: 3, retrySpacingMinutes: [30], reminderLeadMinutes: 15, workOrderDueHours: 24, defaultDueHours: 24, dialFormat: 'domestic' },
      },
      workClock: clock,
    });
    ({ customer, session } = lab);
    await session.workstation.directory.saveContact(null, { name: '王芳', company: '华南物流', numbers: [{ label: 'mobile', raw: '138 0013 8000' }], tier: 'gold' });
    // The 报修热线 script as the center wrote it, claiming this agent's line (8001) as well as 95598.
    const text = fs.readFileSync(path.join(ROOT, 'test/fixtures/scripts/repair-hotline.yaml'), 'utf8').replace('numbers: ["95598"', 'numbers: ["8001", "95598"');
    const imported = await session.workstation.router.dispatch('scripts.import', { fileName: '报修热线.yaml', text });
    expect(imported).toMatchObject({ ok: true, value: { ok: true, script: { id: 'repair-hotline', chosenBy: { numbers: expect.arrayContaining(['8001', '95598']) } } } });
    await session.page.waitForSelector('[data-testid="status-bar"][data-link="up"]');
  } catch (error) {
    await stopAll();
    throw error;
  }
});

async function stopAll(): Promise<void> {
  await lab?.stop();
  clock?.stop();
}

afterAll(stopAll);

afterEach(() => {
  expect(session.pageErrors).toEqual([]);
  expect(session.dialogs).toEqual([]);
});

async function waitForRow(page: Page, state: string): Promise<void> {
  await page.waitForSelector(`[data-testid="call-row"][data-state="${state}"]`, { timeout: 15_000 });
}

async function waitForStep(page: Page, id: string): Promise<void> {
  await page.waitForSelector(`[data-testid="script-step"][data-step-id="${id}"]`, { timeout: 10_000 });
}

async function openCallbacks(): Promise<Callback[]> {
  const listed = await session.workstation.router.dispatch('callbacks.list', {});
  if (!listed.ok) throw new Error(`callbacks.list refused: ${listed.code}`);
  return listed.value as Callback[];
}

test('ring → pop → answer → script branches → hang up → wrap-up with a work order → callback due in 24 h → reminder → click-to-call reaches the customer → outcome recorded', async () => {
  const { page, workstation } = session;
  await page.waitForSelector('[data-testid="status-connection"][data-state="online"]', { timeout: 15_000 });
  await page.waitForSelector('[data-testid="agent-controls"][data-state="ready"]', { timeout: 10_000 });

  // Ring and pop.
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  await waitForRow(page, 'ringing');
  await page.getByTestId('caller-card-name').waitFor();
  expect(await page.getByTestId('caller-card-name').innerText()).toBe('王芳');

  // Answer: the desk phone is bridged and the line's script starts, filled from the CRM card and the agent.
  await page.getByTestId('call-answer').click();
  await waitForRow(page, 'active');
  await customer.waitForEvent('CALL_ESTABLISHED');
  await waitForStep(page, 'greet');
  const greeting = await page.getByTestId('script-text').innerText();
  expect(greeting).toBe('您好，王芳，这里是供电服务热线，我是李明，很高兴为您服务。');
  const callId = (await page.getByTestId('script-panel').getAttribute('data-call-id'))!;

  // Follow the branches: continue, 是的, then 停电.
  await page.getByTestId('script-continue').click();
  await waitForStep(page, 'confirm-address');
  await page.getByTestId('script-option').filter({ hasText: '是的' }).click();
  await waitForStep(page, 'fault-type');
  await page.getByTestId('script-objection').filter({ hasText: '客户不满意' }).click();
  expect(await page.getByTestId('script-snippet').innerText()).toContain('非常理解您的心情，王芳反映的问题');
  await page.getByTestId('script-option').filter({ hasText: '停电' }).click();
  await waitForStep(page, 'outage-scope');
  expect(await page.getByTestId('script-text').innerText()).toBe('是只有您家停电，还是整栋楼或整个小区都停电了？');
  expect(await page.getByTestId('script-crumb').allInnerTexts()).toEqual(['已说', '是的', '停电']);
  expect(await page.getByTestId('script-option').allInnerTexts()).toEqual(['只有我家', '整栋楼或小区']);
  await screenshot(page, '08-script-zh-CN');

  // The window reloads mid-call (F5, a renderer crash): it opens on the call in progress at
  // the agent's step, with the path so far, resuming the core's run rather than restarting it.
  const invokesBefore = session.invokes.length;
  await page.reload();
  await page.waitForSelector('[data-testid="status-bar"][data-link="up"]');
  await waitForRow(page, 'active');
  await waitForStep(page, 'outage-scope');
  expect(await page.getByTestId('script-panel').getAttribute('data-call-id')).toBe(callId);
  expect(await page.getByTestId('script-text').innerText()).toBe('是只有您家停电，还是整栋楼或整个小区都停电了？');
  expect(await page.getByTestId('script-crumb').allInnerTexts()).toEqual(['已说', '是的', '停电']);
  expect(await page.getByTestId('script-back').count()).toBe(1);
  const afterReload = session.invokes.slice(invokesBefore).map((invoke) => invoke.channel);
  expect(afterReload.filter((channel) => channel.startsWith('scripts.'))).toEqual(['scripts.resume']);

  // Hang up from the UI: wrap-up, with the disposition required before leaving it.
  await page.getByTestId('call-hangup').click();
  await customer.waitForEvent('CALL_CLOSED');
  await page.waitForSelector(`[data-testid="wrapup-form"][data-call-id="${callId}"]`, { timeout: 10_000 });
  await page.waitForSelector('[data-testid="agent-controls"][data-state="wrap_up"]');
  await page.getByTestId('wrapup-disposition-missing').waitFor();
  expect(await page.getByTestId('script-panel').count()).toBe(0);

  await page.getByTestId('wrapup-disposition').selectOption('repair');
  await page.getByTestId('wrapup-notes').fill('整栋楼停电，客户不满意');
  await page.getByTestId('wrapup-with-order').check();
  await page.getByTestId('wrapup-fault-type').selectOption('outage');
  await page.getByTestId('wrapup-address').fill('广州市天河区体育西路 1 号 3 栋');
  await page.getByTestId('wrapup-contact-phone').fill('138 0013 8000');
  await page.getByTestId('wrapup-description').fill('整栋楼停电，空气开关未跳闸');
  await screenshot(page, '09-wrap-up-zh-CN');
  const savedAt = clock.now();
  await page.getByTestId('wrapup-save').click();
  await page.getByTestId('wrapup-saved').waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="wrapup-disposition-missing"]') === null);
  // The path the agent took through the script is saved with the call's wrap-up.
  const wrapUp = await workstation.db.get<{ disposition: string; script_path: string | null }>('SELECT disposition, script_path FROM wrap_ups WHERE call_id = ?', [callId]);
  expect(wrapUp?.disposition).toBe('repair');
  const scriptPath = JSON.parse(wrapUp?.script_path ?? 'null') as { scriptId: string; steps: string[]; answers: Array<{ label: string }>; entries: Array<{ kind: string }> };
  expect(scriptPath.scriptId).toBe('repair-hotline');
  expect(scriptPath.steps).toEqual(['greet', 'confirm-address', 'fault-type', 'outage-scope']);
  expect(scriptPath.answers.map((a) => a.label)).toEqual(['是的', '停电']);
  // The reload left the run alone: one start, and every move before it.
  expect(scriptPath.entries.map((e) => e.kind)).toEqual(['start', 'continue', 'answer', 'objection', 'answer']);

  // The repair work order's callback: due 24 h after the order, in the list.
  await page.waitForSelector('[data-testid="callback-row"]', { timeout: 10_000 });
  const [callback] = await openCallbacks();
  expect(callback).toMatchObject({ number: '+8613800138000', source: 'work_order', status: 'open', attempts: 0 });
  expect(Math.abs(Date.parse(callback!.dueAt) - (savedAt + 24 * HOUR))).toBeLessThan(60_000);
  const row = page.locator(`[data-testid="callback-row"][data-id="${callback!.id}"]`);
  expect(await row.getByTestId('callback-due').getAttribute('title')).toBe(callback!.dueAt);
  expect(await row.getByTestId('callback-due').innerText()).toMatch(/24/);

  // The agent goes back to ready (the disposition is saved, so they may).
  await page.getByTestId('agent-ready').click();
  await page.waitForSelector('[data-testid="agent-controls"][data-state="ready"]');

  // Nothing is due yet: no reminder.
  expect(await page.getByTestId('callback-toast').count()).toBe(0);
  // A day passes on the work clock, up to 10 minutes before the due time: the reminder (15 min lead) fires.
  clock.jump(24 * HOUR - 10 * 60_000);
  const toast = page.locator(`[data-testid="callback-toast"][data-id="${callback!.id}"]`);
  await toast.waitFor({ timeout: 10_000 });

  await page.getByTestId('language-switch').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await screenshot(page, '10-callbacks-en');

  // Click Call on the callback: the desk phone, then the customer's phone rings and answers by itself.
  customer.forgetEvents();
  await row.getByTestId('callback-call').click();
  // Auto-answer: baresip reports the INVITE it took as an established call (no CALL_INCOMING).
  await customer.waitForEvent('CALL_ESTABLISHED', undefined, 15_000);
  expect(customer.count('CALL_ESTABLISHED')).toBe(1);
  await waitForRow(page, 'active');
  const dialled = await openCallbacks();
  expect(dialled[0]).toMatchObject({ id: callback!.id, attempts: 1 });
  expect(dialled[0]!.callInProgress).not.toBeNull();
  expect(await page.getByTestId('call-caller-name').innerText()).toBe('王芳');
  // The customer's number claims no script: the panel says so quietly.
  await page.getByTestId('script-none').waitFor();
  expect(await page.getByTestId('script-none').innerText()).toBe('No script for this line');

  await page.getByTestId('call-hangup').click();
  await customer.waitForEvent('CALL_CLOSED');
  await page.waitForSelector('[data-testid="call-bar-idle"]', { timeout: 15_000 });
  await row.getByTestId('callback-last-outcome').waitFor({ timeout: 10_000 });
  expect(await row.getByTestId('callback-last-outcome').innerText()).toBe('Answered');

  // The agent's own outcome of the attempt.
  await row.getByTestId('callback-resolve-open').click();
  await row.getByTestId('callback-outcome').selectOption('reached_resolved');
  await row.getByTestId('callback-resolve-save').click();
  await page.waitForFunction(
    (id) => document.querySelector(`[data-testid="callback-row"][data-id="${id}"] [data-testid="callback-resolve-form"]`) === null,
    callback!.id,
    { timeout: 10_000 },
  );
  const attempts = await workstation.router.dispatch('callbacks.attempts', { id: callback!.id });
  expect(attempts).toMatchObject({ ok: true, value: [{ sipOutcome: 'answered' }] });
  const done = (await openCallbacks()).find((c) => c.id === callback!.id);
  expect(done).toMatchObject({ status: 'done', resolution: 'reached_resolved' });
  // The outbound callback is on no script's line: the panel said so quietly, and is gone with the call.
  expect(await page.getByTestId('script-panel').count()).toBe(0);
});
