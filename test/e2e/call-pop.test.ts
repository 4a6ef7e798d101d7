import type { Page } from 'playwright-core';
import type { Baresip } from '../peers';
import { AGENT, CUSTOMER, DOMAIN, openDeskPhoneLab, type DeskPhoneLab } from './support/desk-phone-lab';
import { screenshot, type Session } from './support/harness';

jest.setTimeout(120_000);

// A real call into the agent window: kamailio is the PBX, a baresip is the customer's
// phone and another the agent's desk phone; the Workstation registers as the agent's
// extension and the renderer runs in real Chromium through the headless host. The
// card must pop while the call still rings, Answer must bridge the desk phone, and
// the call must end up on the card's history.

let lab: DeskPhoneLab;
let desk: Baresip;
let customer: Baresip;
let session: Session;
let contactId: number;

beforeAll(async () => {
  lab = await openDeskPhoneLab({ customerAutoAnswer: false });
  ({ desk, customer, session } = lab);
  try {
    const card = await session.workstation.directory.saveContact(null, {
      name: '王芳',
      company: '华南物流',
      numbers: [{ label: 'mobile', raw: '138 0013 8000' }],
      tier: 'gold',
    });
    contactId = card.contact.id;
    await session.page.waitForSelector('[data-testid="status-bar"][data-link="up"]');
  } catch (error) {
    await lab.stop();
    throw error;
  }
});

afterAll(() => lab?.stop());

beforeEach(() => {
  desk.forgetEvents();
  customer.forgetEvents();
});

afterEach(() => {
  expect(session.pageErrors).toEqual([]);
  expect(session.dialogs).toEqual([]);
});

/** The one call row's state, as the page shows it. */
const rowState = (page: Page) => page.getByTestId('call-row').getAttribute('data-state');

async function waitForRow(page: Page, state: string): Promise<void> {
  await page.waitForSelector(`[data-testid="call-row"][data-state="${state}"]`, { timeout: 15_000 });
}

async function waitForNoCall(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="call-bar-idle"]', { timeout: 15_000 });
}

test('the line registers and the status bar says so in words', async () => {
  const { page } = session;
  await page.waitForSelector('[data-testid="status-connection"][data-state="online"]', { timeout: 15_000 });
  expect(await page.getByTestId('status-connection-reason').getAttribute('data-reason')).toBe('registered');
  expect(await page.getByTestId('status-connection-reason').innerText()).toBe('已注册');
  expect(await page.getByTestId('status-agent-state').innerText()).toContain('就绪');
});

test('a customer calls: the card pops while it rings, Answer bridges the desk phone, Hang up ends it, the card shows the call', async () => {
  const { page, workstation } = session;
  expect(await page.getByTestId('caller-card-empty').count()).toBe(1);

  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  await waitForRow(page, 'ringing');
  // The card is up and nobody has answered: the customer's phone still rings.
  await page.getByTestId('caller-card-name').waitFor();
  expect(await page.getByTestId('caller-card-name').innerText()).toBe('王芳');
  expect(await page.getByTestId('caller-card-company').innerText()).toBe('华南物流');
  expect(await page.getByTestId('call-caller-name').innerText()).toBe('王芳');
  expect(await page.getByTestId('call-caller-number').innerText()).toBe(CUSTOMER.user);
  expect(await page.getByTestId('call-dialled').innerText()).toContain(AGENT.user);
  expect(await page.getByTestId('call-state').innerText()).toBe('振铃中');
  expect(await rowState(page)).toBe('ringing');
  await customer.waitForEvent('CALL_RINGING');
  expect(customer.seen('CALL_ESTABLISHED')).toBe(false);
  expect(desk.seen('CALL_INCOMING')).toBe(false);
  await page.waitForFunction(() => document.querySelector('[data-testid="status-agent-state"]')?.textContent?.includes('振铃中'));
  expect(await page.getByTestId('call-answer').isEnabled()).toBe(true);
  expect(await page.getByTestId('call-hangup').isEnabled()).toBe(false);
  await screenshot(page, '04-call-ringing-zh-CN');

  await page.getByTestId('call-answer').click();
  await waitForRow(page, 'active');
  await desk.waitForEvent('CALL_ESTABLISHED');
  await customer.waitForEvent('CALL_ESTABLISHED');
  // Both phones carry audio to each other (G.711 is 64 kbit/s; baresip reports a little either side).
  await desk.waitForBitrates(([a, b]) => a > 30_000 && b > 30_000, 'audio on the desk phone', 15_000);
  expect(await page.getByTestId('call-hold').isEnabled()).toBe(true);
  expect(await page.getByTestId('call-answer').isEnabled()).toBe(false);

  await page.getByTestId('language-switch').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  expect(await page.getByTestId('call-state').innerText()).toBe('Talking');
  expect(await page.getByTestId('call-caller-name').innerText()).toBe('王芳');
  // The timer counts from the answer, in m:ss.
  expect(await page.getByTestId('call-timer').innerText()).toMatch(/^0:0\d$/);
  await screenshot(page, '05-call-active-en');

  await page.getByTestId('call-hangup').click();
  await waitForNoCall(page);
  await customer.waitForEvent('CALL_CLOSED');
  await desk.waitForEvent('CALL_CLOSED');
  const notice = page.getByTestId('call-ended-notice');
  expect(await notice.getAttribute('data-outcome')).toBe('answered');
  expect(await notice.getAttribute('data-cause')).toBe('local_hangup');
  expect(await notice.innerText()).toContain('You hung up');

  // The call is on the card: its recent contact and its history.
  await page.waitForFunction(
    () => document.querySelector('[data-testid="caller-card-recent"] [data-kind="call_in"]') !== null,
    undefined,
    { timeout: 10_000 },
  );
  await page.waitForSelector('[data-testid="history-item"] [data-kind="call_in"]');
  expect(await page.getByTestId('history-item').first().innerText()).toContain('Incoming call');
  const log = await workstation.calls.logPage(5, null);
  expect(log.items[0]).toMatchObject({ direction: 'inbound', contactId, outcome: 'answered', cause: 'local_hangup', remoteNumber: CUSTOMER.user });

  await page.getByTestId('language-switch').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
});

test('the hotkeys work in the real browser: F2 answers, F8 holds and resumes, F9 hangs up', async () => {
  const { page } = session;
  // Focus in a text field: the keys still reach the call, and type nothing.
  await page.getByTestId('search-input').focus();
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  await waitForRow(page, 'ringing');

  await page.keyboard.press('F2');
  await waitForRow(page, 'active');
  await customer.waitForEvent('CALL_ESTABLISHED');
  await desk.waitForEvent('CALL_ESTABLISHED');

  await page.keyboard.press('F8');
  await waitForRow(page, 'held');
  expect(await page.getByTestId('call-state').innerText()).toBe('保持中');
  await page.keyboard.press('F8');
  await waitForRow(page, 'active');

  await page.keyboard.press('F9');
  await waitForNoCall(page);
  await customer.waitForEvent('CALL_CLOSED');
  expect(await page.getByTestId('search-input').inputValue()).toBe('');
});

test('a caller who gives up while it rings leaves a missed call, and Reject refuses the next one', async () => {
  const { page } = session;
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  await waitForRow(page, 'ringing');
  await customer.waitForEvent('CALL_RINGING');
  await customer.hangup();
  await customer.waitForEvent('CALL_CLOSED');
  await waitForNoCall(page);
  expect(await page.getByTestId('call-ended-notice').getAttribute('data-outcome')).toBe('missed');
  expect(await page.getByTestId('call-ended-notice').innerText()).toContain('客户在振铃时挂断');

  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  await waitForRow(page, 'ringing');
  // A new call clears the last one's notice.
  expect(await page.getByTestId('call-ended-notice').count()).toBe(0);
  await page.getByTestId('call-reject').click();
  await waitForNoCall(page);
  const closed = await customer.waitForEvent('CALL_CLOSED');
  expect(closed.param).toMatch(/486/);
  expect(await page.getByTestId('call-ended-notice').getAttribute('data-outcome')).toBe('rejected');
});

test('click-to-dial from the card rings the desk phone, then the customer', async () => {
  const { page } = session;
  await page.getByTestId('caller-card-name').waitFor();
  const dial = page.getByTestId('caller-card-numbers').getByTestId('dial-number').first();
  expect(await dial.getAttribute('data-number')).toBe('138 0013 8000');
  await dial.click();
  await waitForRow(page, 'dialing');
  expect(await page.getByTestId('call-dialled').innerText()).toContain('13800138000');
  await desk.waitForEvent('CALL_ESTABLISHED');
  await customer.waitForEvent('CALL_INCOMING');
  await customer.accept();
  await waitForRow(page, 'active');
  expect(await page.getByTestId('call-caller-name').innerText()).toBe('王芳');

  await page.getByTestId('call-hangup').click();
  await waitForNoCall(page);
  await customer.waitForEvent('CALL_CLOSED');
  await page.waitForSelector('[data-testid="history-item"] [data-kind="call_out"]', { timeout: 10_000 });
});

test('the SIP password is nowhere in the log, nor the customer at info level', () => {
  expect(session.logs.text.length).toBeGreaterThan(0);
  expect(session.logs.text).not.toContain(AGENT.password);
  expect(session.logs.text).not.toContain('王芳');
});
