/**
 * Starting and stopping the real peers (kamailio, baresip) the call tests talk to:
 * finding their binaries (a test that needs one and cannot find it fails, saying how to
 * install it), free loopback ports, temp directories, and processes that are always
 * stopped — first politely, then with SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The binary's path, or an error that says which Debian package brings it. */
export function requireBinary(name: string, debianPackage: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')]) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed, and the call tests need it as a real SIP peer. ` +
      `Install it with \`npm run peers\` (scripts/install-peers.sh) or \`sudo apt-get install -y ${debianPackage}\`.`,
  );
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function canBind(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/**
 * A loopback port free on UDP and TCP, with `span - 1` free ports after it (baresip
 * also binds TLS on port + 1). Never the same port twice in one test process.
 */
export async function freePort(span = 1): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: span }, (_, i) => base + i);
    if (ports.some((p) => handedOut.has(p))) continue;
    let free = true;
    for (const port of ports) if (!(await canBind(port))) free = false;
    if (!free) continue;
    for (const port of ports) handedOut.add(port);
    return base;
  }
  throw new Error('no free loopback port found');
}

/** A child process whose output is kept (for the failure message) and that `stop()` always ends. */
export class ManagedProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 2000) this.output.splice(0, 1000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve((this.exitCode = code))));
  }

  static start(name: string, command: string, args: string[], options: { cwd?: string } = {}): ManagedProcess {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ManagedProcess(name, child);
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  get log(): string {
    return this.output.join('');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Fails with the process's own output when it died early. */
  assertRunning(): void {
    if (!this.running) throw new Error(`${this.name} exited (${this.exitCode}):\n${this.log.slice(-3000)}`);
  }
}

export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function runSync(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** Whether something answers a SIP OPTIONS on 127.0.0.1:`port` over UDP (any answer: the listener is up). */
export function answersSipOptions(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    socket.on('message', () => done(true));
    socket.on('error', () => done(false));
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address().port;
      const branch = `z9hG4bK-probe-${Date.now()}`;
      socket.send(
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport\r\n` +
          `Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1:${port}>\r\n` +
          `Call-ID: ${branch}@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
        port,
        '127.0.0.1',
      );
    });
  });
}
