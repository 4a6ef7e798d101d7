import fs from 'node:fs';
import path from 'node:path';
import { channels, pushes } from '../../main/common/contract';
import { DialLinks, dialLinkInArgv, parseDialLink, registerLinkHandlers } from '../../main/app/protocol-links';
import { MemorySink, StructuredLogger, silentLogger } from '../../main/core/log/logger';

type ElectronMock = typeof import('./electron-mock');
type ShellModule = typeof import('../../main/app/shell');

describe('parseDialLink', () => {
  it.each([
    ['tel:+86-138-0013-8000', '+8613800138000'],
    ['TEL:+86 138 0013 8000', '+8613800138000'],
    ['tel:+86.(10).8765.4321', '+861087654321'],
    ['tel:%2B86%20138%200013%208000', '+8613800138000'],
    ['tel://13800138000', '13800138000'],
    ['tel:8001', '8001'],
    ['tel:*72#', '*72#'],
    ['tel:%2A72%23', '*72#'],
    // A local number in a global context (RFC 3966 §5.1.5): joined into one global number.
    ['tel:8765-4321;phone-context=+86-10', '+861087654321'],
    // A local number in the PBX's own numbering plan: dialled as it is.
    ['tel:8001;phone-context=pbx.example.com', '8001'],
    // A global number needs no context; unknown parameters are ignored.
    ['tel:+8613800138000;phone-context=+1;ext=22;isub=1', '+8613800138000'],
  ])('reads %s as a number to dial', (link, number) => {
    expect(parseDialLink(link)).toEqual({ number, source: 'tel' });
  });

  it.each([
    ['sip:8001@pbx.example.com', 'sip:8001@pbx.example.com'],
    ['SIP:Alice.Chen@PBX.Example.com:5080', 'sip:Alice.Chen@pbx.example.com:5080'],
    ['sip:%2B8613800138000@pbx.example.com;user=phone', 'sip:+8613800138000@pbx.example.com'],
    ['sip:8001@192.0.2.10:5060;transport=tcp', 'sip:8001@192.0.2.10:5060'],
    ['sip:8001@[2001:db8::1]:5060', 'sip:8001@[2001:db8::1]:5060'],
    // Parameters that would steer the call, and headers that would smuggle into the INVITE, are dropped.
    ['sip:8001@pbx.example.com;maddr=203.0.113.66;lr?Replaces=abc%3Bto-tag%3D1&Call-Info=x', 'sip:8001@pbx.example.com'],
  ])('reads %s as a SIP address to dial', (link, number) => {
    expect(parseDialLink(link)).toEqual({ number, source: 'sip' });
  });

  it.each([
    'javascript:alert(1)',
    'http://example.com/tel:123',
    'sips:8001@pbx.example.com',
    'callto:8001',
    ' tel:', // nothing to dial
    'tel:',
    'tel:---',
    'tel:+',
    'tel:abc',
    'tel:1-800-FLOWERS',
    'tel:123%0d%0aInjected: header',
    'tel:123%00',
    'tel:123\n456',
    'tel:%E0%A4%A', // malformed escape
    'tel:123?body=x',
    'tel:123#frag',
    'tel:<script>alert(1)</script>',
    `tel:${'1'.repeat(40)}`,
    'tel:1234;phone-context=+86-10-evil<x>',
    'tel:1234;phone-context=evil..example',
    'tel:1234;phone-context=+',
    `tel:${'1'.repeat(600)}`,
    'sip:pbx.example.com', // no user: which phone?
    'sip:@pbx.example.com',
    'sip:8001:secret@pbx.example.com',
    'sip:8001@pbx.example.com:0',
    'sip:8001@pbx.example.com:70000',
    'sip:8001@pbx example.com',
    'sip:8001@-bad-.example',
    'sip:80 01@pbx.example.com',
    'sip:a%40evil.example@pbx.example.com',
    'sip:8001%0d%0aVia:x@pbx.example.com',
    'sip:"Bob"<sip:8001@pbx>',
    'sip:8001@pbx.example.com%3Bmaddr=evil',
    'sip:8001@[not-ipv6]',
    'sip:8001@%ZZ',
    42,
    null,
    undefined,
    { toString: () => 'tel:123' },
  ])('refuses %p', (link) => {
    expect(parseDialLink(link)).toBeNull();
  });

  it('gives only what calls.dial accepts and the push carries', () => {
    for (const link of ['tel:+86-138-0013-8000', 'sip:%2B8613800138000@pbx.example.com;user=phone', 'tel:*72#']) {
      const request = parseDialLink(link)!;
      expect(channels['calls.dial'].args.safeParse({ number: request.number }).success).toBe(true);
      expect(pushes['calls.dialRequested'].safeParse(request).success).toBe(true);
    }
  });
});

describe('dialLinkInArgv', () => {
  it('finds the link among the arguments Electron and Chromium put on the command line', () => {
    expect(dialLinkInArgv(['C:\\Zuoxi\\Zuoxi.exe', '--allow-file-access-from-files', 'tel:+8613800138000'])).toBe('tel:+8613800138000');
    expect(dialLinkInArgv(['/opt/Zuoxi/zuoxi', '--no-sandbox', 'SIP:8001@pbx'])).toBe('SIP:8001@pbx');
    expect(dialLinkInArgv(['/opt/Zuoxi/zuoxi'])).toBeNull();
    expect(dialLinkInArgv(undefined)).toBeNull();
  });
});

describe('DialLinks', () => {
  it('holds the newest link until the window takes it, then hands each one on', () => {
    const links = new DialLinks();
    expect(links.receive('tel:111')).toBe(true);
    expect(links.receive('tel:222')).toBe(true);
    const delivered: string[] = [];
    links.attach((request) => delivered.push(request.number));
    expect(delivered).toEqual(['222']);
    links.receive('sip:8001@pbx');
    expect(delivered).toEqual(['222', 'sip:8001@pbx']);
  });

  it('refuses a bad link, keeping the customer number out of the info log', () => {
    const sink = new MemorySink();
    const links = new DialLinks(new StructuredLogger(sink, 'info'));
    const delivered: unknown[] = [];
    links.attach((request) => delivered.push(request));
    expect(links.receive('tel:13800138000;phone-context=<x>')).toBe(false);
    expect(links.receive(null)).toBe(false);
    expect(delivered).toEqual([]);
    expect(sink.lines.join('\n')).toContain('links.refused');
    expect(sink.lines.join('\n')).not.toContain('13800138000');
  });
});

describe('registerLinkHandlers', () => {
  const fakeApp = (isPackaged: boolean, registered: string[] = []) => ({
    isPackaged,
    isDefaultProtocolClient: jest.fn((scheme: string) => registered.includes(scheme)),
    setAsDefaultProtocolClient: jest.fn(() => true),
  });

  it('makes a packaged Zuoxi the handler for tel: and sip:, leaving what it already handles', () => {
    const app = fakeApp(true, ['sip']);
    registerLinkHandlers(app, silentLogger);
    expect(app.setAsDefaultProtocolClient.mock.calls).toEqual([['tel']]);
  });

  it("leaves a developer's machine alone", () => {
    const app = fakeApp(false);
    registerLinkHandlers(app, silentLogger);
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });
});

describe('the shell receives links', () => {
  function load(platform: NodeJS.Platform = 'linux') {
    jest.resetModules();
    const electron = jest.requireActual<ElectronMock>('./electron-mock');
    const { startShell } = jest.requireActual<ShellModule>('../../main/app/shell');
    const workstation = {
      router: { dispatch: jest.fn(async () => ({ ok: true as const, value: null })) },
      hub: { attach: jest.fn(() => () => true), publish: jest.fn() },
      log: silentLogger,
      close: jest.fn(async () => undefined),
    };
    const start = (argv: string[]) =>
      startShell({
        openWorkstation: async () => workstation,
        rendererDir: '/opt/zuoxi/dist/renderer',
        preloadPath: '/opt/zuoxi/preload.js',
        argv,
        platform,
      });
    return { electron, workstation, start };
  }

  it('a link that launched Zuoxi goes to the dial pad once the window exists; nothing dials', async () => {
    const { electron, workstation, start } = load();
    const running = start(['/opt/Zuoxi/zuoxi', 'tel:+86-138-0013-8000']);
    await Promise.resolve();
    expect(workstation.hub.publish).not.toHaveBeenCalled();
    electron.app.markReady();
    await running;
    expect(workstation.hub.publish).toHaveBeenCalledWith('calls.dialRequested', { number: '+8613800138000', source: 'tel' });
    expect(workstation.router.dispatch).not.toHaveBeenCalledWith('calls.dial', expect.anything());
  });

  it("a second instance's link brings the window forward and fills the dial pad; a hostile one does nothing", async () => {
    const { electron, workstation, start } = load();
    const running = start(['/opt/Zuoxi/zuoxi']);
    electron.app.markReady();
    await running;
    const window = electron.BrowserWindow.instances[0]!;
    window.minimized = true;
    electron.app.emit('second-instance', new electron.FakeEvent(), ['/opt/Zuoxi/zuoxi', '--flag', 'sip:8001@pbx.example.com?Replaces=x'], '/home/agent');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(workstation.hub.publish).toHaveBeenCalledWith('calls.dialRequested', { number: 'sip:8001@pbx.example.com', source: 'sip' });

    workstation.hub.publish.mockClear();
    electron.app.emit('second-instance', new electron.FakeEvent(), ['/opt/Zuoxi/zuoxi', 'tel:javascript:alert(1)'], '/home/agent');
    expect(workstation.hub.publish).not.toHaveBeenCalled();
  });

  it('macOS: a link that arrives as open-url before ready is kept, and later ones pass straight on', async () => {
    const { electron, workstation, start } = load('darwin');
    const running = start(['/Applications/Zuoxi.app/Contents/MacOS/Zuoxi']);
    await Promise.resolve();
    const early = new electron.FakeEvent('tel:8001');
    electron.app.emit('open-url', early, 'tel:8001');
    expect(early.preventDefault).toHaveBeenCalled();
    electron.app.markReady();
    await running;
    expect(workstation.hub.publish).toHaveBeenCalledWith('calls.dialRequested', { number: '8001', source: 'tel' });
    electron.app.emit('open-url', new electron.FakeEvent(), 'tel:8002');
    expect(workstation.hub.publish).toHaveBeenLastCalledWith('calls.dialRequested', { number: '8002', source: 'tel' });
    expect(electron.app.setDesktopName).not.toHaveBeenCalled();
  });

  it('registers as the tel:/sip: handler when packaged, names its desktop file on Linux and its toast identity on Windows', async () => {
    const linux = load('linux');
    linux.electron.app.isPackaged = true;
    const running = linux.start(['/opt/Zuoxi/zuoxi']);
    linux.electron.app.markReady();
    await running;
    expect(linux.electron.app.setDesktopName).toHaveBeenCalledWith('zuoxi.desktop');
    expect(linux.electron.app.calls.indexOf('setDesktopName:zuoxi.desktop')).toBeLessThan(linux.electron.app.calls.indexOf('ready'));
    expect(linux.electron.app.setAsDefaultProtocolClient.mock.calls.map(([scheme]) => scheme).sort()).toEqual(['sip', 'tel']);

    const windows = load('win32');
    const started = windows.start(['C:\\Program Files\\Zuoxi\\Zuoxi.exe']);
    windows.electron.app.markReady();
    await started;
    expect(windows.electron.app.setAppUserModelId).toHaveBeenCalledWith('com.zuoxi.workstation');
    // Not packaged: a developer's run registers nothing.
    expect(windows.electron.app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });
});

describe('the Linux desktop entry', () => {
  const root = path.resolve(__dirname, '..', '..');
  const entry = fs.readFileSync(path.join(root, 'build', 'linux', 'zuoxi.desktop'), 'utf8');
  const keys = Object.fromEntries(
    entry
      .split('\n')
      .filter((line) => /^[A-Za-z]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

  it('declares the tel: and sip: scheme handlers and passes the link to the app', () => {
    expect(entry.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(keys.MimeType).toBe('x-scheme-handler/tel;x-scheme-handler/sip;');
    expect(keys.Exec).toMatch(/ %U$/);
    expect(keys.Type).toBe('Application');
  });

  it("matches electron-builder's protocols, so the packaged entry declares the same schemes", () => {
    const builder = fs.readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8');
    expect(builder).toMatch(/protocols:[\s\S]*schemes: \[tel\][\s\S]*schemes: \[sip\]/);
  });
});
