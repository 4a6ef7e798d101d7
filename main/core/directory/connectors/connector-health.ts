import type { Logger } from '../../log/logger';
import type { ConnectorError } from './connector';

interface Outage {
  since: string;
  failedLookups: number;
}

/**
 * Whether each connector is up, so an outage is logged once when it starts and once when
 * it ends — not once per ringing call for the hours the CRM is down.
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

  failed(connector: { name: string; kind: string }, error: ConnectorError): void {
    const outage = this.outages.get(connector.name);
    if (outage) {
      outage.failedLookups += 1;
      return;
    }
    this.outages.set(connector.name, { since: this.clock().toISOString(), failedLookups: 1 });
    this.log.warn('directory.connector_down', { connector: connector.name, kind: connector.kind, error: error.code, detail: error.detail });
  }

  succeeded(connector: { name: string; kind: string }): void {
    const outage = this.outages.get(connector.name);
    if (!outage) return;
    this.outages.delete(connector.name);
    this.log.info('directory.connector_recovered', { connector: connector.name, kind: connector.kind, downSince: outage.since, failedLookups: outage.failedLookups });
  }
}
