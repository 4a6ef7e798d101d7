/**
 * Kamailio as the PBX's registrar and proxy, on a free loopback port with a temp
 * directory: digest auth with per-user passwords, in-memory location, and routing of
 * calls to whoever registered the dialled user. `restart()` keeps the port (a
 * registrar that restarts) and forgets every binding.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, makeTempDir, ManagedProcess, requireBinary, runSync, until } from './process';

const TEMPLATE = path.join(__dirname, '..', 'fixtures', 'peers', 'kamailio.cfg');
const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'];

export interface KamailioOptions {
  domain: string;
  /** user → password; only these users may register or place calls. */
  users: Record<string, string>;
}

export class Kamailio {
  private process: ManagedProcess | null = null;

  private constructor(
    readonly port: number,
    readonly domain: string,
    readonly dir: string,
    private readonly binary: string,
  ) {}

  static async start(options: KamailioOptions): Promise<Kamailio> {
    const binary = requireBinary('kamailio', 'kamailio');
    const modules = MODULE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'registrar.so')));
    if (!modules) throw new Error('kamailio is installed but its modules (registrar.so, auth.so) were not found; reinstall the kamailio package');
    const port = await freePort();
    const dir = makeTempDir('zuoxi-kamailio-');
    const passwords = Object.entries(options.users)
      .map(([user, password]) => `  if ($fU == "${user}") $var(password) = "${password.replace(/["\\]/g, '')}";`)
      .join('\n');
    const config = fs
      .readFileSync(TEMPLATE, 'utf8')
      .replaceAll('{{NAME}}', `kamailio:${port}`)
      .replaceAll('{{DOMAIN}}', options.domain)
      .replaceAll('{{PORT}}', String(port))
      .replaceAll('{{MODULES}}', modules + '/')
      .replace('{{PASSWORDS}}', passwords);
    fs.writeFileSync(path.join(dir, 'kamailio.cfg'), config);
    const check = runSync(binary, ['-c', '-f', path.join(dir, 'kamailio.cfg')]);
    if (check.status !== 0) throw new Error(`kamailio refused the test config:\n${check.output}`);
    const kamailio = new Kamailio(port, options.domain, dir, binary);
    await kamailio.launch();
    return kamailio;
  }

  /** sip:127.0.0.1:<port>, the registrar / outbound proxy URI. */
  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.process?.log ?? '';
  }

  private async launch(): Promise<void> {
    this.process = ManagedProcess.start(this.binary, this.binary, [
      '-DD',
      '-E',
      '-f',
      path.join(this.dir, 'kamailio.cfg'),
      '-P',
      path.join(this.dir, 'kamailio.pid'),
      '-Y',
      this.dir,
      '-m',
      '32',
      '-M',
      '8',
    ]);
    await until(
      async () => {
        this.process!.assertRunning();
        return (await this.answersOptions()) || undefined;
      },
      `kamailio on 127.0.0.1:${this.port}`,
      10_000,
    );
  }

  /** Any SIP answer to an OPTIONS means the UDP listener is up. */
  private answersOptions(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket('udp4');
      const timer = setTimeout(() => done(false), 300);
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
          `OPTIONS sip:127.0.0.1:${this.port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport\r\n` +
            `Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1:${this.port}>\r\n` +
            `Call-ID: ${branch}@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
          this.port,
          '127.0.0.1',
        );
      });
    });
  }

  /** Stops kamailio; the port stays ours for `start()` again. */
  async stop(): Promise<void> {
    await this.process?.stop(3000);
  }

  /** Starts it again on the same port, with no bindings (they lived in memory). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stops it and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** How many REGISTERs kamailio has seen from `user` (from its own log). */
  registersFrom(user: string): number {
    return this.log.split('\n').filter((line) => line.includes('request REGISTER') && line.includes(`from sip:${user}@`)).length;
  }
}
