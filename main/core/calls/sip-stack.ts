/**
 * drachtio-srf and the SIP stack it drives: Zuoxi's embedded edge (started here, on
 * the configured or any free ports) or an external drachtio-server found by host, port
 * and a secret from the secret provider. The call code above sees only `srf`; which
 * one is behind it is this file's business alone.
 */
import type { SipEdgeSettings } from '../config/settings';
import type { SipTimerValues } from '../edge/clock';
import { SipEdge, type SipEdgeAddresses } from '../edge/sip-edge';
import type { Logger } from '../log/logger';
import type { SecretProvider } from '../secrets';
import { closeSrf, createSrf, type SrfLike } from './srf-port';

export class SipStackError extends Error {
  constructor(
    readonly reason: 'edge_failed' | 'no_password',
    message: string,
  ) {
    super(message);
  }
}

export interface SipStackOptions {
  edge: SipEdgeSettings;
  secrets: SecretProvider;
  log: Logger;
  /** RFC 3261 T1/T2/T4 for the embedded edge (tests shrink them). */
  edgeTimers?: Partial<SipTimerValues>;
  /** Registers request handlers on srf before it connects (so the routes are announced). */
  setup: (srf: SrfLike) => void;
  /** Each (re)connection to the drachtio side; err when it refused us (a wrong secret). */
  onConnect: (err: Error | null) => void;
  /** The connection closed (drachtio-srf reconnects by itself). */
  onDisconnect: () => void;
}

export class SipStack {
  private constructor(
    readonly srf: SrfLike,
    private readonly edge: SipEdge | null,
    /** Where the embedded edge listens (null for an external server). */
    readonly addresses: SipEdgeAddresses | null,
    private readonly log: Logger,
  ) {}

  static async start(options: SipStackOptions): Promise<SipStack> {
    const log = options.log.child({ module: 'calls.stack' });
    let edge: SipEdge | null = null;
    let addresses: SipEdgeAddresses | null = null;
    let target: { host: string; port: number; secret: string };
    if (options.edge.mode === 'embedded') {
      const { host, udpPort, tcpPort } = options.edge;
      edge = new SipEdge(
        { sip: { host, udpPort, tcpPort }, drachtio: {}, ...(options.edgeTimers ? { timers: options.edgeTimers } : {}) },
        options.log.child({ module: 'sip.edge' }),
      );
      try {
        addresses = await edge.start();
      } catch (error) {
        throw new SipStackError('edge_failed', `the SIP edge could not start on ${host} (udp ${udpPort}, tcp ${tcpPort}): ${(error as Error).message}`);
      }
      target = addresses.drachtio;
    } else {
      const secret = await options.secrets.get(options.edge.secretName);
      if (secret === null) throw new SipStackError('no_password', `no drachtio secret saved as "${options.edge.secretName}"`);
      target = { host: options.edge.host, port: options.edge.port, secret };
    }
    const srf = createSrf();
    options.setup(srf);
    srf.on('connect', (err) => {
      if (err) log.warn('drachtio.refused', { error: err.message });
      else log.info('drachtio.connected', { host: target.host, port: target.port, embedded: edge !== null });
      options.onConnect(err ?? null);
    });
    // Without a listener an 'error' event would throw; drachtio-srf reconnects by itself.
    srf.on('error', (err) => log.warn('drachtio.error', { error: err instanceof Error ? err.message : String(err) }));
    srf.on('close', () => {
      log.warn('drachtio.disconnected');
      options.onDisconnect();
    });
    srf.connect(target);
    return new SipStack(srf, edge, addresses, log);
  }

  async stop(): Promise<void> {
    this.srf.removeAllListeners('close');
    this.srf.removeAllListeners('connect');
    closeSrf(this.srf);
    await this.edge?.stop();
  }
}
