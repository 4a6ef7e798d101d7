import dgram from 'node:dgram';
import net from 'node:net';
import { silentLogger } from '../../../main/core/log/logger';
import { serialize, type SipMessage } from '../../../main/core/edge/sip/message';
import type { SipParseError } from '../../../main/core/edge/sip/parser';
import { requestTarget, responseTarget, RoutingError } from '../../../main/core/edge/transport/routing';
import { TransportLayer, type MessageOrigin } from '../../../main/core/edge/transport/transport-layer';
import { makeRequest } from './helpers';

function collector() {
  const messages: Array<{ message: SipMessage; origin: MessageOrigin }> = [];
  const invalid: Array<{ error: SipParseError; origin: MessageOrigin }> = [];
  let wake: () => void = () => {};
  const handlers = {
    onMessage: (message: SipMessage, origin: MessageOrigin) => {
      messages.push({ message, origin });
      wake();
    },
    onInvalid: (error: SipParseError, origin: MessageOrigin) => {
      invalid.push({ error, origin });
      wake();
    },
  };
  const until = async (predicate: () => boolean) => {
    const deadline = Date.now() + 3000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 20);
      });
    }
  };
  return { messages, invalid, handlers, until };
}

const bytes = (callId: string) => serialize(makeRequest({ method: 'OPTIONS', callId, branch: `z9hG4bK${callId}` }));

describe('TransportLayer over UDP', () => {
  it('receives datagrams, reports bad ones, and sends back', async () => {
    const { messages, invalid, handlers, until } = collector();
    const transport = new TransportLayer({ host: '127.0.0.1', udpPort: 0 }, silentLogger, handlers);
    const { udp } = await transport.start();
    const peer = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const received: string[] = [];
    peer.on('message', (data) => received.push(data.toString()));
    try {
      peer.send(bytes('u1'), udp!, '127.0.0.1');
      peer.send(Buffer.from('\r\n\r\n'), udp!, '127.0.0.1');
      peer.send(Buffer.from('INVITE  sip:x@y  SIP/2.0\r\n\r\n'), udp!, '127.0.0.1');
      await until(() => messages.length === 1 && invalid.length === 1);
      expect(messages[0]!.message.headers.get('call-id')).toBe('u1');
      expect(messages[0]!.origin).toMatchObject({ protocol: 'udp', address: '127.0.0.1', port: peer.address().port, localPort: udp });
      expect(invalid[0]!.error.code).toBe('bad-start-line');

      const sent = await transport.send(Buffer.from('hello'), { protocol: 'udp', address: '127.0.0.1', port: peer.address().port });
      expect(sent).toMatchObject({ protocol: 'udp', localAddress: '127.0.0.1', localPort: udp });
      await until(() => received.length === 1);
      expect(received).toEqual(['hello']);
      expect(transport.hostports()).toBe(`udp/127.0.0.1:${udp}`);
    } finally {
      peer.close();
      await transport.stop();
    }
  });
});

describe('TransportLayer over TCP', () => {
  it('frames a stream, answers on the same connection, and closes everything on stop', async () => {
    const { messages, handlers, until } = collector();
    const transport = new TransportLayer({ host: '127.0.0.1', tcpPort: 0, publicAddress: '198.51.100.7' }, silentLogger, handlers);
    const { tcp } = await transport.start();
    const client = net.connect(tcp!, '127.0.0.1');
    const received: Buffer[] = [];
    client.on('data', (chunk) => received.push(chunk));
    const closed = new Promise((resolve) => client.on('close', resolve));
    await new Promise((resolve) => client.once('connect', resolve));

    const two = Buffer.concat([bytes('t1'), bytes('t2'), bytes('t3')]);
    client.write(two.subarray(0, 100));
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.write(two.subarray(100));
    client.write('\r\n\r\n');
    await until(() => messages.length === 3 && received.length > 0);
    expect(messages.map((m) => m.message.headers.get('call-id'))).toEqual(['t1', 't2', 't3']);
    expect(Buffer.concat(received).toString()).toBe('\r\n');
    const origin = messages[0]!.origin;
    expect(origin.localAddress).toBe('198.51.100.7');

    await transport.send(Buffer.from('reply'), { protocol: 'tcp', address: '127.0.0.1', port: 1, connectionId: origin.connectionId! });
    await until(() => Buffer.concat(received).toString().endsWith('reply'));
    expect(transport.openConnections).toBe(1);

    await transport.stop();
    await closed;
    expect(transport.openConnections).toBe(0);
  });

  it('reuses one outbound connection per peer and reconnects after it closes', async () => {
    const { handlers } = collector();
    const transport = new TransportLayer({ host: '127.0.0.1', tcpPort: 0 }, silentLogger, handlers);
    await transport.start();
    const accepted: net.Socket[] = [];
    const peer = net.createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const port = (peer.address() as net.AddressInfo).port;
    try {
      const first = await transport.send(bytes('a'), { protocol: 'tcp', address: '127.0.0.1', port });
      const second = await transport.send(bytes('b'), { protocol: 'tcp', address: '127.0.0.1', port });
      expect(second.connectionId).toBe(first.connectionId);
      expect(accepted).toHaveLength(1);
      accepted[0]!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const third = await transport.send(bytes('c'), { protocol: 'tcp', address: '127.0.0.1', port });
      expect(third.connectionId).not.toBe(first.connectionId);
      expect(accepted).toHaveLength(2);
    } finally {
      await transport.stop();
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => peer.close(resolve));
    }
  });

  it('rejects a send to a peer that refuses the connection', async () => {
    const { handlers } = collector();
    const transport = new TransportLayer({ host: '127.0.0.1', tcpPort: 0 }, silentLogger, handlers);
    await transport.start();
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    try {
      await expect(transport.send(bytes('x'), { protocol: 'tcp', address: '127.0.0.1', port })).rejects.toThrow('cannot connect');
    } finally {
      await transport.stop();
    }
  });

  it('answers a stream that cannot be framed with 400 and closes it (RFC 4475 ncl)', async () => {
    const { invalid, handlers, until } = collector();
    const transport = new TransportLayer({ host: '127.0.0.1', tcpPort: 0 }, silentLogger, handlers);
    const { tcp } = await transport.start();
    const client = net.connect(tcp!, '127.0.0.1');
    const closed = new Promise((resolve) => client.on('close', resolve));
    client.on('error', () => {});
    client.write('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: -1\r\n\r\n');
    await until(() => invalid.length === 1);
    expect(invalid[0]!.error.status).toBe(400);
    await closed;
    await transport.stop();
  });
});

describe('routing', () => {
  const origin: MessageOrigin = { protocol: 'udp', address: '203.0.113.5', port: 41000, localAddress: '127.0.0.1', localPort: 5060, bytes: 0 };

  it('answers by received and rport, else by the Via sent-by port', () => {
    const stamped = makeRequest({ via: 'SIP/2.0/UDP 10.1.1.1:5062;branch=z9hG4bKa;received=203.0.113.5;rport=41000' });
    expect(responseTarget(stamped, origin)).toEqual({ protocol: 'udp', address: '203.0.113.5', port: 41000 });
    const plain = makeRequest({ via: 'SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKa;received=203.0.113.5' });
    expect(responseTarget(plain, origin)).toEqual({ protocol: 'udp', address: '203.0.113.5', port: 5060 });
    const tcp = { ...origin, protocol: 'tcp' as const, connectionId: 'tcp-9' };
    expect(responseTarget(plain, tcp)).toMatchObject({ protocol: 'tcp', connectionId: 'tcp-9' });
  });

  it('routes requests by the URI transport parameter and port', async () => {
    const both = () => true;
    await expect(requestTarget('sip:a@192.0.2.1', both)).resolves.toEqual({ protocol: 'udp', address: '192.0.2.1', port: 5060 });
    await expect(requestTarget('<sip:192.0.2.1:5080;transport=TCP;lr>', both)).resolves.toEqual({ protocol: 'tcp', address: '192.0.2.1', port: 5080 });
    await expect(requestTarget('sip:pbx.example', both, async () => '192.0.2.99')).resolves.toMatchObject({ address: '192.0.2.99' });
    await expect(requestTarget('sip:a@192.0.2.1;transport=tcp', (p) => p === 'udp')).rejects.toBeInstanceOf(RoutingError);
    await expect(requestTarget('sips:a@192.0.2.1', both)).resolves.toEqual({ protocol: 'tls', address: '192.0.2.1', port: 5061 });
    await expect(requestTarget('sips:a@192.0.2.1', (p) => p !== 'tls')).rejects.toThrow('not available: tls');
    await expect(requestTarget('tel:+8610', both)).rejects.toThrow('cannot route');
  });
});
