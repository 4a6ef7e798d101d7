/**
 * (f) sipp (Debian package sip-tester) as UAC against the edge, with unmodified
 * drachtio-srf answering every call as UAS: all calls must succeed.
 */
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { harness, SDP, until, type Harness } from './srf-harness';

function requireSipp(): string {
  const found = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('sipp is not installed: apt-get install sip-tester');
  return found;
}

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const socket = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => (ok ? socket.close(() => resolve()) : resolve()));
    if (ok) return port;
  }
}

interface SippRun {
  code: number | null;
  successful: number;
  failed: number;
  output: string;
}

async function runSipp(sipp: string, target: string, transport: 'u1' | 't1', calls: number, rate: number): Promise<SippRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-sipp-'));
  const statFile = path.join(dir, 'stat.csv');
  const args = ['-sn', 'uac', '-t', transport, '-m', String(calls), '-r', String(rate), '-s', '8001', '-i', '127.0.0.1',
    '-p', String(await freePort()), '-timeout', '60s', '-timeout_error', '-recv_timeout', '10000', '-nostdin',
    '-trace_stat', '-stf', statFile, target];
  const child = spawn(sipp, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const rows = fs.existsSync(statFile) ? fs.readFileSync(statFile, 'utf8').trim().split('\n') : [];
  fs.rmSync(dir, { recursive: true, force: true });
  const header = (rows[0] ?? '').split(';');
  const last = (rows[rows.length - 1] ?? '').split(';');
  const column = (name: string) => Number(last[header.indexOf(name)] ?? NaN);
  return { code, successful: column('SuccessfulCall(C)'), failed: column('FailedCall(C)'), output };
}

let h: Harness;
let answered = 0;

beforeAll(async () => {
  h = await harness(
    (srf) => {
      srf.invite((req, res) => {
        answered += 1;
        void srf.createUAS(req, res, { localSdp: SDP }).catch(() => {});
      });
    },
    ['invite'],
    // Real RFC 3261 timers: this is the load the edge will see in the field.
    { timers: {} },
  );
});

afterAll(async () => {
  await h.stop();
  expect(h.edge.activeTimers).toBe(0);
});

describe('sipp uac against the edge with drachtio-srf as UAS', () => {
  it('completes every call over UDP', async () => {
    const sipp = requireSipp();
    const before = answered;
    const run = await runSipp(sipp, `127.0.0.1:${h.addresses.sip.udp}`, 'u1', 100, 50);
    expect({ code: run.code, successful: run.successful, failed: run.failed }).toEqual({ code: 0, successful: 100, failed: 0 });
    expect(answered - before).toBe(100);
    await until(() => h.edge.status().dialogs === 0, 'every dialog to end');
  }, 90_000);

  it('completes every call over TCP', async () => {
    const sipp = requireSipp();
    const run = await runSipp(sipp, `127.0.0.1:${h.addresses.sip.tcp}`, 't1', 30, 30);
    expect({ code: run.code, successful: run.successful, failed: run.failed }).toEqual({ code: 0, successful: 30, failed: 0 });
    await until(() => h.edge.status().dialogs === 0, 'every dialog to end');
  }, 90_000);
});
