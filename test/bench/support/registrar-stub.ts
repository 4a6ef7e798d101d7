/**
 * The smallest registrar that lets a Workstation's line come up on loopback: every
 * REGISTER gets 200 OK with the Contact echoed back and the expiry it asked for; any
 * other request (OPTIONS, a stray INVITE) gets 200 / 405 so nothing waits on it. No
 * digest challenge, no location service: in the screen-pop benchmark the INVITEs go
 * straight to the edge, so the registrar only has to make the agent "registered"
 * (status online) as a real one would.
 */
import dgram from 'node:dgram';
import { header, parseSip, sipMessage, token } from './sip-text';

export class RegistrarStub {
  registers = 0;
  unregisters = 0;

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (data, from) => this.onMessage(data.toString('utf8'), from));
  }

  static async start(): Promise<RegistrarStub> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new RegistrarStub(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The sipAccount.registrar to configure. */
  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(text: string, from: dgram.RemoteInfo): void {
    const request = parseSip(text);
    if (!request || request.method === null || request.method === 'ACK') return;
    const to = header(request, 'to') ?? '';
    const headers: Array<[string, string]> = [
      ...(request.headers.get('via') ?? []).map((via, index): [string, string] => ['Via', index === 0 ? withReceived(via, from) : via]),
      ['From', header(request, 'from') ?? ''],
      ['To', /;\s*tag=/i.test(to) ? to : `${to};tag=${token(4)}`],
      ['Call-ID', header(request, 'call-id') ?? ''],
      ['CSeq', header(request, 'cseq') ?? ''],
    ];
    let status = '200 OK';
    if (request.method === 'REGISTER') {
      const expires = Number(header(request, 'expires') ?? '300');
      if (expires === 0) this.unregisters += 1;
      else this.registers += 1;
      const contact = header(request, 'contact');
      if (contact && expires > 0) headers.push(['Contact', `${contact};expires=${expires}`]);
      headers.push(['Expires', String(expires)]);
    } else if (request.method !== 'OPTIONS') {
      status = '405 Method Not Allowed';
    }
    this.socket.send(sipMessage(`SIP/2.0 ${status}`, headers), from.port, from.address);
  }
}

/** RFC 3581: fill in rport (and received) on the top Via, so the answer goes back where the request came from. */
function withReceived(via: string, from: dgram.RemoteInfo): string {
  const filled = via.replace(/;rport(?=;|$)/i, `;rport=${from.port}`);
  return `${filled};received=${from.address}`;
}
