/**
 * baresip (Debian's 1.0) as a real phone: the customer's, a colleague's, or the agent's
 * desk phone. Each runs from its own temp config dir (`-f`) on free loopback ports,
 * plays a tone of its own from a WAV (aufile), records what it decodes (sndfile) so a
 * test can tell whose audio it heard, and is driven through ctrl_tcp: JSON commands
 * in netstrings, and the phone's events (CALL_INCOMING, CALL_ESTABLISHED, …) back.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { writeToneWav } from './audio';
import type { Kamailio } from './kamailio';
import { freePort, makeTempDir, ManagedProcess, requireBinary, until } from './process';

const MODULE_DIRS = ['/usr/lib/baresip/modules', '/usr/local/lib/baresip/modules'];

export interface BaresipOptions {
  /** For messages: "customer", "desk", … */
  name: string;
  /** The phone's user (the AOR is sip:<user>@<domain of the registrar>, or @127.0.0.1). */
  user: string;
  /** Registers there with `password` when given; otherwise the phone is reached directly by its port. */
  registrar?: Kamailio;
  password?: string;
  /** Answers every call by itself. */
  autoAnswer: boolean;
  /** The frequency it plays into every call. */
  toneHz: number;
}

export interface BaresipEvent {
  type: string;
  class?: string;
  id?: string;
  param?: string;
  peeruri?: string;
  direction?: string;
  [key: string]: unknown;
}

export class Baresip {
  readonly events: BaresipEvent[] = [];
  private socket: net.Socket | null = null;
  private buffer = Buffer.alloc(0);
  private readonly replies = new Map<string, (reply: { ok: boolean; data: string }) => void>();
  private token = 0;
  private since = 0;

  private constructor(
    readonly options: BaresipOptions,
    readonly dir: string,
    readonly sipPort: number,
    readonly ctrlPort: number,
    private readonly process: ManagedProcess,
  ) {}

  static async start(options: BaresipOptions): Promise<Baresip> {
    const binary = requireBinary('baresip', 'baresip-core');
    const modules = MODULE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'ctrl_tcp.so')));
    if (!modules) throw new Error('baresip is installed but its modules (ctrl_tcp.so, aufile.so) were not found; install baresip-core');
    // SIP on port and port+1 (TLS), control right after, RTP in a range of its own.
    const sipPort = await freePort(3);
    const ctrlPort = sipPort + 2;
    const rtpBase = await freePort(40);
    const dir = makeTempDir(`zuoxi-baresip-${options.name}-`);
    const tone = path.join(dir, 'tone.wav');
    writeToneWav(tone, options.toneHz, 120);
    fs.mkdirSync(path.join(dir, 'recordings'));
    const config = [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      'call_local_timeout 120',
      'call_max_calls 4',
      // No sound card here: the player is a bridge to nowhere, the source a WAV file.
      `audio_player aubridge,${options.name}`,
      `audio_alert aubridge,${options.name}`,
      `audio_source aufile,${tone}`,
      `rtp_ports ${rtpBase}-${rtpBase + 39}`,
      `module_path ${modules}`,
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module sndfile.so',
      'module_tmp account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      `snd_path ${path.join(dir, 'recordings')}`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'config'), config);
    const answermode = options.autoAnswer ? ';answermode=auto' : ';answermode=manual';
    const account = options.registrar
      ? `<sip:${options.user}@${options.registrar.domain}>;auth_pass=${options.password ?? ''};outbound="${options.registrar.uri}";regint=60${answermode}`
      : `<sip:${options.user}@127.0.0.1:${sipPort}>;regint=0${answermode}`;
    fs.writeFileSync(path.join(dir, 'accounts'), account + '\n');
    fs.writeFileSync(path.join(dir, 'contacts'), '');
    const process = ManagedProcess.start(`baresip ${options.name}`, binary, ['-f', dir]);
    const phone = new Baresip(options, dir, sipPort, ctrlPort, process);
    try {
      await until(
        async () => {
          process.assertRunning();
          return (await phone.connect()) || undefined;
        },
        `baresip ${options.name} control port`,
        10_000,
      );
      if (options.registrar) {
        await until(async () => /\bOK\b/.test(stripAnsi(await phone.command('reginfo'))) || undefined, `baresip ${options.name} to register`, 10_000);
      }
    } catch (error) {
      await phone.stop();
      throw new Error(`${(error as Error).message}\n${process.log.slice(-2000)}`, { cause: error });
    }
    return phone;
  }

  /** Where to send a call straight to this phone. */
  get uri(): string {
    return `sip:${this.options.user}@127.0.0.1:${this.sipPort}`;
  }

  get log(): string {
    return this.process.log;
  }

  private connect(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.ctrlPort, '127.0.0.1');
      socket.once('error', () => resolve(false));
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        socket.on('data', (chunk) => this.receive(chunk));
        this.socket = socket;
        resolve(true);
      });
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length + 1) return;
      const json = this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
      this.buffer = this.buffer.subarray(colon + 1 + length + 1);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(json) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (message.event) this.events.push(message as BaresipEvent);
      else if (message.response && typeof message.token === 'string') {
        this.replies.get(message.token)?.({ ok: message.ok === true, data: String(message.data ?? '') });
        this.replies.delete(message.token);
      }
    }
  }

  /** Runs a baresip command ("dial sip:…", "hangup", "accept", "callstat"…) and returns its text. */
  command(command: string, params = '', timeoutMs = 5000): Promise<string> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error(`baresip ${this.options.name} is not connected`));
    const token = `t${(this.token += 1)}`;
    const body = Buffer.from(JSON.stringify({ command, params, token }), 'utf8');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(token);
        reject(new Error(`baresip ${this.options.name}: no reply to ${command}`));
      }, timeoutMs);
      this.replies.set(token, (reply) => {
        clearTimeout(timer);
        resolve(reply.data);
      });
      socket.write(Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]));
    });
  }

  /** The first event of `type` (matching `predicate`) not handed out before, waiting for it. */
  async waitForEvent(type: string, predicate: (event: BaresipEvent) => boolean = () => true, timeoutMs = 10_000): Promise<BaresipEvent> {
    const event = await until(
      () => {
        const found = this.events.slice(this.since).find((e) => e.type === type && !taken.has(e) && predicate(e));
        if (found) taken.add(found);
        return found;
      },
      `baresip ${this.options.name} event ${type}`,
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; events so far: ${this.events.map((e) => e.type).join(', ')}`);
    });
    return event;
  }

  /** Events from here on only: waitForEvent, seen and count ignore older ones (one test's events are not the next one's). */
  forgetEvents(): void {
    this.since = this.events.length;
  }

  seen(type: string): boolean {
    return this.count(type) > 0;
  }

  count(type: string): number {
    return this.events.slice(this.since).filter((e) => e.type === type).length;
  }

  dial(uri: string): Promise<string> {
    return this.command('dial', uri);
  }

  hangup(): Promise<string> {
    return this.command('hangup');
  }

  accept(): Promise<string> {
    return this.command('accept');
  }

  /** The newest recording of what this phone decoded (heard), or null before any call. */
  latestRecording(): string | null {
    const dir = path.join(this.dir, 'recordings');
    const files = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('-dec.wav'))
      .map((name) => ({ file: path.join(dir, name), mtime: fs.statSync(path.join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    return files[0]?.file ?? null;
  }

  /** Bytes of audio heard so far in the newest recording (grows while audio arrives). */
  heardBytes(): number {
    const file = this.latestRecording();
    return file ? fs.statSync(file).size : 0;
  }

  /**
   * The audio bit rates (both directions) on the status line baresip prints for the
   * current call. baresip recomputes them every few seconds, so they say whether RTP
   * flowed recently; unlike the recording, they survive a re-INVITE (baresip drops its
   * decode filters, and so stops recording, when a re-INVITE changes the stream).
   */
  bitrates(): [number, number] | null {
    const matches = [...this.log.slice(-4000).matchAll(/audio=(\d+)\/(\d+) \(bit\/s\)/g)];
    const last = matches[matches.length - 1];
    return last ? [Number(last[1]), Number(last[2])] : null;
  }

  /** Waits until the status line's bit rates satisfy `predicate` (both directions). */
  waitForBitrates(predicate: (rates: [number, number]) => boolean, what: string, timeoutMs = 10_000): Promise<[number, number]> {
    return until(() => {
      const rates = this.bitrates();
      return rates && predicate(rates) ? rates : undefined;
    }, `baresip ${this.options.name}: ${what} (bit rates now ${JSON.stringify(this.bitrates())})`, timeoutMs);
  }

  async stop(): Promise<void> {
    // "quit" unregisters first; a phone whose registrar is gone would wait for that, so SIGTERM/SIGKILL follow.
    if (this.socket && this.process.running) await this.command('quit', '', 500).catch(() => undefined);
    this.socket?.destroy();
    this.socket = null;
    await this.process.stop(1500);
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const taken = new WeakSet<BaresipEvent>();

function stripAnsi(text: string): string {
  return text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
}
