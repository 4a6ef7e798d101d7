import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { IPC_INVOKE, IPC_PUSH } from '../common/contract';
import type { Reply } from '../common/errors';
import { PushGate, type PushHub } from '../core/ipc/push-gate';
import type { Logger } from '../core/log/logger';
import { isAppUrl } from './app-protocol';

/** What the bridge needs from the core's router: the real IpcRouter fits. */
export interface InvokeRouter {
  dispatch(channel: unknown, payload: unknown): Promise<Reply<unknown>>;
}

interface BridgedWindow {
  contents: WebContents;
  gate: PushGate;
  detach: () => void;
  /** Counts documents: bumped whenever the gate closes for a new page or a crash. */
  generation: number;
}

const FORBIDDEN: Reply<never> = {
  ok: false,
  code: 'forbidden_sender',
  message: 'Only the main frame of a Zuoxi window may call the workstation',
};

/**
 * Carries the contract between our windows and the core. Whoever sends is checked
 * here, before the router parses a byte: it must be the main frame of a window this
 * bridge adopted, showing a page from app://zuoxi. An iframe, a webview, a devtools
 * extension or a page that navigated elsewhere gets `forbidden_sender`.
 */
export class IpcBridge {
  private readonly windows = new Map<number, BridgedWindow>();

  constructor(
    private readonly router: InvokeRouter,
    private readonly hub: Pick<PushHub, 'attach'>,
    private readonly log: Logger,
  ) {}

  /** Answers IPC_INVOKE until the returned function is called. */
  listen(ipc: IpcMain): () => void {
    ipc.handle(IPC_INVOKE, (event, channel: unknown, args: unknown) => this.invoke(event, channel, args));
    return () => ipc.removeHandler(IPC_INVOKE);
  }

  /** Trusts this window's main frame and gives it a push gate of its own. */
  adopt(window: BrowserWindow): void {
    const contents = window.webContents;
    const gate = new PushGate((push, payload) => {
      if (!contents.isDestroyed()) contents.send(IPC_PUSH, push, payload);
    });
    const bridged: BridgedWindow = { contents, gate, detach: this.hub.attach(gate), generation: 0 };
    this.windows.set(contents.id, bridged);
    // A new document has no listeners yet: hold pushes until it says ready again.
    const hold = () => {
      bridged.generation += 1;
      gate.reset();
    };
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) hold();
    });
    contents.on('render-process-gone', hold);
    contents.once('destroyed', () => this.forget(contents.id));
    window.once('closed', () => this.forget(contents.id));
  }

  async invoke(event: IpcMainInvokeEvent, channel: unknown, args: unknown): Promise<Reply<unknown>> {
    const sender = this.trustedSender(event);
    if (typeof sender === 'string') {
      this.log.warn('ipc.forbidden_sender', { reason: sender, contentsId: event.sender.id });
      return FORBIDDEN;
    }
    const generation = sender.generation;
    const reply = await this.router.dispatch(channel, args);
    // An old page's app.ready answered after a reload began must not open the gate
    // for the new page, which has not subscribed yet.
    if (channel === 'app.ready' && reply.ok && sender.generation === generation) sender.gate.markReady();
    return reply;
  }

  /** The sender's window when it may call, otherwise why not. */
  private trustedSender(event: IpcMainInvokeEvent): BridgedWindow | string {
    const bridged = this.windows.get(event.sender.id);
    if (!bridged || bridged.contents !== event.sender) return 'not one of our windows';
    const frame = event.senderFrame;
    if (!frame || !sameFrame(frame, event.sender.mainFrame)) return 'not the main frame';
    if (!isAppUrl(frame.url)) return 'page is not from app://zuoxi';
    return bridged;
  }

  private forget(contentsId: number): void {
    const bridged = this.windows.get(contentsId);
    if (!bridged) return;
    bridged.detach();
    this.windows.delete(contentsId);
  }
}

// WebFrameMain wrappers are usually the same object, but a frame is identified by
// (process, routing id); comparing those does not depend on wrapper caching.
function sameFrame(a: WebFrameMain, b: WebFrameMain): boolean {
  return a === b || (a.processId === b.processId && a.routingId === b.routingId);
}
