// Screen pop: from a SIP INVITE on the wire to the caller's card in the renderer's hands,
// with a million contacts in the local directory and the CRM down.
//
//   npm run bench -- screenpop
//     BENCH_CALLS (1500) measured calls, after BENCH_WARMUP_CALLS (100) unmeasured ones
//     BENCH_RATE (25) calls per second, paced open-loop (each INVITE at its scheduled time)
//     BENCH_CRM (500) how the CRM is down: 500 | closed | silent (see support/offline-crm.ts)
//     BENCH_CONTACTS (1000000) contacts in the directory
//
// Two processes, as in production the caller and the renderer are not the app:
// - the app (this process): a real Workstation (Workstation.open: sqlite store, directory,
//   lookup chain, calls service with its embedded SIP edge on 127.0.0.1, default timers and
//   deadlines) and the headless host (main/host/headless-host.ts) carrying its pushes over
//   the loopback WebSocket. The directory (the local cache) holds BENCH_CONTACTS contacts,
//   built with test/bench/support/synthetic-directory.ts (in a short-lived child process,
//   then flushed to disk) before the Workstation opens it.
//   Settings: sipAccount (user 8001), sipEdge embedded on 127.0.0.1, and one REST CRM
//   connector (`crm`, default timeoutMs 2000, lookupDeadlineMs 150) pointing at the offline
//   CRM. The SIP password comes from a MemorySecretProvider.
// - the world (a child process, this same file with ZUOXI_BENCH_ROLE=world):
//   * the registrar: support/registrar-stub.ts, a loopback UDP responder answering REGISTER
//     200 OK (no digest challenge) — the agent's line comes up "online" as with a PBX, and
//     the calls service accepts INVITEs. Kamailio is not needed: the INVITEs do not go
//     through a proxy, they are sent to the edge's own SIP port;
//   * the CRM that is down (BENCH_CRM, default an HTTP server answering 500 to everything,
//     the issue's "REST server returning 500"): every pop asks it (no cached answer), so the
//     chain's failure path runs on every call;
//   * the caller: support/sip-caller.ts, raw UDP, one INVITE per call (fresh Call-ID, From
//     with a random existing customer's number in one of four formats: "+86 138 0013 8000",
//     "13800138000" / "010-2000 1234", "008613800138000", "86-138-0013-8000"), CANCEL as
//     soon as the card has arrived, ACK of the 487 — so calls never pile up;
//   * the renderer's side: support/host-client.ts, the host's socket client (subprotocols
//     with the per-run secret, Origin = host.origin, `app.ready` first), which takes each
//     `calls.changed` push as the renderer's store would. Not a real Chromium: the renderer
//     paint is not in these figures.
//
// Measured per call (both processes read CLOCK_MONOTONIC, so their stamps compare):
//   pop = INVITE handed to the caller's socket → the `calls.changed` push with state
//         ringing and a non-null card parsed by the socket client (the headline p50/p99);
//   hub = the same INVITE → the push published on the Workstation's hub (in-process, what
//         every window's transport receives), and a breakdown of where the time goes:
//         wire → lookup start (edge, drachtio protocol, srf, calls service), the lookup
//         itself as the pop ran it, lookup end → hub, hub → socket client.
// Then lookup_p99: DirectoryService.lookupNumber alone (the Workstation's, connectors and
// all, as the pop calls it) for the same numbers, one at a time, after the calls (so on
// pages the calls just used); also the same on a directory with no connectors.
// Each card is checked: the right contact, its E.164, and the CRM source marked as failed
// (or pending, for a silent CRM). The log is checked for the outage being logged once.
//
// The last line is machine-readable:
//   screenpop p50_ms=<pop p50> p99_ms=<pop p99> lookup_p99_ms=<lookup alone p99> contacts=<n>
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { CallSummary } from '../../main/common/domain';
import { SipAccountSchema } from '../../main/core/config/settings';
import { CrmConnectorsSchema } from '../../main/core/directory/connectors/connector-settings';
import { DirectoryService } from '../../main/core/directory/directory-service';
import { PushGate } from '../../main/core/ipc/push-gate';
import { silentLogger } from '../../main/core/log/logger';
import { MemorySecretProvider } from '../../main/core/secrets';
import { openStore } from '../../main/core/store/migrations';
import { Workstation } from '../../main/core/workstation';
import { HeadlessHost } from '../../main/host/headless-host';
import { HostClient } from './support/host-client';
import { OFFLINE_MODES, startOfflineCrm, type OfflineCrm, type OfflineMode } from './support/offline-crm';
import { RegistrarStub } from './support/registrar-stub';
import { SipCaller, sipUser } from './support/sip-caller';
import { formatSummary, monotonicMs, summarize } from './support/stats';
import { buildDirectory, contactOf, formatted, numbersOf, sample } from './support/synthetic-directory';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 1500);
const WARM_UP_CALLS = Number(process.env.BENCH_WARMUP_CALLS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 25);
const CRM_MODE = (process.env.BENCH_CRM ?? '500') as OfflineMode;
/** A card later than this counts as not arrived (the call is cancelled anyway). */
const CARD_TIMEOUT_MS = 5000;
/** Calls the caller keeps open at most; past it the pacing waits (said in the output). */
const MAX_OPEN_CALLS = 50;
const AGENT = { user: '8001', domain: 'zuoxi.bench', password: 'bench-only-secret' };
const GOAL_P99_MS = 30;

interface PlannedCall {
  callId: string;
  /** The number as signalled (From user part, unescaped). */
  raw: string;
  fromUser: string;
  expectName: string;
  expectE164: string;
  warmUp: boolean;
}

interface CallResult {
  callId: string;
  sentAt: number;
  /** First ringing push (with or without a card), and the first ringing push with a card. */
  ringingAt: number | null;
  cardAt: number | null;
  cardName: string | null;
  e164: string | null;
  crmStatus: string | null;
  crmError: string | null;
  final: number | null;
  responses: number[];
}

type ToWorld = { type: 'run'; origin: string; secret: string; edgePort: number; calls: PlannedCall[]; rate: number } | { type: 'stop' };
type FromWorld =
  | { type: 'ready'; registrar: string; crmPort: number; clock: number }
  | { type: 'done'; results: CallResult[]; crmHits: number; registers: number; strays: number; throttled: number; behindMs: number }
  | { type: 'failed'; message: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------- the world

async function world(): Promise<void> {
  const send = (message: FromWorld) => process.send?.(message);
  const registrar = await RegistrarStub.start();
  const crm: OfflineCrm = await startOfflineCrm(CRM_MODE);
  let caller: SipCaller | null = null;
  let client: HostClient | null = null;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    client?.close();
    await caller?.stop().catch(() => undefined);
    await registrar.stop().catch(() => undefined);
    await crm.stop().catch(() => undefined);
    process.exit(0);
  };
  // The app went away (finished, crashed or killed): never outlive it.
  process.on('disconnect', () => void stop());

  const run = async (order: Extract<ToWorld, { type: 'run' }>) => {
    const results = new Map<string, CallResult>();
    const waiting = new Map<string, () => void>();
    client = await HostClient.connect(order.origin, order.secret, (push, payload) => {
      if (push !== 'calls.changed') return;
      const at = monotonicMs();
      const call = payload as CallSummary;
      const result = results.get(call.id);
      if (!result || call.state !== 'ringing') return;
      result.ringingAt ??= at;
      if (call.card === null || result.cardAt !== null) return;
      result.cardAt = at;
      result.cardName = call.card.contact.name;
      result.e164 = call.remote.e164;
      const crmSource = call.card.sources?.find((source) => source.name === 'crm');
      result.crmStatus = crmSource?.status ?? null;
      result.crmError = crmSource?.error ?? null;
      waiting.get(call.id)?.();
    });
    caller = await SipCaller.start({ host: '127.0.0.1', port: order.edgePort, user: AGENT.user, domain: AGENT.domain });
    const sipCaller = caller;
    const one = async (call: PlannedCall) => {
      const result: CallResult = {
        callId: call.callId,
        sentAt: 0,
        ringingAt: null,
        cardAt: null,
        cardName: null,
        e164: null,
        crmStatus: null,
        crmError: null,
        final: null,
        responses: [],
      };
      results.set(call.callId, result);
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<void>((resolve) => {
        waiting.set(call.callId, resolve);
        timer = setTimeout(resolve, CARD_TIMEOUT_MS);
      });
      result.sentAt = monotonicMs();
      sipCaller.invite({ callId: call.callId, fromUser: call.fromUser, displayName: '' });
      await arrived;
      clearTimeout(timer);
      waiting.delete(call.callId);
      const ended = await sipCaller.cancel(call.callId);
      result.final = ended.final;
      result.responses = ended.responses;
    };

    // Open loop: call k goes at start + k / rate, whatever happened to the calls before it.
    const interval = 1000 / order.rate;
    const open = new Set<Promise<void>>();
    let throttled = 0;
    let behindMs = 0;
    const start = monotonicMs() + 100;
    for (const [k, call] of order.calls.entries()) {
      const due = start + k * interval;
      const early = due - monotonicMs();
      if (early > 0) await sleep(early);
      else behindMs = Math.max(behindMs, -early);
      while (open.size >= MAX_OPEN_CALLS) {
        throttled += 1;
        await Promise.race(open);
      }
      const running: Promise<void> = one(call).finally(() => open.delete(running));
      open.add(running);
    }
    await Promise.all(open);
    client.close();
    client = null;
    send({
      type: 'done',
      results: order.calls.map((call) => results.get(call.callId) as CallResult),
      crmHits: crm.hits,
      registers: registrar.registers,
      strays: sipCaller.strays,
      throttled,
      behindMs,
    });
  };

  process.on('message', (message: ToWorld) => {
    if (message.type === 'stop') void stop();
    else if (message.type === 'run') {
      run(message).catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
    }
  });
  send({ type: 'ready', registrar: registrar.uri, crmPort: crm.port, clock: monotonicMs() });
}

// ---------------------------------------------------------------------------- the build

/** Writes the directory into <dataDir>/zuoxi.db and flushes it to disk. */
async function build(dataDir: string): Promise<void> {
  const started = Date.now();
  const file = path.join(dataDir, 'zuoxi.db');
  const store = await openStore(file, silentLogger);
  try {
    await buildDirectory(store, CONTACTS);
  } finally {
    await store.close();
  }
  const built = (Date.now() - started) / 1000;
  const usage = process.cpuUsage();
  // The directory was imported long before the calls in real life: its pages are on disk,
  // not half a gigabyte of dirty page cache the kernel writes back during the calls.
  const flushing = Date.now();
  const files = [file, `${file}-wal`].filter((name) => fs.existsSync(name));
  for (const name of files) {
    const fd = fs.openSync(name, 'r+');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  const size = files.reduce((sum, name) => sum + fs.statSync(name).size, 0);
  console.log(
    `built ${CONTACTS} contacts in ${built.toFixed(1)} s (${((usage.user + usage.system) / 1e6).toFixed(1)} s of CPU; ${(size / 1e6).toFixed(0)} MB), ` +
      `flushed to disk in ${((Date.now() - flushing) / 1000).toFixed(1)} s`,
  );
}

// ---------------------------------------------------------------------------- the app

/** The next message from the world that `accept` takes, or an error when it fails, exits or is too slow. */
function fromWorld<T extends FromWorld['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromWorld, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`the world process sent no "${type}" within ${timeoutMs} ms`))), timeoutMs);
    const onMessage = (message: FromWorld) => {
      if (message.type === 'failed') finish(() => reject(new Error(`the world process failed: ${message.message}`)));
      else if (message.type === type) finish(() => resolve(message as Extract<FromWorld, { type: T }>));
    };
    const onExit = (code: number | null) => finish(() => reject(new Error(`the world process exited (${code}) before "${type}"`)));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function stopWorld(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' } satisfies ToWorld);
  const term = setTimeout(() => child.kill('SIGTERM'), 3000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 6000);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
}

async function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** The calls: warm-up first, then the measured ones; each a random existing customer, one of their numbers, one of four formats. */
function planCalls(): PlannedCall[] {
  const plan = (indexes: number[], warmUp: boolean, tag: string): PlannedCall[] =>
    indexes.map((i, k) => {
      const numbers = numbersOf(i);
      const number = numbers[k % numbers.length] ?? numbers[0]!;
      const raw = formatted(number, k);
      return {
        callId: `${tag}-${k}-${Math.random().toString(36).slice(2, 10)}@bench`,
        raw,
        fromUser: sipUser(raw),
        expectName: contactOf(i).name,
        expectE164: number.e164,
        warmUp,
      };
    });
  return [...plan(sample(WARM_UP_CALLS, 0x1b873593, CONTACTS), true, 'warm'), ...plan(sample(CALLS, 0x2545f491, CONTACTS), false, 'pop')];
}

async function app(): Promise<void> {
  if (!OFFLINE_MODES.includes(CRM_MODE)) throw new Error(`BENCH_CRM must be one of ${OFFLINE_MODES.join(', ')}`);
  const root = process.cwd();
  const rendererDir = path.join(root, 'dist', 'renderer');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-bench-screenpop-'));
  let child: ChildProcess | null = null;
  let workstation: Workstation | null = null;
  let host: HeadlessHost | null = null;
  const cleanUp = async () => {
    await host?.stop().catch(() => undefined);
    host = null;
    // Before the world goes: the Workstation unregisters at its registrar there.
    await workstation?.close().catch(() => undefined);
    workstation = null;
    await stopWorld(child);
    child = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // Whatever way this process ends, the temp dir goes (on a crash the world and builder see their IPC close and exit).
  process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // Kill the world at once; the temp dir goes with it.
      child?.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  }

  try {
    console.log(
      `screen-pop bench: node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
        `${CALLS} calls (+${WARM_UP_CALLS} warm-up) at ${RATE}/s; CRM offline: ${CRM_MODE}`,
    );
    // Built in a child process that then exits: the app process starts as the real one does,
    // opening an existing directory, without the build's garbage in its heap.
    const builder = fork(__filename, [dataDir], { env: { ...process.env, ZUOXI_BENCH_ROLE: 'build' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = builder;
    const built = await new Promise<number | null>((resolve) => builder.once('exit', (code) => resolve(code)));
    child = null;
    if (built !== 0) throw new Error(`building the directory failed (exit ${built})`);

    const worldProcess = fork(__filename, [], { env: { ...process.env, ZUOXI_BENCH_ROLE: 'world' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = worldProcess;
    const ready = await fromWorld(worldProcess, 'ready', 15_000);
    const clockSkew = monotonicMs() - ready.clock;

    workstation = await Workstation.open({
      dataDir,
      host: 'headless',
      version: 'bench',
      secrets: new MemorySecretProvider({ 'sip.password': AGENT.password }),
      settings: {
        sipAccount: SipAccountSchema.parse({ registrar: ready.registrar, domain: AGENT.domain, user: AGENT.user }),
        sipEdge: { mode: 'embedded', host: '127.0.0.1', udpPort: 0, tcpPort: 0 },
        crmConnectors: CrmConnectorsSchema.parse([{ kind: 'rest', name: 'crm', urlTemplate: `http://127.0.0.1:${ready.crmPort}/api/customers?phone={e164}` }]),
      },
    });
    const ws = workstation;
    await waitFor(() => ws.appInfo().status.connection === 'online', 'the line to register', 15_000);
    // The agent takes calls once ready (automatic after registering, unless a policy says otherwise).
    const agentReady = await waitFor(() => ws.appInfo().status.agentState === 'ready', 'the agent to be ready', 5_000).then(
      () => 'ready',
      () => `${ws.appInfo().status.agentState} (calls may be refused)`,
    );
    const edgePort = ws.calls.edgeAddresses?.sip.udp;
    if (!edgePort) throw new Error('the embedded edge has no UDP port');
    const settings = ws.settings.current;
    console.log(
      `workstation: registered at ${ready.registrar} as ${AGENT.user}@${AGENT.domain}, agent ${agentReady}; edge SIP udp 127.0.0.1:${edgePort}; ` +
        `crm connector rest → 127.0.0.1:${ready.crmPort} (${CRM_MODE}), timeoutMs ${settings.crmConnectors[0]?.timeoutMs}, ` +
        `lookupDeadlineMs ${settings.lookupDeadlineMs}, cacheTtlSeconds ${settings.cacheTtlSeconds}; clock check: world→app ${clockSkew.toFixed(3)} ms`,
    );

    // In-process instruments: when the hub publishes each call's card, and when the pop's lookup ran.
    const hubAt = new Map<string, number>();
    const gate = new PushGate((push, payload) => {
      if (push !== 'calls.changed') return;
      const call = payload as CallSummary;
      if (call.state === 'ringing' && call.card !== null && !hubAt.has(call.id)) hubAt.set(call.id, monotonicMs());
    });
    gate.markReady();
    ws.hub.attach(gate);
    const popLookups = new Map<string, Array<{ start: number; end: number }>>();
    const directory = ws.directory;
    const lookupNumber = directory.lookupNumber.bind(directory);
    directory.lookupNumber = async (raw, onUpdate) => {
      const start = monotonicMs();
      try {
        return await lookupNumber(raw, onUpdate);
      } finally {
        const runs = popLookups.get(raw) ?? [];
        runs.push({ start, end: monotonicMs() });
        popLookups.set(raw, runs);
      }
    };

    // The CRM requests the pops make (RestConnector uses the global fetch): when each went out and failed.
    const realFetch = globalThis.fetch;
    const crmRequests = new Map<string, Array<{ start: number; end: number }>>();
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const start = monotonicMs();
      try {
        return await realFetch(input, init);
      } finally {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const key = new URL(url).searchParams.get('phone') ?? url;
        const runs = crmRequests.get(key) ?? [];
        runs.push({ start, end: monotonicMs() });
        crmRequests.set(key, runs);
      }
    }) as typeof fetch;
    const gcPauses: number[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcPauses.push(entry.duration);
    });

    host = new HeadlessHost(ws, { rendererDir });
    await host.start();

    const calls = planCalls();
    console.log(`calls from e.g. ${calls.filter((c) => !c.warmUp).slice(0, 4).map((c) => JSON.stringify(`sip:${c.fromUser}@…`)).join(', ')}, …`);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    delay.enable();
    gcObserver.observe({ entryTypes: ['gc'] });
    worldProcess.send({ type: 'run', origin: host.origin, secret: host.secret, edgePort, calls, rate: RATE } satisfies ToWorld);
    const done = await fromWorld(worldProcess, 'done', ((CALLS + WARM_UP_CALLS) / RATE) * 1000 + CARD_TIMEOUT_MS + 60_000);
    delay.disable();
    gcObserver.disconnect();
    globalThis.fetch = realFetch;
    const elapsed = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    await waitFor(() => ws.calls.list().length === 0, 'every call to end', 10_000);
    console.log(
      `placed ${calls.length} calls in ${elapsed.toFixed(1)} s; app process: cpu ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)}% of a core, ` +
        `event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} max ${(delay.max / 1e6).toFixed(1)} ms; ` +
        `gc: ${gcPauses.length} pauses, ${gcPauses.filter((ms) => ms > 10).length} over 10 ms, max ${Math.max(0, ...gcPauses).toFixed(1)} ms; ` +
        `caller: ${done.throttled} waits at ${MAX_OPEN_CALLS} open calls, at most ${done.behindMs.toFixed(1)} ms behind schedule; ` +
        `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    );

    // Per call: the figures, and the checks.
    const pop: number[] = [];
    const hub: number[] = [];
    const toLookup: number[] = [];
    const inPopLookup: number[] = [];
    const lookupToHub: number[] = [];
    const hubToClient: number[] = [];
    const crmRequest: number[] = [];
    let heldByCrm = 0;
    const rows: Array<{ at: number; pop: number; toLookup: number; lookup: number; crm: number; toHub: number; toClient: number }> = [];
    const firstSent = done.results[0]?.sentAt ?? 0;
    const problems = { noCard: 0, wrongCard: 0, cardlessFirstPush: 0, crmNotFailed: 0, not487: 0 };
    const crmStates = new Map<string, number>();
    const finals = new Map<string, number>();
    for (const [k, call] of calls.entries()) {
      const result = done.results[k];
      if (!result) throw new Error(`no result for call ${call.callId}`);
      const lookup = popLookups.get(call.raw)?.shift();
      const crm = crmRequests.get(call.expectE164)?.shift();
      if (call.warmUp) continue;
      if (result.final !== 487) problems.not487 += 1;
      finals.set(String(result.final ?? 'none'), (finals.get(String(result.final ?? 'none')) ?? 0) + 1);
      if (result.cardAt === null) {
        problems.noCard += 1;
        continue;
      }
      if (result.cardName !== call.expectName || result.e164 !== call.expectE164) problems.wrongCard += 1;
      if (result.ringingAt !== null && result.ringingAt < result.cardAt) problems.cardlessFirstPush += 1;
      const state = `${result.crmStatus ?? 'absent'}${result.crmError ? `/${result.crmError}` : ''}`;
      crmStates.set(state, (crmStates.get(state) ?? 0) + 1);
      if (result.crmStatus !== 'failed' && !(CRM_MODE === 'silent' && result.crmStatus === 'pending')) problems.crmNotFailed += 1;
      pop.push(result.cardAt - result.sentAt);
      const published = hubAt.get(call.callId);
      if (published !== undefined) {
        hub.push(published - result.sentAt);
        hubToClient.push(result.cardAt - published);
        if (lookup) {
          toLookup.push(lookup.start - result.sentAt);
          inPopLookup.push(lookup.end - lookup.start);
          lookupToHub.push(published - lookup.end);
        }
        if (crm) crmRequest.push(crm.end - crm.start);
        // The lookup ended right after the CRM's failure came back: it was waiting for it.
        if (lookup && crm && crm.end <= lookup.end && lookup.end - crm.end < 1) heldByCrm += 1;
        rows.push({
          at: (result.sentAt - firstSent) / 1000,
          pop: result.cardAt - result.sentAt,
          toLookup: lookup ? lookup.start - result.sentAt : Number.NaN,
          lookup: lookup ? lookup.end - lookup.start : Number.NaN,
          crm: crm ? crm.end - crm.start : Number.NaN,
          toHub: lookup ? published - lookup.end : Number.NaN,
          toClient: result.cardAt - published,
        });
      }
    }
    const popStats = summarize(pop);
    console.log(formatSummary('pop: INVITE → card at socket client', popStats));
    console.log(formatSummary('hub: INVITE → card pushed on hub', summarize(hub)));
    console.log('  where the time goes:');
    console.log(formatSummary('    INVITE → lookup starts', summarize(toLookup)));
    console.log(formatSummary('    lookup (as run in the pop)', summarize(inPopLookup)));
    console.log(formatSummary('    lookup done → hub push', summarize(lookupToHub)));
    console.log(formatSummary('    hub push → socket client', summarize(hubToClient)));
    console.log(formatSummary('    (CRM request in the pop → failed)', summarize(crmRequest)));
    console.log(`    ${heldByCrm} of ${rows.length} pops' lookups ended < 1 ms after the CRM's failure came back (held by the down CRM)`);
    const f1 = (value: number) => (Number.isNaN(value) ? '   -' : value.toFixed(1).padStart(6));
    console.log('  slowest pops (ms): at_s    pop  →lookup lookup    crm  →hub  →client');
    for (const row of [...rows].sort((a, b) => b.pop - a.pop).slice(0, 10)) {
      console.log(`                   ${row.at.toFixed(1).padStart(5)} ${f1(row.pop)} ${f1(row.toLookup)} ${f1(row.lookup)} ${f1(row.crm)} ${f1(row.toHub)} ${f1(row.toClient)}`);
    }
    console.log(
      `checks: ${pop.length}/${CALLS} cards arrived, ${problems.wrongCard} wrong, ${problems.noCard} missing (> ${CARD_TIMEOUT_MS} ms), ` +
        `${problems.cardlessFirstPush} first pushed without a card, ${problems.not487} not ended by 487 ` +
        `(final answers: ${[...finals].map(([status, n]) => `${status}×${n}`).join(', ')}); ` +
        `crm source on the card: ${[...crmStates].map(([state, n]) => `${state}×${n}`).join(', ')}; ` +
        `the CRM was asked ${done.crmHits} times (${CRM_MODE === 'closed' ? 'refused connects, not counted' : CRM_MODE === 'silent' ? 'connections' : 'requests'}); ` +
        `registrar saw ${done.registers} REGISTER; ${done.strays} stray datagrams`,
    );

    // The lookup alone, for the same numbers: the Workstation's directory (connectors and all), and one without connectors.
    directory.lookupNumber = lookupNumber;
    const localOnly = new DirectoryService(ws.db, { defaultRegion: 'CN' }, silentLogger, () => new Date());
    const alone: number[] = [];
    const bare: number[] = [];
    let lookupMisses = 0;
    const measured = calls.filter((call) => !call.warmUp);
    for (const [k, call] of measured.entries()) {
      const timeOne = async (service: DirectoryService, into: number[]) => {
        const t0 = monotonicMs();
        const found = await service.lookupNumber(call.raw);
        into.push(monotonicMs() - t0);
        if (found.card?.contact.name !== call.expectName) lookupMisses += 1;
      };
      if (k % 2 === 0) {
        await timeOne(directory, alone);
        await timeOne(localOnly, bare);
      } else {
        await timeOne(localOnly, bare);
        await timeOne(directory, alone);
      }
    }
    const aloneStats = summarize(alone);
    console.log(formatSummary('lookup alone (with the crm connector)', aloneStats));
    console.log(formatSummary('lookup alone (no connectors)', summarize(bare)));
    if (lookupMisses > 0) console.log(`WARNING: ${lookupMisses} lookups did not find their contact`);

    const logDir = path.join(dataDir, 'logs');
    const logText = fs.existsSync(logDir) ? fs.readdirSync(logDir).map((name) => fs.readFileSync(path.join(logDir, name), 'utf8')).join('') : '';
    const count = (event: string) => logText.split('\n').filter((line) => line.includes(`"${event}"`)).length;
    console.log(`log: directory.connector_down ×${count('directory.connector_down')}, calls.ringing ×${count('calls.ringing')}, calls.lookup_failed ×${count('calls.lookup_failed')}`);

    if (problems.noCard + problems.wrongCard > 0) console.log('WARNING: not every call popped the right card');
    console.log(
      popStats.p99 < GOAL_P99_MS ? `goal met: p99 ${popStats.p99.toFixed(3)} ms < ${GOAL_P99_MS} ms` : `GOAL MISSED: p99 ${popStats.p99.toFixed(3)} ms ≥ ${GOAL_P99_MS} ms`,
    );
    console.log(
      `screenpop p50_ms=${popStats.p50.toFixed(3)} p99_ms=${popStats.p99.toFixed(3)} lookup_p99_ms=${aloneStats.p99.toFixed(3)} contacts=${CONTACTS}`,
    );
  } finally {
    await cleanUp();
  }
}

if (process.env.ZUOXI_BENCH_ROLE === 'build') {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('the build role needs the data directory');
  // The app went away: stop building.
  process.on('disconnect', () => process.exit(1));
  build(dataDir).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
} else if (process.env.ZUOXI_BENCH_ROLE === 'world') {
  world().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies FromWorld);
    process.exit(1);
  });
} else {
  app().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
