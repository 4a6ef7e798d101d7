/**
 * OpenLDAP's slapd as the corporate / customer directory, on a free loopback port with a
 * temp directory of its own: a slapd.conf written for the test (the schemas from
 * /etc/ldap/schema, an mdb database), the LDIF loaded with slapadd before it starts, and
 * slapd in the foreground as the current user. Anonymous users may only bind; a service
 * account reads. `stop()` and `start()` again keep the port and the data (a directory
 * that goes down and comes back). Stats logging is on, so a test can read the filters
 * slapd was really sent.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, makeTempDir, ManagedProcess, requireBinary, runSync, until } from './process';

const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIRS = ['/usr/lib/ldap', '/usr/lib/x86_64-linux-gnu/ldap', '/usr/lib/aarch64-linux-gnu/ldap', '/usr/lib/openldap'];
const SCHEMAS = ['core', 'cosine', 'inetorgperson'];

export interface SlapdOptions {
  /** The naming context, e.g. dc=zuoxi,dc=test. */
  suffix: string;
  /** A service account that may read everything: created with this DN and password. */
  reader: { dn: string; password: string };
  /** LDIF files loaded (in order) before slapd starts; entries under `suffix`. */
  ldif: string[];
}

export class Slapd {
  private process: ManagedProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly binary: string,
  ) {}

  static async start(options: SlapdOptions): Promise<Slapd> {
    const binary = requireLdapBinary('slapd');
    const slapadd = requireLdapBinary('slapadd');
    const moduleDir = MODULE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'back_mdb.so')));
    const missingSchema = SCHEMAS.find((name) => !fs.existsSync(path.join(SCHEMA_DIR, `${name}.schema`)));
    if (missingSchema) throw new Error(`slapd is installed but ${SCHEMA_DIR}/${missingSchema}.schema is missing; reinstall with \`apt-get install slapd ldap-utils\``);
    const port = await freePort();
    const dir = makeTempDir('zuoxi-slapd-');
    fs.mkdirSync(path.join(dir, 'db'));
    const config = [
      ...SCHEMAS.map((name) => `include ${path.join(SCHEMA_DIR, `${name}.schema`)}`),
      `pidfile ${path.join(dir, 'slapd.pid')}`,
      `argsfile ${path.join(dir, 'slapd.args')}`,
      // Debian builds the backends as modules; other builds have mdb compiled in.
      ...(moduleDir ? [`modulepath ${moduleDir}`, 'moduleload back_mdb'] : []),
      'database mdb',
      'maxsize 67108864',
      `suffix "${options.suffix}"`,
      `directory ${path.join(dir, 'db')}`,
      'index objectClass eq',
      'index telephoneNumber,mobile eq',
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by users read by * none',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'slapd.conf'), config);
    const seed = path.join(dir, 'seed.ldif');
    fs.writeFileSync(seed, [serviceAccountLdif(options), ...options.ldif.map((file) => fs.readFileSync(file, 'utf8'))].join('\n'));
    const load = runSync(slapadd, ['-f', path.join(dir, 'slapd.conf'), '-l', seed]);
    if (load.status !== 0) throw new Error(`slapadd refused the test directory:\n${load.output}`);
    const slapd = new Slapd(port, dir, binary);
    await slapd.start();
    return slapd;
  }

  /** ldap://127.0.0.1:<port> */
  get url(): string {
    return `ldap://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.process?.log ?? '';
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  /** Starts slapd (again) on its port with the data it has. */
  async start(): Promise<void> {
    if (this.running) return;
    this.process = ManagedProcess.start('slapd', this.binary, [
      '-f',
      path.join(this.dir, 'slapd.conf'),
      '-h',
      `${this.url}/`,
      // A debug level keeps slapd in the foreground; 256 (stats) logs every operation.
      '-d',
      '256',
    ]);
    await until(
      async () => {
        this.process!.assertRunning();
        return (await accepts(this.port)) || undefined;
      },
      `slapd on 127.0.0.1:${this.port}`,
      10_000,
    );
  }

  /** Stops slapd; the port and the data stay for `start()`. */
  async stop(): Promise<void> {
    await this.process?.stop(3000);
  }

  /** Stops it and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The search filters slapd received, as its stats log writes them (escaped as on the wire). */
  searchFilters(): string[] {
    return [...this.log.matchAll(/SRCH base="[^"]*" scope=\d+ deref=\d+ filter="(.*)"\s*$/gm)].map((match) => match[1]!);
  }
}

function requireLdapBinary(name: string): string {
  try {
    return requireBinary(name, 'slapd ldap-utils');
  } catch {
    throw new Error(
      `${name} is not installed, and the directory tests need a real LDAP server. ` +
        'Install it with `npm run peers` (scripts/install-peers.sh) or `sudo apt-get install -y slapd ldap-utils`.',
    );
  }
}

/** The suffix's own entry and the service account the connector binds as. */
function serviceAccountLdif(options: SlapdOptions): string {
  const dc = /^dc=([^,]+)/i.exec(options.suffix)?.[1] ?? 'test';
  return [
    `dn: ${options.suffix}`,
    'objectClass: dcObject',
    'objectClass: organization',
    `dc: ${dc}`,
    `o: ${dc}`,
    '',
    `dn: ${options.reader.dn}`,
    'objectClass: person',
    `cn: ${/^cn=([^,]+)/i.exec(options.reader.dn)?.[1] ?? 'reader'}`,
    'sn: reader',
    `userPassword: ${options.reader.password}`,
    '',
  ].join('\n');
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
