import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';
import { Workstation, type WorkstationOptions } from '../../../main/core/workstation';
import { HeadlessHost } from '../../../main/host/headless-host';

export const CHROMIUM = process.env.ZUOXI_CHROMIUM ?? '/usr/bin/chromium';
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');

/** Fails (never skips) with how to get what is missing. */
export function requirePeers(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run \`npm run peers\` (apt-get install chromium) or set ZUOXI_CHROMIUM`);
  }
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`No renderer bundle in ${RENDERER_DIR}: run \`npm run build\` first`);
  }
}

export interface Session {
  dataDir: string;
  workstation: Workstation;
  host: HeadlessHost;
  browser: Browser;
  page: Page;
  /** Everything the core logged, for assertions about what it must not log. */
  logs: MemorySink;
  /** Uncaught page errors and console errors, which every test expects to stay empty. */
  pageErrors: string[];
  /** Set when anything opened a dialog (alert/confirm/prompt): injected script ran. */
  dialogs: string[];
  /** Every contract call the page sent the host over its WebSocket, in order. */
  invokes: Array<{ channel: string; args: unknown }>;
  close(): Promise<void>;
}

/** What a scenario adds to the workstation: SIP settings, the secret provider, call timers, the work services' clock. */
export type SessionOptions = Pick<WorkstationOptions, 'settings' | 'secrets' | 'calls' | 'workClock'>;

export async function openSession(locale: 'zh-CN' | 'en' = 'zh-CN', options: SessionOptions = {}): Promise<Session> {
  requirePeers();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-e2e-'));
  const logs = new MemorySink();
  const workstation = await Workstation.open({
    dataDir,
    host: 'headless',
    version: 'e2e',
    ...options,
    settings: { ...options.settings, locale },
    log: new StructuredLogger(logs, 'info'),
  });
  const host = new HeadlessHost(workstation, { rendererDir: RENDERER_DIR });
  await host.start();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const invokes: Session['invokes'] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') return;
      try {
        const frame = JSON.parse(payload) as { type?: unknown; channel?: unknown; args?: unknown };
        if (frame.type === 'invoke' && typeof frame.channel === 'string') invokes.push({ channel: frame.channel, args: frame.args });
      } catch {
        // Not a contract frame: not ours to record.
      }
    });
  });
  await page.goto(host.url);
  return {
    dataDir,
    workstation,
    host,
    browser,
    page,
    logs,
    pageErrors,
    dialogs,
    invokes,
    async close() {
      await browser.close();
      await host.stop();
      await workstation.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Types a query and waits for the answer to *that* query, never a stale list. */
export async function searchFor(page: Page, query: string): Promise<void> {
  const input = page.getByTestId('search-input');
  await input.fill('');
  await page.waitForSelector('[data-testid="search-status"][data-state="idle"]');
  await input.fill(query);
  await page.waitForSelector('[data-testid="search-status"][data-state="done"]');
}
