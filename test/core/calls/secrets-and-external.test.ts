/**
 * Scenario 6: the SIP password never reaches a log, a file or a push — the whole of a
 * call's life is logged at debug level into memory and grepped. Scenario 7: the same
 * call code connects to a drachtio server found by host, port and a secret (a SipEdge
 * started apart, standing in for a center's drachtio-server), registers and bridges a
 * call through it; a wrong or missing secret is said so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SipEdge, type SipEdgeAddresses } from '../../../main/core/edge/sip-edge';
import { MemorySink, StructuredLogger } from '../../../main/core/log/logger';
import { hears, type Baresip } from '../../peers';
import { AGENT, DOMAIN, FAST_TIMERS, Lab } from './lab';

jest.setTimeout(90_000);

const CUSTOMER = { user: '13800138000', password: 'customer-pw' };

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

async function callAndAnswer(lab: Lab, customer: Baresip, desk: Baresip): Promise<string> {
  const before = lab.callPushes().length;
  await customer.dial(`sip:${AGENT.user}@${DOMAIN}`);
  const ringing = await lab.waitForCall((c) => lab.callPushes().indexOf(c) >= before && c.state === 'ringing', 'ringing');
  await lab.invoke('calls.answer', { callId: ringing.id });
  await customer.waitForEvent('CALL_ESTABLISHED');
  await desk.waitForEvent('CALL_ESTABLISHED');
  return ringing.id;
}

describe('the SIP password stays secret', () => {
  let lab: Lab;
  afterAll(async () => {
    await lab?.stop();
  });

  it('is in no log line, file or push after registration, a call with hold, DTMF and hang-up, and a click-to-dial', async () => {
    lab = await Lab.start({ noWorkstation: true, users: { [CUSTOMER.user]: CUSTOMER.password } });
    const desk = await lab.phone({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: 1000 });
    const customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: false, toneHz: 440 });
    await lab.open({ settings: { deskPhoneUri: desk.uri } });
    await lab.waitForRegistered();
    const callId = await callAndAnswer(lab, customer, desk);
    await lab.invoke('calls.hold', { callId, hold: true });
    await lab.invoke('calls.hold', { callId, hold: false });
    await lab.invoke('calls.dtmf', { callId, digits: '5' });
    await customer.hangup();
    await lab.waitForCall((c) => c.id === callId && c.state === 'ended', 'ended');
    lab.forgetPhoneEvents();
    await customer.command('answermode', 'auto');
    const dialing = await lab.invoke('calls.dial', { number: CUSTOMER.user });
    await lab.waitForCall((c) => c.id === dialing.id && c.state === 'active', 'click-to-dial');
    await lab.invoke('calls.hangup', { callId: dialing.id });
    await lab.workstation.close();

    const log = lab.logText;
    // The log is really there, at debug level, and really covers the scenario…
    expect(log).toContain('"level":"debug"');
    for (const event of ['sip.registered', 'calls.ringing', 'calls.answered', 'calls.held', 'calls.dtmf', 'calls.ended', 'calls.connected']) {
      expect(log).toContain(`"event":"${event}"`);
    }
    // …and the password is nowhere in it, nor in any file of the data dir, nor in a push.
    expect(log).not.toContain(AGENT.password);
    for (const file of filesUnder(lab.dataDir)) expect(fs.readFileSync(file).includes(AGENT.password)).toBe(false);
    expect(JSON.stringify(lab.pushes)).not.toContain(AGENT.password);
  });
});

describe('an external drachtio server (configured by host, port and secret)', () => {
  let lab: Lab;
  let server: SipEdge;
  let addresses: SipEdgeAddresses;
  const serverSink = new MemorySink();

  beforeAll(async () => {
    lab = await Lab.start({ noWorkstation: true, users: { [CUSTOMER.user]: CUSTOMER.password } });
    server = new SipEdge(
      { sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0 }, drachtio: { secret: 'center-drachtio-secret' }, timers: FAST_TIMERS },
      new StructuredLogger(serverSink, 'debug'),
    );
    addresses = await server.start();
  });

  afterAll(async () => {
    await lab?.stop();
    await server?.stop();
  });

  afterEach(async () => {
    await lab.workstation?.close();
  });

  const external = (secretName = 'drachtio.secret') => ({ sipEdge: { mode: 'external' as const, host: '127.0.0.1', port: addresses.drachtio.port, secretName } });

  it('registers and bridges a call through it, with no embedded edge of its own', async () => {
    const desk = await lab.phone({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: 1000 });
    const customer = await lab.phone({ name: 'customer', user: CUSTOMER.user, password: CUSTOMER.password, register: true, autoAnswer: false, toneHz: 440 });
    await lab.open({ settings: { ...external(), deskPhoneUri: desk.uri }, secrets: { 'drachtio.secret': 'center-drachtio-secret' } });
    await lab.waitForRegistered();
    expect(lab.workstation.calls.edgeAddresses).toBeNull();
    expect(server.status().apps).toBe(1);
    const callId = await callAndAnswer(lab, customer, desk);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hears(desk.latestRecording()!, 440, 1).level).toBeGreaterThan(1000);
    await lab.invoke('calls.hangup', { callId });
    await customer.waitForEvent('CALL_CLOSED');
    // The external server's secret is no more logged than the password.
    expect(lab.logText).not.toContain('center-drachtio-secret');
  });

  it('a wrong secret: unreachable, with the server’s refusal', async () => {
    await lab.open({ settings: external(), secrets: { 'drachtio.secret': 'wrong' } });
    await waitForReason(lab, 'unreachable');
    expect(lab.status()).toMatchObject({ connection: 'offline', connectionReason: 'unreachable', connectionDetail: expect.stringMatching(/authenticate/) });
  });

  it('no secret saved: no_password, naming the secret', async () => {
    await lab.open({ settings: external('center.drachtio') });
    await waitForReason(lab, 'no_password');
    expect(lab.status().connectionDetail).toContain('center.drachtio');
  });
});

async function waitForReason(lab: Lab, reason: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (lab.status().connectionReason !== reason) {
    if (Date.now() > deadline) throw new Error(`status never said ${reason}: ${JSON.stringify(lab.status())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
