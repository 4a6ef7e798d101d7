/**
 * A workstation wired to real peers: kamailio as the PBX, Zuoxi's real Workstation
 * (store, directory, calls, IPC router) registered as the agent's extension, and the
 * baresip phones a scenario asks for. Every push is recorded; the log goes to memory at
 * debug level so a test can read (or grep) all of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ArgsIn, Channel, Result } from '../../../main/common/contract';
import type { CallSummary, WorkstationStatus } from '../../../main/common/domain';
import { SipAccountSchema, type Settings } from '../../../main/core/config/settings';
import { PushGate } from '../../../main/core/ipc/push-gate';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { Workstation, type WorkstationOptions } from '../../../main/core/workstation';
import { Baresip, Kamailio, makeTempDir, until, type BaresipOptions } from '../../peers';

export const DOMAIN = 'zuoxi.test';
export const AGENT = { user: '8001', password: 'agent-Pa55word!' };
/** Fast RFC 3261 timers: a REGISTER to a dead registrar gives up after 6.4 s, not 32. */
export const FAST_TIMERS = { t1: 100, t2: 400, t4: 500 };

export interface LabOptions {
  /** Users kamailio knows, besides the agent. */
  users?: Record<string, string>;
  /** The SIP password Zuoxi has in its secret store (default: the right one). */
  password?: string | null;
  /** Extra settings for the workstation (desk phone, edge, …). */
  settings?: Partial<Settings>;
  account?: Partial<Parameters<typeof SipAccountSchema.parse>[0]>;
  secrets?: Record<string, string>;
  /** Skip starting the workstation (a test that builds its own). */
  noWorkstation?: boolean;
}

export interface Pushed {
  push: string;
  payload: unknown;
}

export class Lab {
  readonly pushes: Pushed[] = [];
  readonly sink = new MemorySink();
  readonly phones: Baresip[] = [];
  workstation!: Workstation;
  secrets!: MemorySecretProvider;
  readonly dataDir = makeTempDir('zuoxi-calls-');

  private constructor(readonly kamailio: Kamailio) {}

  /**
   * Kamailio first, then `prepare` (phones, the workstation, registration); if any of it
   * fails, everything started so far is stopped before the error goes on.
   */
  static async startWith(options: Omit<LabOptions, 'noWorkstation'>, prepare: (lab: Lab) => Promise<void>): Promise<Lab> {
    const lab = await Lab.start({ ...options, noWorkstation: true });
    try {
      await prepare(lab);
    } catch (error) {
      await lab.stop();
      throw error;
    }
    return lab;
  }

  static async start(options: LabOptions = {}): Promise<Lab> {
    const kamailio = await Kamailio.start({ domain: DOMAIN, users: { [AGENT.user]: AGENT.password, ...options.users } });
    const lab = new Lab(kamailio);
    if (!options.noWorkstation) {
      try {
        await lab.open(options);
      } catch (error) {
        await lab.stop();
        throw error;
      }
    }
    return lab;
  }

  accountSettings(options: LabOptions = {}) {
    return SipAccountSchema.parse({ registrar: this.kamailio.uri, domain: DOMAIN, user: AGENT.user, registerExpires: 60, ...options.account });
  }

  async open(options: LabOptions = {}, extra: Partial<WorkstationOptions> = {}): Promise<Workstation> {
    const password = options.password === undefined ? AGENT.password : options.password;
    this.secrets = new MemorySecretProvider({ ...(password === null ? {} : { 'sip.password': password }), ...options.secrets });
    const log = new StructuredLogger(this.sink, 'debug');
    this.workstation = await Workstation.open({
      dataDir: this.dataDir,
      host: 'headless',
      version: 'test',
      log,
      secrets: this.secrets,
      settings: {
        sipAccount: this.accountSettings(options),
        sipEdge: { mode: 'embedded', host: '127.0.0.1', udpPort: 0, tcpPort: 0 },
        ...options.settings,
      },
      calls: { edgeTimers: FAST_TIMERS, backoff: { initialMs: 500, maxMs: 2000 }, transferTimeoutMs: 15_000 },
      ...extra,
    });
    const gate = new PushGate((push, payload) => this.pushes.push({ push, payload }));
    gate.markReady();
    this.workstation.hub.attach(gate);
    return this.workstation;
  }

  /** Calls a channel through the router, as the renderer would (payload checked by the contract). */
  async invoke<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<Result<C>> {
    const reply = await this.workstation.router.dispatch(channel, args);
    if (!reply.ok) throw Object.assign(new Error(`${channel}: ${reply.code}: ${reply.message}`), { code: reply.code });
    return reply.value as Result<C>;
  }

  status(): WorkstationStatus {
    return this.workstation.appInfo().status;
  }

  statuses(): WorkstationStatus[] {
    return this.pushes.filter((p) => p.push === 'status.changed').map((p) => p.payload as WorkstationStatus);
  }

  callPushes(): CallSummary[] {
    return this.pushes.filter((p) => p.push === 'calls.changed').map((p) => p.payload as CallSummary);
  }

  /** The first calls.changed push matching `predicate` (waiting for it). */
  waitForCall(predicate: (call: CallSummary) => boolean, what: string, timeoutMs = 10_000): Promise<CallSummary> {
    return until(() => this.callPushes().find(predicate), what, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; calls pushed: ${JSON.stringify(this.callPushes().map((c) => [c.id, c.state, c.outcome, c.endCause, c.endDetail]))}`);
    });
  }

  waitForRegistered(timeoutMs = 10_000): Promise<true> {
    return until(() => this.status().connection === 'online' || undefined, 'the workstation to register', timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; status: ${JSON.stringify(this.status())}\nkamailio:\n${this.kamailio.log.slice(-1500)}`);
    });
  }

  async phone(options: Omit<BaresipOptions, 'registrar'> & { register?: boolean }): Promise<Baresip> {
    const phone = await Baresip.start({ ...options, ...(options.register ? { registrar: this.kamailio } : {}) });
    this.phones.push(phone);
    return phone;
  }

  /** Each test starts with the phones' event lists empty. */
  forgetPhoneEvents(): void {
    for (const phone of this.phones) phone.forgetEvents();
  }

  /** The log as text, for greps and for failure messages. */
  get logText(): string {
    return this.sink.text;
  }

  async stop(): Promise<void> {
    await this.workstation?.close().catch(() => undefined);
    await Promise.all(this.phones.map((phone) => phone.dispose()));
    await this.kamailio.dispose();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function dbFile(lab: Lab): string {
  return path.join(lab.dataDir, 'zuoxi.db');
}
