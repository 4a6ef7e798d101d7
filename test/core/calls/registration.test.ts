/**
 * Scenario 1: the agent's extension registers at a real kamailio with digest auth; a
 * wrong password says auth_failed with the registrar's 403; a registrar that restarts
 * (forgetting every binding) is registered with again without anyone asking.
 */
import { Lab } from './lab';

jest.setTimeout(60_000);

describe('registration against kamailio', () => {
  let lab: Lab;
  afterEach(async () => {
    await lab?.stop();
  });

  it('registers the extension with digest auth and says online', async () => {
    lab = await Lab.start();
    await lab.waitForRegistered();
    expect(lab.status()).toMatchObject({ connection: 'online', connectionReason: null, connectionDetail: null, agentState: 'ready' });
    expect(lab.statuses().at(-1)).toMatchObject({ connection: 'online', connectionReason: null });
    expect(lab.logText).toContain('"event":"sip.registered"');
    // kamailio challenged (401) and then accepted the credentials.
    expect(lab.kamailio.registersFrom('8001')).toBeGreaterThanOrEqual(2);
  });

  it('registers over TCP when the account says so', async () => {
    lab = await Lab.start({ account: { transport: 'tcp' } });
    await lab.waitForRegistered();
    expect(lab.kamailio.log).toMatch(/request REGISTER sip:zuoxi\.test from sip:8001@zuoxi\.test \(tcp:127\.0\.0\.1:\d+\)/);
    expect(lab.kamailio.log).not.toMatch(/request REGISTER .* \(udp:/);
    expect(lab.logText).toContain('"event":"sip.registered"');
  });

  it('a wrong password shows auth_failed with the 403, and retries with backoff', async () => {
    lab = await Lab.start({ password: 'not-the-password' });
    const failing = await waitForReason(lab, 'auth_failed');
    expect(failing).toMatchObject({ connection: 'offline', connectionReason: 'auth_failed', connectionDetail: '403 Forbidden' });
    const before = lab.kamailio.registersFrom('8001');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(lab.kamailio.registersFrom('8001')).toBeGreaterThan(before);
    // The password is fixed in the keychain: the next retry reads it and succeeds.
    await lab.secrets.set('sip.password', 'agent-Pa55word!');
    await lab.waitForRegistered(10_000);
  });

  it('no password saved: says no_password, never sends a REGISTER without one', async () => {
    lab = await Lab.start({ password: null });
    expect(await waitForReason(lab, 'no_password')).toMatchObject({ connection: 'offline', connectionDetail: expect.stringContaining('sip.password') });
    expect(lab.kamailio.registersFrom('8001')).toBe(0);
    // The agent types it in: it goes to the secret store, never to the log, and the line comes up.
    await lab.invoke('calls.setPassword', { password: 'agent-Pa55word!' });
    await lab.waitForRegistered();
    expect(await lab.secrets.get('sip.password')).toBe('agent-Pa55word!');
    expect(lab.logText).toContain('"event":"calls.password_saved"');
    expect(lab.logText).not.toContain('agent-Pa55word!');
  });

  it('re-registers by itself after kamailio restarts', async () => {
    lab = await Lab.start({ account: { registerExpires: 5 } });
    await lab.waitForRegistered();
    await lab.kamailio.stop();
    // The refresh (at 80 % of 5 s) goes unanswered: after the SIP timeout the line says so.
    const down = await waitForReason(lab, 'unreachable', 20_000);
    expect(down.connectionDetail).toMatch(/^408/);
    await lab.kamailio.restart();
    await lab.waitForRegistered(15_000);
    expect(lab.status().connectionReason).toBeNull();
  });

  it('not configured: offline with not_configured, and no SIP stack started', async () => {
    lab = await Lab.start({ noWorkstation: true });
    await lab.open({ settings: { sipAccount: null } });
    expect(lab.status()).toMatchObject({ connection: 'offline', connectionReason: 'not_configured' });
    expect(lab.workstation.calls.edgeAddresses).toBeNull();
  });
});

async function waitForReason(lab: Lab, reason: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lab.statuses().find((s) => s.connectionReason === reason);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no status with ${reason}; saw ${JSON.stringify(lab.statuses())}\n${lab.logText.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
