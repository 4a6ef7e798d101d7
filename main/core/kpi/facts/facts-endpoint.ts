/**
 * KPI facts fetched from the center's reporting system (settings.kpi.factsEndpoint): one
 * GET per agent-month, the reply checked before anything of it is used. An HTML error
 * page, garbage, a body over 2 MB or JSON of the wrong shape is refused whole with the
 * reason; single bad entries in a good reply are reported like bad CSV rows.
 */
import { z } from 'zod';
import { ZuoxiError } from '../../../common/errors';
import { ConnectorError } from '../../directory/connectors/connector';
import { classifyNetworkError } from '../../directory/connectors/network-errors';
import { nonJsonType, readCapped } from '../../directory/connectors/rest-connector';
import type { SecretProvider } from '../../secrets';
import type { KpiFactsEndpoint } from '../kpi-settings';
import { checkFactRecord, type FactProblem, type FactRecord } from './fact-records';

/** A month of facts for one agent is a few dozen numbers; megabytes mean a misconfigured endpoint. */
export const MAX_FACTS_REPLY_BYTES = 2 * 1024 * 1024;
const MAX_ENTRIES = 5_000;

const ReplySchema = z.union([
  z.object({ facts: z.array(z.unknown()).max(MAX_ENTRIES) }).loose(),
  z.array(z.unknown()).max(MAX_ENTRIES),
]);
const EntrySchema = z.object({ agent: z.unknown(), month: z.unknown(), fact: z.unknown(), value: z.unknown(), ref: z.unknown() }).partial();

export interface FetchedFacts {
  /** The URL asked (no token: that went in a header). */
  url: string;
  body: string;
  records: FactRecord[];
  problems: FactProblem[];
}

export async function fetchFacts(endpoint: KpiFactsEndpoint, secrets: SecretProvider, agent: string, month: string): Promise<FetchedFacts> {
  const url = endpoint.url.replaceAll('{agent}', encodeURIComponent(agent)).replaceAll('{month}', encodeURIComponent(month));
  const failed = (detail: string) => new ZuoxiError('unavailable', `The KPI facts endpoint ${url} ${detail}; nothing was imported`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (endpoint.tokenSecret !== null) {
    const token = await secrets.get(endpoint.tokenSecret);
    if (token === null) throw failed(`needs the token "${endpoint.tokenSecret}", which is not in the secret store`);
    headers.authorization = `Bearer ${token}`;
  }
  let body: string;
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  try {
    // No redirects: a redirect could carry the token to another host.
    const response = await fetch(url, { headers, signal: timeout, redirect: 'error' });
    if (!response.ok) {
      await response.body?.cancel();
      throw failed(`answered ${`${response.status} ${response.statusText}`.trim()}`);
    }
    const notJson = nonJsonType(response);
    if (notJson !== null) {
      await response.body?.cancel();
      throw failed(`did not answer JSON (${notJson})`);
    }
    body = await readCapped(response, MAX_FACTS_REPLY_BYTES);
  } catch (error) {
    if (error instanceof ZuoxiError) throw error;
    if (timeout.aborted) throw failed(`did not answer within ${endpoint.timeoutMs} ms`);
    const reason = error instanceof ConnectorError ? error : classifyNetworkError(error);
    throw failed(reason.detail);
  }
  return { url, body, ...readReply(body, agent, month) };
}

/** The entries of a reply; agent and month default to the ones asked for. */
export function readReply(body: string, agent: string, month: string): { records: FactRecord[]; problems: FactProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ZuoxiError('import_failed', 'The KPI facts reply is not valid JSON; nothing was imported');
  }
  const reply = ReplySchema.safeParse(json);
  if (!reply.success) {
    throw new ZuoxiError('import_failed', `The KPI facts reply is neither {"facts": [...]} nor a list (of at most ${MAX_ENTRIES}); nothing was imported`);
  }
  const entries = Array.isArray(reply.data) ? reply.data : reply.data.facts;
  const records: FactRecord[] = [];
  const problems: FactProblem[] = [];
  entries.forEach((item, index) => {
    const entry = EntrySchema.safeParse(item);
    const at = `facts[${index}]`;
    if (!entry.success) {
      problems.push({ ref: at, reason: 'not an object' });
      return;
    }
    const { ref } = entry.data;
    const checked = checkFactRecord({
      agent: entry.data.agent ?? agent,
      month: entry.data.month ?? month,
      fact: entry.data.fact,
      value: entry.data.value,
      ref: typeof ref === 'string' && ref.trim() !== '' ? `${at} (${ref.trim().slice(0, 80).replace(/[\p{Cc}\p{Cf}]/gu, '?')})` : at,
    });
    if ('record' in checked) records.push(checked.record);
    else problems.push(checked.problem);
  });
  return { records, problems };
}
