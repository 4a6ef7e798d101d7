// SIP call throughput of the embedded edge, against Kamailio on the same machine and load.
//
//   npm run bench -- sip                  (BENCH_STEP_SECONDS, BENCH_RATES, BENCH_BUDGET_SECONDS)
//
// Needs sipp and kamailio (Debian: `apt-get install -y sip-tester kamailio`, or
// `npm run peers`). Everything runs on 127.0.0.1; every load is bounded in calls and time.
//
// What is measured
// - edge: Zuoxi's SipEdge (UDP on loopback, the real RFC 3261 timers) with unmodified
//   drachtio-srf connected over the drachtio protocol, both in this Node process — as
//   in the app, where both live in the Electron main process. The srf app answers every
//   INVITE as UAS: the edge sends 100 Trying itself, the app sends 180, then 200 with a
//   tiny SDP (srf createUAS); the caller's BYE is answered by srf's dialog.
// - kamailio: test/bench/sip/kamailio.cfg, a transaction-stateful proxy (t_relay, 100
//   Trying from tm, one UDP worker: see the cfg for why) relaying every request to a
//   sipp UAS (`-sn uas`: 180, then 200), both started once for the run. Same caller,
//   same messages on the caller's side.
// - the caller is sipp with test/bench/sip/uac.xml (built-in 'uac', with the 180 made
//   mandatory, and responses matched to their transaction, so a retransmitted 200 to
//   the INVITE cannot pass for the BYE's 200): INVITE → 100 → 180 → 200 → ACK → BYE →
//   200, no hold time. A call fails on any other order (a 200 before its 180), after
//   5 s without the expected message, or after sipp's UDP retransmissions. sipp's
//   response-time timer 1 runs from sending the INVITE to receiving the 180; every
//   sample is written with -trace_rtt, so the percentiles are exact over the step
//   (sipp's clock has 1 ms resolution: values are whole milliseconds, truncated).
//
// How: both targets climb the same ladder of call rates (BENCH_RATES, default 50 → 6400
// cps), each step BENCH_STEP_SECONDS (default 5) worth of calls at that rate (`-m
// rate·seconds -r rate`), a fresh sipp per step. The two ramps are interleaved rung by
// rung (edge, then kamailio), so background load on this shared machine hits both
// alike. A step passes when sipp reports every call successful (0 failed calls) AND
// the rate was achieved: the 180s arrived at ≥ 95 % of the target rate,
// measured over the step as (n − 1) / (last 180 − first 180), which also catches a
// target that falls behind and queues. A target's ramp stops at its first step that
// does not pass; the whole run also stops climbing after BENCH_BUDGET_SECONDS (default
// 150; said in the output, and the figures are then lower bounds).
//
// The last line is machine-readable:
//   sip max_cps=<n> failed=<n> invite_180_p99_ms=<x> kamailio_cps=<m> ratio=<n/m>
// max_cps: the edge's highest rate whose step passed (0 if none). failed: the failed
//   calls of the edge's first step that did NOT pass — the failures that ended its
//   ramp (0 when that step only missed its rate, or when every step passed: max_cps is
//   then a lower bound). invite_180_p99_ms: the edge's INVITE→180 p99 at the max_cps
//   step. kamailio_cps: the same for Kamailio. ratio: max_cps / kamailio_cps, 2 decimals.
//
// Each step also prints retransmissions, INVITE→200 p99, the kernel's UDP receive-buffer
// drops during the step (/proc/net/snmp RcvbufErrors: system-wide, so other programs'
// too) and, for the edge, the dialogs still open once sipp is done (calls sipp gave up
// on) and the server transactions its RFC 3261 timers still hold (32 s).
//
// Caveats: the ladder is coarse (rates between two rungs are not tried); with 2 cores,
// sipp (one caller, plus the UAS for kamailio) shares the CPU with what it measures, so
// kamailio_cps may be bounded by sipp rather than by Kamailio (which would make the
// ratio look better than it is); colleagues' test runs on the same machine add noise.
import Srf from 'drachtio-srf';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SipEdge } from '../../main/core/edge/sip-edge';
import { silentLogger } from '../../main/core/log/logger';
import { answersSipOptions, freePort, makeTempDir, ManagedProcess, until } from '../peers/process';

const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 5);
const RATES = (process.env.BENCH_RATES ?? '50,100,200,400,600,800,1200,1600,2400,3200,4800,6400')
  .split(',')
  .map(Number)
  .filter((rate) => Number.isFinite(rate) && rate > 0);
const BUDGET_SECONDS = Number(process.env.BENCH_BUDGET_SECONDS ?? 150);
const RATE_ACHIEVED = 0.95;
const RECV_TIMEOUT_MS = 5000;
const KAMAILIO_CHILDREN = 1;

const BENCH_FILES = path.resolve('test', 'bench', 'sip');
const UAC_SCENARIO = path.join(BENCH_FILES, 'uac.xml');
const KAMAILIO_TEMPLATE = path.join(BENCH_FILES, 'kamailio.cfg');
const KAMAILIO_MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'];
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=sendrecv\r\n';

/** The binary, or an error saying how to install it. */
function requireTool(name: string, debianPackage: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`${name} is not installed; the SIP benchmark needs it. Install it with \`sudo apt-get install -y ${debianPackage}\` (or \`npm run peers\`).`);
}

function firstLine(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n').map((line) => line.trim()).find(Boolean) ?? '?';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The kernel's count of UDP datagrams dropped for a full receive buffer (all sockets), if readable. */
function udpReceiveDrops(): number {
  try {
    const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp: '));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/);
    return Number(values[names.indexOf('RcvbufErrors')] ?? NaN);
  } catch {
    return NaN;
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

interface StepResult {
  target: string;
  rate: number;
  calls: number;
  exitCode: number | null;
  successful: number;
  failed: number;
  retransmissions: number;
  udpDrops: number;
  achievedCps: number;
  invite180: { p50: number; p99: number; max: number };
  invite200p99: number;
  passed: boolean;
  why: string;
}

/** Processes and directories to release at the end, whatever happens. */
const live = new Set<ManagedProcess>();
const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  tempDirs.push(dir);
  return dir;
}

/** One step: a fresh sipp caller placing `rate · STEP_SECONDS` calls at `rate` cps to `target`. */
async function sippStep(sipp: string, label: string, target: string, rate: number): Promise<StepResult> {
  const calls = Math.max(1, Math.round(rate * STEP_SECONDS));
  const dir = tempDir('zuoxi-bench-sipp-');
  const [port, mediaPort] = [await freePort(), await freePort(4)];
  const args = [
    '-sf', UAC_SCENARIO, '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort), '-t', 'u1',
    '-m', String(calls), '-r', String(rate), '-rp', '1000',
    '-nostdin', '-timeout', `${STEP_SECONDS + 30}s`, '-timeout_error', '-recv_timeout', String(RECV_TIMEOUT_MS),
    '-trace_stat', '-stf', path.join(dir, 'stat.csv'), '-fd', '1', '-trace_rtt', '-rtt_freq', '1',
    target,
  ];
  const dropsBefore = udpReceiveDrops();
  const proc = ManagedProcess.start(`sipp uac (${label} ${rate} cps)`, sipp, args, { cwd: dir });
  live.add(proc);
  const exited = new Promise<number | null>((resolve) => proc.child.once('exit', (code) => resolve(code)));
  // sipp stops by itself (-m, -timeout); this is only the belt to its braces.
  const guard = setTimeout(() => void proc.stop(1000), (STEP_SECONDS + 45) * 1000);
  const exitCode = await exited;
  clearTimeout(guard);
  live.delete(proc);
  const udpDrops = udpReceiveDrops() - dropsBefore;

  const statRows = fs.existsSync(path.join(dir, 'stat.csv')) ? fs.readFileSync(path.join(dir, 'stat.csv'), 'utf8').trim().split('\n') : [];
  const header = (statRows[0] ?? '').split(';');
  const last = (statRows[statRows.length - 1] ?? '').split(';');
  const column = (name: string) => Number(last[header.indexOf(name)] ?? NaN);
  const rttFile = fs.readdirSync(dir).find((file) => file.endsWith('_rtt.csv'));
  const samples = { 1: [] as { at: number; ms: number }[], 2: [] as { at: number; ms: number }[] };
  if (rttFile) {
    for (const line of fs.readFileSync(path.join(dir, rttFile), 'utf8').split('\n').slice(1)) {
      const [at, ms, rtd] = line.split(';');
      if (rtd === '1' || rtd === '2') samples[rtd].push({ at: Number(at), ms: Number(ms) });
    }
  }
  const ringing = samples[1].map((s) => s.ms).sort((a, b) => a - b);
  const answered = samples[2].map((s) => s.ms).sort((a, b) => a - b);
  const arrivals = samples[1].map((s) => s.at).sort((a, b) => a - b);
  const span = arrivals.length > 1 ? (arrivals[arrivals.length - 1] as number) - (arrivals[0] as number) : 0;
  const achievedCps = span > 0 ? ((arrivals.length - 1) * 1000) / span : arrivals.length === calls ? rate : 0;

  const successful = column('SuccessfulCall(C)');
  const failed = column('FailedCall(C)');
  let why = '';
  if (!(successful === calls && failed === 0 && exitCode === 0)) {
    why = `${Number.isNaN(failed) ? '?' : failed} failed, ${Number.isNaN(successful) ? '?' : successful}/${calls} successful, sipp exit ${exitCode}`;
  } else if (achievedCps < RATE_ACHIEVED * rate) {
    why = `rate not achieved (${achievedCps.toFixed(1)} < ${(RATE_ACHIEVED * rate).toFixed(1)} cps)`;
  }
  if (why && Number.isNaN(successful)) why += `; sipp said: ${proc.log.trim().split('\n').slice(-8).join(' | ')}`;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    target: label,
    rate,
    calls,
    exitCode,
    successful,
    failed,
    retransmissions: column('Retransmissions(C)'),
    udpDrops,
    achievedCps,
    invite180: { p50: percentile(ringing, 50), p99: percentile(ringing, 99), max: ringing[ringing.length - 1] ?? NaN },
    invite200p99: percentile(answered, 99),
    passed: why === '',
    why,
  };
}

function report(step: StepResult, extra = ''): void {
  const pad = (value: number | string, width: number) => String(value).padStart(width);
  console.log(
    `${step.target.padEnd(8)} rate=${pad(step.rate, 5)} calls=${pad(step.calls, 6)} ok=${pad(step.successful, 6)} failed=${pad(step.failed, 4)} ` +
      `retrans=${pad(step.retransmissions, 5)} udp_drops=${pad(step.udpDrops, 5)} achieved=${pad(step.achievedCps.toFixed(1), 7)} cps  ` +
      `invite→180 p50=${step.invite180.p50} p99=${step.invite180.p99} max=${step.invite180.max} ms  invite→200 p99=${step.invite200p99} ms  ` +
      `${step.passed ? 'PASS' : `STOP: ${step.why}`}${extra}`,
  );
}

interface Target {
  label: string;
  address: string;
  /** After each step: wait until the target is idle again; returns a note for the report. */
  settle(): Promise<string>;
  results: StepResult[];
  stopped: boolean;
}

async function startEdge(): Promise<{ target: Target; stop(): Promise<void> }> {
  const edge = new SipEdge({ sip: { host: '127.0.0.1', udpPort: 0 }, drachtio: {} }, silentLogger);
  const addresses = await edge.start();
  const srf = new Srf();
  let appErrors = 0;
  srf.on('error', () => (appErrors += 1));
  srf.invite((req, res) => {
    res.send(180);
    srf.createUAS(req, res, { localSdp: SDP }).catch(() => (appErrors += 1));
  });
  const connected = new Promise<void>((resolve, reject) => srf.on('connect', (err: unknown) => (err ? reject(err) : resolve())));
  srf.connect({ host: addresses.drachtio.host, port: addresses.drachtio.port, secret: addresses.drachtio.secret });
  let disconnected = false;
  const stop = async () => {
    if (!disconnected) {
      disconnected = true;
      srf.disconnect();
      await until(() => edge.status().apps === 0, 'srf to disconnect', 3000).catch(() => undefined);
    }
    await edge.stop();
  };
  try {
    await connected;
    await until(() => edge.routes('invite'), 'srf to route INVITE', 5000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    stop,
    target: {
      label: 'edge',
      address: `127.0.0.1:${addresses.sip.udp}`,
      results: [],
      stopped: false,
      async settle() {
        const drained = await until(() => edge.status().dialogs === 0, 'dialogs to end', 5_000).then(
          () => true,
          () => false,
        );
        const status = edge.status();
        const errors = appErrors;
        appErrors = 0;
        return `  [edge: ${status.transactions.server} server txns held by timers${drained ? '' : `, ${status.dialogs} dialogs still open`}${errors ? `, ${errors} srf errors` : ''}]`;
      },
    },
  };
}


async function startKamailio(sipp: string, kamailio: string): Promise<Target> {
  const modules = KAMAILIO_MODULE_DIRS.find((dir) => fs.existsSync(path.join(dir, 'tm.so')));
  if (!modules) throw new Error('kamailio is installed but its modules (tm.so) were not found; reinstall it: `sudo apt-get install --reinstall -y kamailio`');
  const dir = tempDir('zuoxi-bench-kamailio-');
  const [port, uasPort, uasMedia] = [await freePort(), await freePort(), await freePort(4)];

  const uas = ManagedProcess.start('sipp uas', sipp, [
    '-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-mp', String(uasMedia), '-t', 'u1', '-nostdin',
    // Stops by itself after the longest possible run.
    '-timeout', `${BUDGET_SECONDS + 120}s`,
  ], { cwd: dir });
  live.add(uas);

  const cfg = path.join(dir, 'kamailio.cfg');
  fs.writeFileSync(
    cfg,
    fs
      .readFileSync(KAMAILIO_TEMPLATE, 'utf8')
      .replaceAll('{{PORT}}', String(port))
      .replaceAll('{{UAS_PORT}}', String(uasPort))
      .replaceAll('{{CHILDREN}}', String(KAMAILIO_CHILDREN))
      .replaceAll('{{MODULES}}', `${modules}/`),
  );
  const check = spawnSync(kamailio, ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio refused the bench config:\n${check.stdout}${check.stderr}`);
  const proxy = ManagedProcess.start('kamailio', kamailio, ['-DD', '-E', '-f', cfg, '-P', path.join(dir, 'kamailio.pid'), '-Y', dir, '-m', '256', '-M', '16']);
  live.add(proxy);
  await until(
    async () => {
      proxy.assertRunning();
      uas.assertRunning();
      return (await answersSipOptions(port)) || undefined;
    },
    `kamailio on 127.0.0.1:${port}`,
    10_000,
  );
  return {
    label: 'kamailio',
    address: `127.0.0.1:${port}`,
    results: [],
    stopped: false,
    async settle() {
      proxy.assertRunning();
      uas.assertRunning();
      return '';
    },
  };
}

async function main(): Promise<void> {
  const sipp = requireTool('sipp', 'sip-tester');
  const kamailio = requireTool('kamailio', 'kamailio');
  for (const file of [UAC_SCENARIO, KAMAILIO_TEMPLATE]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run the bench from the repository root (npm run bench -- sip)`);
  }
  console.log(
    `SIP bench: ${firstLine(sipp, ['-v'])}; ${firstLine(kamailio, ['-v'])}; node ${process.version}; ` +
      `${os.cpus().length} cpus, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(`ladder ${RATES.join(', ')} cps; ${STEP_SECONDS} s of calls per step; pass = 0 failed calls and ≥ ${RATE_ACHIEVED * 100}% of the rate`);

  let edge: { target: Target; stop(): Promise<void> } | undefined;
  const started = Date.now();
  let budgetHit = false;
  try {
    edge = await startEdge();
    const proxy = await startKamailio(sipp, kamailio);
    const targets = [edge.target, proxy];
    for (const rate of RATES) {
      if (targets.every((t) => t.stopped)) break;
      if ((Date.now() - started) / 1000 > BUDGET_SECONDS) {
        budgetHit = true;
        console.log(`time budget of ${BUDGET_SECONDS} s spent: not climbing further (figures below are lower bounds)`);
        break;
      }
      for (const target of targets) {
        if (target.stopped) continue;
        const step = await sippStep(sipp, target.label, target.address, rate);
        target.results.push(step);
        if (!step.passed) target.stopped = true;
        report(step, await target.settle());
        await sleep(500);
      }
    }

    const summary = (target: Target) => {
      const best = target.results.filter((s) => s.passed).at(-1);
      const firstFailed = target.results.find((s) => !s.passed);
      return { best, firstFailed, cps: best?.rate ?? 0 };
    };
    const e = summary(edge.target);
    const k = summary(proxy);
    if (!budgetHit) {
      for (const [t, s] of [[edge.target, e], [proxy, k]] as const) {
        if (!s.firstFailed) console.log(`${t.label}: every rung passed; ${s.cps} cps is a lower bound (extend BENCH_RATES)`);
      }
    }
    const p99 = e.best ? String(e.best.invite180.p99) : 'n/a';
    const failed = e.firstFailed ? (Number.isNaN(e.firstFailed.failed) ? e.firstFailed.calls - (e.firstFailed.successful || 0) : e.firstFailed.failed) : 0;
    const ratio = k.cps > 0 ? (e.cps / k.cps).toFixed(2) : 'n/a';
    console.log(`(elapsed ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    console.log(`sip max_cps=${e.cps} failed=${failed} invite_180_p99_ms=${p99} kamailio_cps=${k.cps} ratio=${ratio}`);
  } finally {
    await edge?.stop().catch(() => undefined);
    await Promise.all([...live].map((proc) => proc.stop(3000)));
    live.clear();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Ctrl-C or a kill: still stop sipp and kamailio and remove the temp dirs.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...live].map((proc) => proc.stop(1000))).finally(() => {
      for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
