import type { SecretProvider } from '../../secrets';
import type { Connector } from './connector';
import type { ConnectorSettings } from './connector-settings';
import { LdapConnector } from './ldap-connector';
import { RestConnector } from './rest-connector';

/** The connector a `crmConnectors` entry describes. */
export function buildConnector(settings: ConnectorSettings, secrets: SecretProvider): Connector {
  switch (settings.kind) {
    case 'ldap':
      return new LdapConnector(settings, secrets);
    case 'rest':
      return new RestConnector(settings, secrets);
  }
}
