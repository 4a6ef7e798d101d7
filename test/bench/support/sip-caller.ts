/**
 * A caller on the wire: raw UDP from one loopback socket, one INVITE per call (a fresh
 * Call-ID, branch and From tag each), CANCEL when the bench is done with it, and the ACK
 * RFC 3261 §17.1.1.3 requires for the 487 that follows (hop-by-hop: same branch, the To
 * tag of the response). No retransmissions: loopback does not lose datagrams, and a call
 * that got no answer is reported as such rather than retried into a better figure.
 */
import dgram from 'node:dgram';
import { header, parseSip, sipMessage, token } from './sip-text';

export interface OutgoingCall {
  callId: string;
  /** The user part of the From URI as the carrier would send it (escaped by the caller). */
  fromUser: string;
  displayName: string;
}

interface CallState {
  call: OutgoingCall;
  requestUri: string;
  branch: string;
  fromHeader: string;
  toHeader: string;
  /** Responses to the INVITE, by status, as they came. */
  responses: number[];
  cancelAnswered: boolean;
  final: number | null;
  settled: () => void;
  done: Promise<void>;
}

const SDP =
  'v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 0 101\r\n' +
  'a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n';

/** Escapes what a SIP user part may not carry as is (RFC 3261 §25.1: space, quotes, brackets…); keeps + and -. */
export function sipUser(text: string): string {
  return text.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) => encodeURIComponent(c));
}

export class SipCaller {
  private readonly calls = new Map<string, CallState>();
  /** Datagrams the caller could not place (not SIP, unknown Call-ID). */
  strays = 0;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly target: { host: string; port: number; user: string; domain: string },
  ) {
    socket.on('message', (data) => this.onMessage(data.toString('utf8')));
  }

  static async start(target: { host: string; port: number; user: string; domain: string }): Promise<SipCaller> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new SipCaller(socket, target);
  }

  private get local(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  /** Sends the INVITE; returns when it was handed to the socket. */
  invite(call: OutgoingCall): void {
    const { host, port, user, domain } = this.target;
    let settled!: () => void;
    const state: CallState = {
      call,
      requestUri: `sip:${user}@${host}:${port}`,
      branch: `z9hG4bK-${token(8)}`,
      fromHeader: `${call.displayName ? `"${call.displayName.replace(/["\\]/g, '')}" ` : ''}<sip:${call.fromUser}@carrier.bench>;tag=${token(4)}`,
      toHeader: `<sip:${user}@${domain}>`,
      responses: [],
      cancelAnswered: false,
      final: null,
      settled: () => settled(),
      done: new Promise<void>((resolve) => (settled = resolve)),
    };
    this.calls.set(call.callId, state);
    this.send(
      sipMessage(
        `INVITE ${state.requestUri} SIP/2.0`,
        [
          ['Via', `SIP/2.0/UDP ${this.local};branch=${state.branch};rport`],
          ['Max-Forwards', '70'],
          ['From', state.fromHeader],
          ['To', state.toHeader],
          ['Call-ID', call.callId],
          ['CSeq', '1 INVITE'],
          ['Contact', `<sip:caller@${this.local}>`],
          ['User-Agent', 'zuoxi-bench'],
          ['Content-Type', 'application/sdp'],
        ],
        SDP,
      ),
    );
  }

  /** CANCELs a ringing call; resolves once the INVITE got its final answer (487 expected, ACKed) or after `timeoutMs`. */
  async cancel(callId: string, timeoutMs = 5000): Promise<{ final: number | null; responses: number[] }> {
    const state = this.calls.get(callId);
    if (!state) throw new Error(`no call ${callId}`);
    if (state.final === null) {
      this.send(
        sipMessage(`CANCEL ${state.requestUri} SIP/2.0`, [
          ['Via', `SIP/2.0/UDP ${this.local};branch=${state.branch};rport`],
          ['Max-Forwards', '70'],
          ['From', state.fromHeader],
          ['To', state.toHeader],
          ['Call-ID', callId],
          ['CSeq', '1 CANCEL'],
        ]),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([state.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    this.calls.delete(callId);
    return { final: state.final, responses: state.responses };
  }

  /** Calls sent and not yet cancelled. */
  get open(): number {
    return this.calls.size;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private send(text: string): void {
    this.socket.send(text, this.target.port, this.target.host);
  }

  private onMessage(text: string): void {
    const message = parseSip(text);
    const state = message ? this.calls.get(header(message, 'call-id') ?? '') : undefined;
    if (!message || message.status === null || !state) {
      this.strays += 1;
      return;
    }
    const method = (header(message, 'cseq') ?? '').split(/\s+/)[1];
    if (method === 'CANCEL') {
      state.cancelAnswered = true;
      return;
    }
    if (method !== 'INVITE') return;
    state.responses.push(message.status);
    if (message.status < 200) return;
    if (message.status >= 300) {
      // Also for a retransmitted final answer: the server resends it until it has our ACK.
      this.send(
        sipMessage(`ACK ${state.requestUri} SIP/2.0`, [
          ['Via', `SIP/2.0/UDP ${this.local};branch=${state.branch};rport`],
          ['Max-Forwards', '70'],
          ['From', state.fromHeader],
          ['To', header(message, 'to') ?? state.toHeader],
          ['Call-ID', state.call.callId],
          ['CSeq', '1 ACK'],
        ]),
      );
    }
    if (state.final === null) {
      state.final = message.status;
      state.settled();
    }
  }
}
