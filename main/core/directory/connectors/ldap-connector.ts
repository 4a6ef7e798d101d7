/**
 * The corporate or customer directory over LDAP (ldapts): bind (or anonymous), one
 * subtree search with the administrator's filter template, the number's forms escaped
 * per RFC 4515 so that a "number" like `*)(uid=*` is matched literally and can never
 * widen the search, and the first entry's attributes mapped to the card's facts.
 *
 * A connection per lookup: a screen pop is rare next to LDAP's connection cost on a LAN,
 * and a fresh bind means a changed password or a restarted server needs no recovery logic.
 */
import { Client, InvalidCredentialsError, NoSuchObjectError, ResultCodeError, SizeLimitExceededError, type Entry } from 'ldapts';
import type { SecretProvider } from '../../secrets';
import type { LdapAttributes, LdapConnectorSettings } from './connector-settings';
import { ConnectorError, hasFacts, TemplateConnector, toRecord, type ConnectorRecord } from './connector';
import { classifyNetworkError } from './network-errors';
import type { NumberVariants } from './number-variants';

// A number shared by more entries than this (a switchboard) is reported by the first few.
const SIZE_LIMIT = 10;

/**
 * RFC 4515 §3: in a filter's assertion value, '*', '(', ')', '\' and NUL must be written
 * as \2a \28 \29 \5c \00. Everything else (UTF-8 included) may stand as it is.
 */
export function escapeFilterValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is one of the characters RFC 4515 requires escaped
  return value.replace(/[*()\\\u0000]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export class LdapConnector extends TemplateConnector<LdapConnectorSettings> {
  readonly kind = 'ldap' as const;

  constructor(settings: LdapConnectorSettings, secrets: SecretProvider) {
    super(settings, secrets, (s) => s.filter, escapeFilterValue);
  }

  /** The filter this number searches with (exposed so tests can see the escaping). */
  filterFor(variants: NumberVariants): string {
    return this.expand(variants);
  }

  async find(variants: NumberVariants, signal: AbortSignal): Promise<ConnectorRecord | null> {
    const filter = this.filterFor(variants);
    const password = await this.password();
    const client = new Client({ url: this.settings.url, timeout: this.settings.timeoutMs, connectTimeout: this.settings.timeoutMs, strictDN: false });
    // The chain gives up at the timeout; closing the socket then frees it at once.
    const abort = () => void client.unbind().catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      if (this.settings.bindDn !== null) await client.bind(this.settings.bindDn, password ?? '');
      const { searchEntries } = await client.search(this.settings.baseDn, {
        scope: 'sub',
        filter,
        attributes: requestedAttributes(this.settings.attributes),
        sizeLimit: SIZE_LIMIT,
        timeLimit: Math.max(1, Math.ceil(this.settings.timeoutMs / 1000)),
      });
      // The same caller always pops the same entry, whatever order the server sends.
      const entry = [...searchEntries].sort((a, b) => (a.dn < b.dn ? -1 : a.dn > b.dn ? 1 : 0))[0];
      if (!entry) return null;
      const record = toRecord(mapEntry(entry, this.settings.attributes));
      return hasFacts(record) ? record : null;
    } catch (error) {
      if (signal.aborted) throw new ConnectorError('timeout', `no answer within ${this.settings.timeoutMs} ms`);
      throw classify(error);
    } finally {
      signal.removeEventListener('abort', abort);
      await client.unbind().catch(() => undefined);
    }
  }

  private async password(): Promise<string | null> {
    if (this.settings.bindDn === null || this.settings.passwordSecret === null) return null;
    return this.requiredSecret(this.settings.passwordSecret, 'bind password');
  }
}

function requestedAttributes(attributes: LdapAttributes): string[] {
  const names = new Set<string>();
  for (const choice of Object.values(attributes)) for (const name of choiceList(choice)) names.add(name);
  return [...names];
}

function choiceList(choice: string | string[] | null): string[] {
  if (choice === null) return [];
  return Array.isArray(choice) ? choice : [choice];
}

function mapEntry(entry: Entry, attributes: LdapAttributes): Partial<ConnectorRecord> {
  // Servers may spell an attribute differently from the request (cn / CN).
  const byName = new Map<string, Entry[string]>();
  for (const [name, value] of Object.entries(entry)) if (name !== 'dn') byName.set(name.toLowerCase(), value);
  const first = (choice: string | string[] | null): string => {
    for (const name of choiceList(choice)) {
      const value = firstString(byName.get(name.toLowerCase()));
      if (value !== '') return value;
    }
    return '';
  };
  return {
    name: first(attributes.name),
    company: first(attributes.company),
    tier: first(attributes.tier),
    customerId: first(attributes.customerId),
    email: first(attributes.email),
    title: first(attributes.title),
    department: first(attributes.department),
  };
}

function firstString(value: Entry[string] | undefined): string {
  if (value === undefined) return '';
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return '';
  return typeof first === 'string' ? first : first.toString('utf8');
}

function classify(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof InvalidCredentialsError) return new ConnectorError('auth_failed', 'the directory refused the bind DN and password (invalid credentials)');
  if (error instanceof NoSuchObjectError) return new ConnectorError('error', 'the base DN does not exist, or this account may not read it');
  if (error instanceof SizeLimitExceededError) return new ConnectorError('error', `more than ${SIZE_LIMIT} entries match and the server returned none`);
  if (error instanceof ResultCodeError) return new ConnectorError('error', `LDAP result ${error.code}: ${error.name}`);
  return classifyNetworkError(error);
}
