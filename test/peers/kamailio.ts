/**
 * Kamailio as the PBX's registrar and proxy, on a free loopback port with a temp
 * directory: digest auth with per-user passwords, in-memory location, and routing of
 * calls to whoever registered the dialled user. `restart()` keeps the port (a
 * registrar that restarts) and forgets every binding.
 */
import fs from 'node:fs';
import path from 'node:path';
import { answersSipOptions, freePort, makeTempDir, ManagedProcess, requireBinary, runSync, until } from './process';

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
        return (await answersSipOptions(this.port)) || undefined;
      },
      `kamailio on 127.0.0.1:${this.port}`,
      10_000,
    );
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
