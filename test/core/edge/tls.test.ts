/** SIP over TLS: the transport alone, then drachtio-srf as UAS and UAC through it. */
import net from 'node:net';
import tls from 'node:tls';
import { parseVia, tagOf } from '../../../main/core/edge/sip/grammar';
import { serialize, type SipMessage } from '../../../main/core/edge/sip/message';
import { TransportLayer, type MessageOrigin } from '../../../main/core/edge/transport/transport-layer';
import { silentLogger } from '../../../main/core/log/logger';
import { makeRequest } from './helpers';
import { TcpPeer } from './peers';
import { answer, harness, PEER_SDP, SDP, until, type Harness } from './srf-harness';
import { selfSignedCertificate, type TestCertificate } from './tls-cert';

let certificate: TestCertificate;
beforeAll(() => {
  certificate = selfSignedCertificate();
});

/** A TLS server standing in for a SIP peer; every accepted connection becomes a TcpPeer. */
async function tlsPeerServer(): Promise<{ port: number; peers: TcpPeer[]; close(): Promise<void> }> {
  const peers: TcpPeer[] = [];
  const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (socket) => peers.push(TcpPeer.adopt(socket)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    peers,
    async close() {
      await Promise.all(peers.map((p) => p.close()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('TransportLayer over TLS', () => {
  it('accepts TLS clients, answers on their connection, and dials TLS peers it trusts', async () => {
    const messages: Array<{ message: SipMessage; origin: MessageOrigin }> = [];
    const transport = new TransportLayer(
      { host: '127.0.0.1', tls: { port: 0, key: certificate.key, cert: certificate.cert, ca: certificate.cert } },
      silentLogger,
      { onMessage: (message, origin) => messages.push({ message, origin }), onInvalid: () => {} },
    );
    const { tls: port } = await transport.start();
    const server = await tlsPeerServer();
    const client = await TcpPeer.connectTls(port!, certificate.cert);
    try {
      expect(transport.hostports()).toBe(`tls/127.0.0.1:${port}`);
      client.send(serialize(makeRequest({ method: 'OPTIONS', via: `SIP/2.0/TLS 127.0.0.1:${client.port};branch=z9hG4bKtls1` })));
      await until(() => messages.length === 1, 'the OPTIONS over TLS');
      expect(messages[0]!.origin.protocol).toBe('tls');
      await transport.send(serialize(makeRequest({ method: 'MESSAGE', callId: 'back' })), {
        protocol: 'tls', address: '127.0.0.1', port: 1, connectionId: messages[0]!.origin.connectionId!,
      });
      expect((await client.request('MESSAGE')).headers.get('call-id')).toBe('back');

      const first = await transport.send(serialize(makeRequest({ method: 'OPTIONS', callId: 'out-1' })), { protocol: 'tls', address: '127.0.0.1', port: server.port });
      const second = await transport.send(serialize(makeRequest({ method: 'OPTIONS', callId: 'out-2' })), { protocol: 'tls', address: '127.0.0.1', port: server.port });
      expect(second.connectionId).toBe(first.connectionId);
      await until(() => server.peers.length === 1 && server.peers[0]!.received.length === 2, 'two OPTIONS on one TLS connection');
    } finally {
      await client.close();
      await server.close();
      await transport.stop();
    }
  });

  it('refuses to dial a peer whose certificate it does not trust', async () => {
    const transport = new TransportLayer(
      { host: '127.0.0.1', tls: { port: 0, key: certificate.key, cert: certificate.cert } },
      silentLogger,
      { onMessage: () => {}, onInvalid: () => {} },
    );
    await transport.start();
    const server = await tlsPeerServer();
    try {
      await expect(
        transport.send(serialize(makeRequest({ method: 'OPTIONS' })), { protocol: 'tls', address: '127.0.0.1', port: server.port }),
      ).rejects.toThrow('cannot connect');
    } finally {
      await server.close();
      await transport.stop();
    }
  });
});

describe('drachtio-srf over a TLS edge', () => {
  let h: Harness;
  const events: string[] = [];

  beforeAll(async () => {
    h = await harness(
      (srf) => {
        srf.invite((req, res) => {
          void srf
            .createUAS(req, res, { localSdp: SDP })
            .then((dialog) => dialog.on('destroy', () => events.push('destroy')))
            .catch(() => {});
        });
      },
      ['invite'],
      { sip: { host: '127.0.0.1', udpPort: 0, tls: { port: 0, key: certificate.key, cert: certificate.cert, ca: certificate.cert } } },
    );
  });

  afterAll(async () => {
    await h.stop();
    expect(h.edge.activeTimers).toBe(0);
  });

  it('answers a call that comes in over TLS', async () => {
    const peer = await TcpPeer.connectTls(h.addresses.sip.tls!, certificate.cert);
    try {
      const text = (method: string, cseq: number, branch: string, to: string, extra = '', body = '') =>
        `${method} sip:agent@127.0.0.1:${h.addresses.sip.tls};transport=tls SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:${peer.port};branch=${branch};rport\n` +
        `Max-Forwards: 70\nFrom: <sip:customer@127.0.0.1>;tag=tls-a\nTo: ${to}\nCall-ID: tls-in@test\nCSeq: ${cseq} ${method}\n` +
        `Contact: <sip:customer@127.0.0.1:${peer.port};transport=tls>\n${extra}Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
      peer.send(text('INVITE', 1, 'z9hG4bK-tls-1', '<sip:agent@127.0.0.1>', 'Content-Type: application/sdp\n', PEER_SDP));
      const ok = await peer.response(200, 'INVITE');
      expect(ok.headers.get('contact')).toBe(`<sip:127.0.0.1:${h.addresses.sip.tls};transport=tls>`);
      peer.send(text('ACK', 1, 'z9hG4bK-tls-2', ok.headers.get('to')!));
      peer.send(text('BYE', 2, 'z9hG4bK-tls-3', ok.headers.get('to')!));
      await peer.response(200, 'BYE');
      await until(() => events.includes('destroy'), 'srf to see the BYE');
    } finally {
      await peer.close();
    }
  });

  it('places a call to a TLS peer and keeps the dialog on that connection', async () => {
    const server = await tlsPeerServer();
    try {
      const dialogPromise = h.srf.createUAC(`sip:callee@127.0.0.1:${server.port};transport=tls`, { localSdp: SDP });
      await until(() => server.peers.length === 1, 'the TLS connection');
      const peer = server.peers[0]!;
      const invite = await peer.request('INVITE');
      const via = parseVia(invite.headers.values('via')[0]!);
      expect([via?.transport, via?.port]).toEqual(['TLS', h.addresses.sip.tls]);
      expect(invite.headers.get('contact')).toBe(`<sip:127.0.0.1:${h.addresses.sip.tls};transport=tls>`);
      peer.send(answer(invite, 200, { toTag: 'tls-b', contact: `<sip:callee@127.0.0.1:${server.port};transport=tls>`, body: PEER_SDP }));
      const dialog = await dialogPromise;
      await peer.request('ACK');
      const destroyed = dialog.destroy();
      const bye = await peer.request('BYE');
      expect(tagOf(bye.headers.get('to'))).toBe('tls-b');
      peer.send(answer(bye, 200));
      await destroyed;
      expect(server.peers).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
