import net from 'node:net';
import { silentLogger } from '../../../main/core/log/logger';
import { SipEdge } from '../../../main/core/edge/sip-edge';
import { harness, SDP, sleep } from './srf-harness';
import { UdpPeer } from './peers';
import { selfSignedCertificate } from './tls-cert';

/** Sockets and servers alive in this process, by kind. */
function networkHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /UDP|TCP|TLS|Pipe/.test(r));
}

/** No kind of handle is more numerous than in `baseline` (other files' sockets may still be closing). */
function noneBeyond(baseline: string[]): void {
  const count = (list: string[]) => list.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});
  const before = count(baseline);
  for (const [kind, n] of Object.entries(count(networkHandles()))) expect([kind, n]).toEqual([kind, Math.min(n, before[kind] ?? 0)]);
}

describe('SipEdge', () => {
  it('needs at least one SIP transport', () => {
    expect(() => new SipEdge({ sip: { host: '127.0.0.1' }, drachtio: {} }, silentLogger)).toThrow('UDP, TCP or TLS');
  });

  it('refuses a secret that would break the wire protocol', () => {
    expect(() => new SipEdge({ sip: { host: '127.0.0.1', udpPort: 0 }, drachtio: { secret: 'a|b' } }, silentLogger)).toThrow('secret');
  });

  it('releases every socket, server and timer on stop, even mid-call', async () => {
    await sleep(50);
    const baseline = networkHandles();
    const certificate = selfSignedCertificate();
    const h = await harness(
      (srf) => srf.invite((req, res) => void srf.createUAS(req, res, { localSdp: SDP }).catch(() => {})),
      ['invite'],
      { sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, tls: { port: 0, key: certificate.key, cert: certificate.cert } } },
    );
    const peer = await UdpPeer.open();
    peer.send(
      `INVITE sip:agent@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-mid;rport\nMax-Forwards: 70\n` +
        `From: <sip:c@127.0.0.1>;tag=1\nTo: <sip:agent@127.0.0.1>\nCall-ID: mid-call@test\nCSeq: 1 INVITE\n` +
        `Contact: <sip:c@127.0.0.1:${peer.port}>\nContent-Length: 0\n\n`,
      h.addresses.sip.udp!,
    );
    await peer.response(200, 'INVITE');
    await peer.close();
    // Unacknowledged 2xx: retransmission and ACK-timeout timers are running now.
    expect(h.edge.activeTimers).toBeGreaterThan(0);
    expect(h.edge.status()).toMatchObject({ apps: 1, dialogs: 1 });
    await h.stop();
    expect(h.edge.activeTimers).toBe(0);
    expect(h.edge.status()).toMatchObject({ apps: 0, dialogs: 0, transactions: { client: 0, server: 0 }, tcpConnections: 0 });
    await sleep(50);
    noneBeyond(baseline);
  });

  it('gives its ports back when it cannot start, and can start again later', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    await sleep(20);
    const baseline = networkHandles();
    const edge = new SipEdge({ sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0 }, drachtio: { port: taken } }, silentLogger);
    await expect(edge.start()).rejects.toThrow(/EADDRINUSE/);
    await sleep(50);
    noneBeyond(baseline);
    await new Promise((resolve) => blocker.close(resolve));

    const again = await edge.start();
    const peer = await UdpPeer.open();
    try {
      peer.send(
        `OPTIONS sip:agent@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-again;rport\nMax-Forwards: 70\n` +
          `From: <sip:c@127.0.0.1>;tag=1\nTo: <sip:agent@127.0.0.1>\nCall-ID: again@test\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n`,
        again.sip.udp!,
      );
      await peer.response(503, 'OPTIONS');
    } finally {
      await peer.close();
      await edge.stop();
    }
  });
});
