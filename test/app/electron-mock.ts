import { EventEmitter } from 'node:events';

// A hand-written stand-in for the parts of `electron` the shell uses. jest maps the
// module name `electron` here (jest.config.js), because the Electron binary cannot run
// on CI machines; the shell's logic is proven against this fake, its wiring by tsc.
// Tests import helpers from './electron-mock' directly: the same module instance.

/** An Electron event: records whether a handler vetoed it. */
export class FakeEvent {
  defaultPrevented = false;
  readonly preventDefault = jest.fn(() => {
    this.defaultPrevented = true;
  });
  constructor(readonly url = '') {}
}

let nextFrameId = 1;

export class FakeFrame {
  readonly routingId = nextFrameId++;
  constructor(
    public url: string,
    readonly processId = 1,
    readonly parent: FakeFrame | null = null,
  ) {}
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  mainFrame: FakeFrame;
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  readonly send = jest.fn();
  readonly loadURL = jest.fn(async (url: string) => {
    this.mainFrame.url = url;
  });

  constructor(url = 'app://zuoxi/index.html') {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  /** A frame inside this page (an iframe), sharing its process. */
  subframe(url = this.mainFrame.url): FakeFrame {
    return new FakeFrame(url, this.mainFrame.processId, this.mainFrame);
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }

  readonly id = BrowserWindow.instances.length + 1;
  readonly webContents = new FakeWebContents('about:blank');
  destroyed = false;
  minimized = false;
  focused = false;
  visible = true;
  readonly show = jest.fn(() => {
    this.visible = true;
  });
  readonly focus = jest.fn(() => {
    this.focused = true;
  });
  readonly restore = jest.fn(() => {
    this.minimized = false;
  });

  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    BrowserWindow.instances.push(this);
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroyed = true;
    this.emit('closed');
    this.webContents.destroy();
  }
}

type Handler = (...args: never[]) => unknown;

class FakeApp extends EventEmitter {
  isPackaged = false;
  gotLock = true;
  private readyResolve: () => void = () => {};
  private readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  private readonly paths = new Map<string, string>([['userData', '/fake/userData']]);
  /** Calls in order, so tests can assert what happened before `ready`. */
  readonly calls: string[] = [];

  readonly enableSandbox = jest.fn(() => void this.calls.push('enableSandbox'));
  readonly requestSingleInstanceLock = jest.fn(() => {
    this.calls.push('requestSingleInstanceLock');
    return this.gotLock;
  });
  readonly quit = jest.fn(() => {
    this.calls.push('quit');
    const event = new FakeEvent();
    this.emit('before-quit', event);
  });
  readonly exit = jest.fn((code?: number) => void this.calls.push(`exit:${code ?? 0}`));
  readonly getPath = jest.fn((name: string) => this.paths.get(name) ?? `/fake/${name}`);
  /** Schemes this app is the OS handler for (tel, sip…). */
  readonly protocolClients = new Set<string>();
  readonly setAsDefaultProtocolClient = jest.fn((scheme: string, _path?: string, _args?: string[]) => {
    this.protocolClients.add(scheme);
    return true;
  });
  readonly isDefaultProtocolClient = jest.fn((scheme: string, _path?: string, _args?: string[]) => this.protocolClients.has(scheme));
  readonly setAppUserModelId = jest.fn((_id: string) => undefined);
  readonly setDesktopName = jest.fn((name: string) => void this.calls.push(`setDesktopName:${name}`));
  readonly setPath = jest.fn((name: string, value: string) => void this.paths.set(name, value));
  getVersion(): string {
    return '0.1.0-test';
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Test helper: the moment Electron emits `ready`. */
  markReady(): void {
    this.calls.push('ready');
    this.readyResolve();
  }
}

export const app = new FakeApp();

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  readonly handle = jest.fn((channel: string, handler: Handler) => {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  });
  readonly removeHandler = jest.fn((channel: string) => void this.handlers.delete(channel));
}

export const ipcMain = new FakeIpcMain();

class FakeIpcRenderer extends EventEmitter {
  readonly invoke = jest.fn(async (..._args: unknown[]): Promise<unknown> => undefined);
}

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: jest.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

export const protocol = {
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged: jest.fn((_schemes: unknown[]) => void app.calls.push('registerSchemesAsPrivileged')),
  handle: jest.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
    protocol.handlers.set(scheme, handler);
  }),
};

type PermissionRequest = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string },
) => void;
type PermissionCheck = (contents: unknown, permission: string, requestingOrigin: string) => boolean;
type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeSession {
  permissionRequest: PermissionRequest | null = null;
  permissionCheck: PermissionCheck | null = null;
  headersListener: HeadersListener | null = null;
  readonly setPermissionRequestHandler = jest.fn((handler: PermissionRequest | null) => {
    this.permissionRequest = handler;
  });
  readonly setPermissionCheckHandler = jest.fn((handler: PermissionCheck | null) => {
    this.permissionCheck = handler;
  });
  readonly webRequest = {
    onHeadersReceived: jest.fn((listener: HeadersListener) => {
      this.headersListener = listener;
    }),
  };
}

export const session = { defaultSession: new FakeSession() };

/** Reversible and obviously not plain text, like the real thing from the outside. */
function scramble(text: string): Buffer {
  return Buffer.concat([Buffer.from('v10'), Buffer.from(text, 'utf8').map((byte) => byte ^ 0x5a)]);
}
function unscramble(encrypted: Buffer): string {
  if (encrypted.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext');
  return Buffer.from(encrypted.subarray(3).map((byte) => byte ^ 0x5a)).toString('utf8');
}

const keychain = { available: true, backend: 'gnome_libsecret' };

function encrypt(text: string): Buffer {
  if (!keychain.available) throw new Error('Encryption is not available.');
  return scramble(text);
}

export const safeStorage = {
  /** Test switches: is there a keychain, and which Linux backend was picked. */
  keychain,
  isEncryptionAvailable: jest.fn(() => keychain.available),
  isAsyncEncryptionAvailable: jest.fn(async () => keychain.available),
  getSelectedStorageBackend: jest.fn(() => keychain.backend),
  encryptString: jest.fn(encrypt),
  encryptStringAsync: jest.fn(async (text: string) => encrypt(text)),
  decryptString: jest.fn((encrypted: Buffer) => unscramble(encrypted)),
  decryptStringAsync: jest.fn(async (encrypted: Buffer) => ({ result: unscramble(encrypted), shouldReEncrypt: false })),
};

/**
 * The main process's notifications: records what was asked for; tests play the OS's part
 * by emitting 'click' / 'action' / 'close' on an instance.
 */
export class Notification extends EventEmitter {
  static supported = true;
  static readonly instances: Notification[] = [];
  static isSupported(): boolean {
    return Notification.supported;
  }

  shown = false;
  closed = false;
  readonly show = jest.fn(() => {
    this.shown = true;
  });
  readonly close = jest.fn(() => {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', { reason: 'applicationHidden' });
  });

  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    Notification.instances.push(this);
  }

  /** Test helper: the agent pressed action button `index` (Electron's details object first). */
  press(index: number): void {
    this.emit('action', { actionIndex: index, selectionIndex: -1 }, index, -1);
  }
}

export const shell = {
  openExternal: jest.fn(async (_url: string) => undefined),
};

export const dialog = {
  showErrorBox: jest.fn((_title: string, _content: string) => undefined),
};

export const webContents = {
  getAllWebContents: (): FakeWebContents[] => BrowserWindow.getAllWindows().map((w) => w.webContents),
};

/**
 * Hands a fake to code typed against the real Electron API. The fakes implement only
 * what the shell touches; tsc checks the shell against the real types.
 */
export function asElectron<T>(fake: unknown): T {
  return fake as T;
}
