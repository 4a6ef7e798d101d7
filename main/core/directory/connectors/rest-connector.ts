/**
 * A CRM over REST/JSON: GET the URL template with the number's forms URL-encoded, an
 * auth header with a token from the secret store, and the reply mapped to the card's
 * facts by dotted paths. The reply is checked before anything of it is used: an HTML
 * error page, garbage, a body over 1 MB or JSON of the wrong shape is a `bad_response`,
 * never a half-read card; 404 and an empty result mean "not known".
 */
import { z } from 'zod';
import type { SecretProvider } from '../../secrets';
import type { RestConnectorSettings, RestMapping } from './connector-settings';
import { ConnectorError, hasFacts, MAX_LIST_ITEMS, TemplateConnector, toRecord, type ConnectorContact, type ConnectorRecord, type ConnectorTicket } from './connector';
import { classifyNetworkError } from './network-errors';
import type { NumberVariants } from './number-variants';

/** A customer record is small; a reply this big is a misconfigured endpoint (a whole table). */
export const MAX_REPLY_BYTES = 1024 * 1024;

const JsonReplySchema = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);
const ScalarSchema = z.union([z.string(), z.number().finite(), z.boolean()]).transform((value) => String(value));
const ObjectSchema = z.record(z.string(), z.unknown());

export class RestConnector extends TemplateConnector<RestConnectorSettings> {
  readonly kind = 'rest' as const;

  constructor(settings: RestConnectorSettings, secrets: SecretProvider) {
    // Each value URL-encoded, so `&`, `/`, `#` or spaces in it stay inside its parameter.
    super(settings, secrets, (s) => s.urlTemplate, encodeURIComponent);
  }

  /** The URL asked for this number. */
  urlFor(variants: NumberVariants): string {
    return this.expand(variants);
  }

  async find(variants: NumberVariants, signal: AbortSignal): Promise<ConnectorRecord | null> {
    const url = this.urlFor(variants);
    const headers: Record<string, string> = { accept: 'application/json' };
    const auth = this.settings.auth;
    if (auth) {
      const token = await this.requiredSecret(auth.tokenSecret, 'token');
      headers[auth.header] = auth.scheme === '' ? token : `${auth.scheme} ${token}`;
    }
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const stop = AbortSignal.any([signal, timeout]);
    const timedOut = () => new ConnectorError('timeout', `no answer within ${this.settings.timeoutMs} ms`);
    try {
      // No redirects: a redirect could carry the token to another host.
      const response = await fetch(url, { headers, signal: stop, redirect: 'error' });
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        const status = `${response.status} ${response.statusText}`.trim();
        if (response.status === 401 || response.status === 403) throw new ConnectorError('auth_failed', status);
        throw new ConnectorError('http_status', status);
      }
      const notJson = nonJsonType(response);
      if (notJson !== null) {
        await response.body?.cancel();
        throw new ConnectorError('bad_response', `not JSON (${notJson})`);
      }
      const text = await readCapped(response, MAX_REPLY_BYTES);
      return mapReply(parseJson(text), this.settings.mapping);
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      if (stop.aborted) throw timedOut();
      throw classifyNetworkError(error);
    }
  }
}

/** null when the response says it is JSON (application/json, application/…+json); else the type it says, for the refusal. Also used by the KPI facts endpoint. */
export function nonJsonType(response: Response): string | null {
  const type = response.headers.get('content-type') ?? '';
  return /^application\/([\w.+-]+\+)?json\b/i.test(type) ? null : type.split(';')[0] || 'no content type';
}

/** The body as text, refused (bad_response) past `maxBytes` without reading the rest. Also used by the KPI facts endpoint. */
export async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ConnectorError('bad_response', `the reply is larger than ${Math.round(maxBytes / 1024)} KB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): z.infer<typeof JsonReplySchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConnectorError('bad_response', 'the reply is not valid JSON');
  }
  const parsed = JsonReplySchema.safeParse(json);
  if (!parsed.success) throw new ConnectorError('bad_response', 'the reply is not a JSON object or array');
  return parsed.data;
}

/** The customer in the reply as a record, or null when the reply says there is none. */
export function mapReply(reply: unknown, mapping: RestMapping): ConnectorRecord | null {
  let found = mapping.record === '' ? reply : valueAt(reply, reply, mapping.record);
  if (Array.isArray(found)) found = found[0];
  if (found === undefined || found === null) return null;
  const record = ObjectSchema.safeParse(found);
  if (!record.success) throw new ConnectorError('bad_response', `the customer record${mapping.record ? ` at "${mapping.record}"` : ''} is not a JSON object`);
  const scalar = (path: string | null) => scalarAt(reply, record.data, path);
  const result = toRecord({
    name: scalar(mapping.name),
    company: scalar(mapping.company),
    tier: scalar(mapping.tier),
    customerId: scalar(mapping.customerId),
    email: scalar(mapping.email),
    title: scalar(mapping.title),
    department: scalar(mapping.department),
    openTickets: mapping.openTickets ? tickets(reply, record.data, mapping.openTickets) : [],
    lastContacts: mapping.lastContacts ? contacts(reply, record.data, mapping.lastContacts) : [],
  });
  return hasFacts(result) ? result : null;
}

function tickets(reply: unknown, record: unknown, mapping: NonNullable<RestMapping['openTickets']>): ConnectorTicket[] {
  const open = mapping.openStatuses?.map((status) => status.toLowerCase()) ?? null;
  return listAt(reply, record, mapping.path)
    .map((item) => ({
      id: scalarAt(reply, item, mapping.id),
      title: scalarAt(reply, item, mapping.title),
      status: scalarAt(reply, item, mapping.status),
      createdAt: timeAt(reply, item, mapping.createdAt),
    }))
    .filter((ticket) => open === null || open.includes(ticket.status.toLowerCase()))
    .slice(0, MAX_LIST_ITEMS);
}

function contacts(reply: unknown, record: unknown, mapping: NonNullable<RestMapping['lastContacts']>): ConnectorContact[] {
  return listAt(reply, record, mapping.path)
    .map((item) => ({
      at: timeAt(reply, item, mapping.at),
      channel: scalarAt(reply, item, mapping.channel),
      summary: scalarAt(reply, item, mapping.summary),
      agent: scalarAt(reply, item, mapping.agent),
    }))
    .slice(0, MAX_LIST_ITEMS);
}

/** The objects of a list; none when the reply has no list there (null counts as none). Anything but a list is a bad reply. */
function listAt(reply: unknown, base: unknown, path: string): Record<string, unknown>[] {
  const value = valueAt(reply, base, path);
  if (value === undefined || value === null) return [];
  const list = z.array(z.unknown()).safeParse(value);
  if (!list.success) throw new ConnectorError('bad_response', `"${path}" is not a list`);
  // Only so many are shown; mapping a million-entry list would stall the pop.
  return list.data
    .slice(0, MAX_LIST_ITEMS * 4)
    .map((item) => ObjectSchema.safeParse(item))
    .flatMap((item) => (item.success ? [item.data] : []));
}

function scalarAt(reply: unknown, base: unknown, path: string | null): string {
  if (path === null) return '';
  const value = ScalarSchema.safeParse(valueAt(reply, base, path));
  return value.success ? value.data : '';
}

/** A time as ISO 8601 when it reads as a date (so tickets sort), else the CRM's own text; null when absent. */
function timeAt(reply: unknown, base: unknown, path: string | null): string | null {
  const text = scalarAt(reply, base, path);
  if (text === '') return null;
  const time = /\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

/** Follows a dotted path from `base` ('$.' from the reply's root); own properties and array indexes only. */
function valueAt(reply: unknown, base: unknown, path: string): unknown {
  const fromRoot = path.startsWith('$.');
  let current: unknown = fromRoot ? reply : base;
  for (const segment of (fromRoot ? path.slice(2) : path).split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (current !== null && typeof current === 'object' && !Array.isArray(current) && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return current;
}
