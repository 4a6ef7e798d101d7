/**
 * The embedded SIP edge: SIP on the network side, the drachtio protocol on a
 * loopback port on the other, so unmodified drachtio-srf runs without a
 * drachtio-server. `start()` says where drachtio-srf should connect; `stop()`
 * releases every socket and timer.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/logger';
import { RFC3261_TIMERS, systemClock, TimerGroup, type Clock, type SipTimerValues } from './clock';
import { AppRegistry } from './drachtio/app-registry';
import { DrachtioServer } from './drachtio-server';
import { SipAgent } from './sip-agent';
import type { ParseLimits } from './sip/parser';
import type { Resolver } from './transport/routing';
import { TransportLayer, type TlsOptions } from './transport/transport-layer';

export interface SipEdgeOptions {
  sip: {
    /** Address to listen on; 0.0.0.0 listens everywhere and advertises the first external IPv4. */
    host: string;
    /** At least one of udpPort / tcpPort / tls; 0 picks a free port. */
    udpPort?: number;
    tcpPort?: number;
    /** SIP over TLS (sips:, transport=tls) with this certificate. */
    tls?: TlsOptions;
    /** The address put in Via and Contact when peers must reach us elsewhere (NAT). */
    publicAddress?: string;
  };
  drachtio: {
    port?: number;
    /** Defaults to a fresh random secret for each run. */
    secret?: string;
  };
  /** RFC 3261 T1/T2/T4, for tests that cannot wait 32 seconds. */
  timers?: Partial<SipTimerValues>;
  limits?: ParseLimits;
  resolve?: Resolver;
}

export interface SipEdgeAddresses {
  drachtio: { host: '127.0.0.1'; port: number; secret: string };
  sip: { udp?: number; tcp?: number; tls?: number };
}

export interface EdgeStatus {
  apps: number;
  dialogs: number;
  transactions: { client: number; server: number };
  pending: { uas: number; uac: number; dialogs: number };
  tcpConnections: number;
}

export class SipEdge {
  private readonly timers: TimerGroup;
  private readonly transport: TransportLayer;
  readonly agent: SipAgent;
  private readonly drachtio: DrachtioServer;
  private readonly secret: string;
  private readonly apps = new AppRegistry();
  private running: SipEdgeAddresses | undefined;

  constructor(
    private readonly options: SipEdgeOptions,
    private readonly log: Logger,
    clock: Clock = systemClock,
  ) {
    if (options.sip.udpPort === undefined && options.sip.tcpPort === undefined && options.sip.tls === undefined) {
      throw new Error('SipEdge needs a UDP, TCP or TLS port (0 picks a free one)');
    }
    this.timers = new TimerGroup(clock);
    this.secret = options.drachtio.secret ?? randomBytes(24).toString('base64url');
    const transportOptions: ConstructorParameters<typeof TransportLayer>[0] = { host: options.sip.host };
    if (options.sip.udpPort !== undefined) transportOptions.udpPort = options.sip.udpPort;
    if (options.sip.tcpPort !== undefined) transportOptions.tcpPort = options.sip.tcpPort;
    if (options.sip.tls !== undefined) transportOptions.tls = options.sip.tls;
    if (options.sip.publicAddress !== undefined) transportOptions.publicAddress = options.sip.publicAddress;
    if (options.limits !== undefined) transportOptions.limits = options.limits;
    this.transport = new TransportLayer(transportOptions, log.child({ module: 'sip.transport' }), {
      onMessage: (message, origin) => this.agent.receive(message, origin),
      onInvalid: (error, origin) => this.agent.receiveInvalid(error, origin),
    });
    const agentDeps: ConstructorParameters<typeof SipAgent>[0] = {
      transport: this.transport,
      apps: this.apps,
      timers: this.timers,
      values: { ...RFC3261_TIMERS, ...options.timers },
      clock,
      log: log.child({ module: 'sip.agent' }),
    };
    if (options.resolve) agentDeps.resolve = options.resolve;
    this.agent = new SipAgent(agentDeps);
    const drachtioOptions: ConstructorParameters<typeof DrachtioServer>[0] = { secret: this.secret };
    if (options.drachtio.port !== undefined) drachtioOptions.port = options.drachtio.port;
    this.drachtio = new DrachtioServer(drachtioOptions, this.apps, this.agent, () => this.transport.hostports(), log.child({ module: 'drachtio' }));
  }

  async start(): Promise<SipEdgeAddresses> {
    if (this.running) return this.running;
    try {
      const sip = await this.transport.start();
      const port = await this.drachtio.start();
      this.running = { drachtio: { host: '127.0.0.1', port, secret: this.secret }, sip };
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.log.info('sip.edge.started', { sip: this.running.sip, drachtioPort: this.running.drachtio.port });
    return this.running;
  }

  async stop(): Promise<void> {
    await this.drachtio.stop();
    this.agent.stop();
    await this.transport.stop();
    this.timers.cancelAll();
    if (this.running) this.log.info('sip.edge.stopped');
    this.running = undefined;
  }

  /** Timers still armed; 0 after stop(). */
  get activeTimers(): number {
    return this.timers.size;
  }

  /** What the edge is holding right now: for diagnostics, and for tests to check nothing leaks. */
  status(): EdgeStatus {
    return {
      apps: this.drachtio.connectionCount,
      dialogs: this.agent.dialogs.size,
      transactions: this.agent.transactions.counts,
      pending: this.agent.pending,
      tcpConnections: this.transport.openConnections,
    };
  }

  /** Whether some connected application routed `method` (drachtio `route|<verb>`). */
  routes(method: string): boolean {
    return this.apps.routed(method);
  }
}
