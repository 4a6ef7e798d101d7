import type { Logger } from '../../log/logger';
import type { ConnectorError } from './connector';

interface Outage {
  since: string;
  failedLookups: number;
  lastError: ConnectorError;
  /** When the next call may probe the connector again (ms since the epoch). */
  nextProbeAt: number;
  probeIntervalMs: number;
}

// While a connector is down, one lookup in this long asks it; the rest show the cache.
const FIRST_PROBE_INTERVAL_MS = 5_000;
const MAX_PROBE_INTERVAL_MS = 60_000;

/**
 * Whether each connector is up, so an outage is logged once when it starts and once when
 * it ends — not once per ringing call for the hours the CRM is down — and so a pop does
 * not wait on a connector already known to be down (a silent CRM would otherwise cost
 * every call the whole lookup deadline).
 */
export class ConnectorHealth {
  private readonly outages = new Map<string, Outage>();

  constructor(
    private readonly log: Logger,
    private readonly clock: () => Date,
  ) {}

  isDown(name: string): boolean {
    return this.outages.has(name);
  }

  /** Why the connector is down, or null while it is up. */
  lastError(name: string): ConnectorError | null {
    return this.outages.get(name)?.lastError ?? null;
  }

  /**
   * Whether this lookup should ask the connector: always while it is up; while it is
   * down, one probe per interval (the caller that gets true owns that probe).
   */
  shouldAsk(name: string): boolean {
    const outage = this.outages.get(name);
    if (!outage) return true;
    const now = this.clock().getTime();
    if (now < outage.nextProbeAt) return false;
    outage.nextProbeAt = now + outage.probeIntervalMs;
    return true;
  }

  failed(connector: { name: string; kind: string }, error: ConnectorError): void {
    const now = this.clock();
    const outage = this.outages.get(connector.name);
    if (outage) {
      outage.failedLookups += 1;
      outage.lastError = error;
      outage.probeIntervalMs = Math.min(outage.probeIntervalMs * 2, MAX_PROBE_INTERVAL_MS);
      outage.nextProbeAt = now.getTime() + outage.probeIntervalMs;
      return;
    }
    this.outages.set(connector.name, {
      since: now.toISOString(),
      failedLookups: 1,
      lastError: error,
      nextProbeAt: now.getTime() + FIRST_PROBE_INTERVAL_MS,
      probeIntervalMs: FIRST_PROBE_INTERVAL_MS,
    });
    this.log.warn('directory.connector_down', { connector: connector.name, kind: connector.kind, error: error.code, detail: error.detail });
  }

  succeeded(connector: { name: string; kind: string }): void {
    const outage = this.outages.get(connector.name);
    if (!outage) return;
    this.outages.delete(connector.name);
    this.log.info('directory.connector_recovered', { connector: connector.name, kind: connector.kind, downSince: outage.since, failedLookups: outage.failedLookups });
  }
}
