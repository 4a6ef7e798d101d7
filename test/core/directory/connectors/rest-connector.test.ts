/** The REST/JSON connector against a real HTTP server on loopback (no mocked fetch). */
import { RestConnectorSchema, type RestConnectorSettings } from '../../../../main/core/directory/connectors/connector-settings';
import { numberVariants, type NumberVariants } from '../../../../main/core/directory/connectors/number-variants';
import { RestConnector } from '../../../../main/core/directory/connectors/rest-connector';
import { PhoneNumberNormalizer } from '../../../../main/core/directory/phone-number';
import { MemorySecretProvider } from '../../../../main/core/secrets';
import { freePort } from '../../../peers/process';
import { CrmServer } from './crm-server';
import { WANG_MAPPING, WANG_REPLY } from './fixtures';

const TOKEN = 'crm-t0ken-secret';
const normalizer = new PhoneNumberNormalizer({ defaultRegion: 'CN' });
const variantsOf = (raw: string): NumberVariants => numberVariants(raw, normalizer.normalize(raw));
const secrets = new MemorySecretProvider({ 'crm.token': TOKEN });

describe('RestConnector against a real HTTP server', () => {
  let crm: CrmServer;
  const settings = (overrides: Partial<Parameters<typeof RestConnectorSchema.parse>[0]> = {}): RestConnectorSettings =>
    RestConnectorSchema.parse({
      kind: 'rest',
      name: 'crm',
      urlTemplate: `${crm.base}/api/customers?phone={e164}`,
      auth: { tokenSecret: 'crm.token' },
      mapping: WANG_MAPPING,
      timeoutMs: 1000,
      ...overrides,
    });
  const find = (raw: string, overrides: Parameters<typeof settings>[0] = {}) =>
    new RestConnector(settings(overrides), secrets).find(variantsOf(raw), new AbortController().signal);

  beforeEach(async () => {
    crm = await CrmServer.start();
  });
  afterEach(async () => {
    await crm.close();
  });

  it('maps a nested reply to the card: name, company, tier, id, open tickets (filtered, as ISO times) and last contacts', async () => {
    crm.reply = () => ({ json: WANG_REPLY });
    expect(await find('138 0013 8000')).toEqual({
      name: '王芳',
      company: '北京科技有限公司',
      tier: 'VIP',
      customerId: 'CRM-001',
      email: 'wang.fang@example.cn',
      title: '',
      department: '',
      openTickets: [
        { id: 'T-1', title: '停电报修', status: 'open', createdAt: '2026-02-01T01:00:00.000Z' },
        { id: 'T-3', title: '发票重开', status: 'Pending', createdAt: '2026-02-03T01:00:00.000Z' },
      ],
      lastContacts: [{ at: '2026-02-02T10:00:00.000Z', channel: 'phone', summary: '客户来电催促', agent: '8001' }],
    });
    // The number URL-encoded ('+' would read as a space), the token as a bearer token.
    expect(crm.requests).toHaveLength(1);
    expect(crm.requests[0]!.url).toBe('/api/customers?phone=%2B8613800138000');
    expect(crm.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(crm.requests[0]!.headers.accept).toBe('application/json');
  });

  it('sends the token in a header of the administrator’s choice, without a scheme when asked', async () => {
    crm.reply = () => ({ json: { name: '李四' } });
    const record = await find('13900139000', { auth: { header: 'X-Api-Key', scheme: '', tokenSecret: 'crm.token' }, mapping: {} });
    expect(record).toMatchObject({ name: '李四' });
    expect(crm.requests[0]!.headers['x-api-key']).toBe(TOKEN);
    expect(crm.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('URL-encodes every form of the number, so a hostile raw number stays inside its parameter', async () => {
    crm.reply = () => ({ json: [] });
    const template = `${crm.base}/lookup/{national}?raw={raw}&d={digits}&dom={domestic}`;
    expect(await find('+861065529988', { urlTemplate: template })).toBeNull();
    expect(crm.requests[0]!.url).toBe('/lookup/1065529988?raw=%2B861065529988&d=861065529988&dom=01065529988');
    const connector = new RestConnector(settings({ urlTemplate: `${crm.base}/ext?n={raw}` }), secrets);
    const hostile = numberVariants('8002&admin=1#/../x', null);
    expect(connector.urlFor(hostile)).toBe(`${crm.base}/ext?n=8002%26admin%3D1%23%2F..%2Fx`);
    await connector.find(hostile, new AbortController().signal);
    expect(new URL(crm.requests[1]!.url, crm.base).searchParams.getAll('n')).toEqual(['8002&admin=1#/../x']);
    expect(new URL(crm.requests[1]!.url, crm.base).searchParams.has('admin')).toBe(false);
  });

  it('answers null for 404, an empty list and a reply without any mapped fact', async () => {
    crm.reply = () => ({ status: 404, json: { error: 'no such customer' } });
    expect(await find('13800138000')).toBeNull();
    crm.reply = () => ({ json: { data: { customers: [] } } });
    expect(await find('13800138000')).toBeNull();
    crm.reply = () => ({ json: { data: { customers: [{ unrelated: true }] } } });
    expect(await find('13800138000')).toBeNull();
  });

  it('reports 5xx as http_status, 401/403 and a missing token as auth_failed (never the token)', async () => {
    crm.reply = () => ({ status: 503, raw: 'busy', contentType: 'text/plain' });
    await expect(find('13800138000')).rejects.toMatchObject({ code: 'http_status', detail: '503 Service Unavailable' });
    crm.reply = () => ({ status: 401, json: { error: 'bad token' } });
    const refused = find('13800138000');
    await expect(refused).rejects.toMatchObject({ code: 'auth_failed', detail: '401 Unauthorized' });
    await expect(refused).rejects.not.toMatchObject({ message: expect.stringContaining(TOKEN) });
    const asked = crm.requests.length;
    await expect(find('13800138000', { auth: { tokenSecret: 'crm.absent' } })).rejects.toMatchObject({ code: 'auth_failed' });
    expect(crm.requests).toHaveLength(asked);
  });

  it('refuses an HTML error page, garbage JSON and JSON of the wrong shape as bad_response', async () => {
    crm.reply = () => ({ raw: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' });
    await expect(find('13800138000')).rejects.toMatchObject({ code: 'bad_response', detail: 'not JSON (text/html)' });
    crm.reply = () => ({ raw: '{"data": {"customers": [ {"cid": ', contentType: 'application/json' });
    await expect(find('13800138000')).rejects.toMatchObject({ code: 'bad_response', detail: 'the reply is not valid JSON' });
    crm.reply = () => ({ json: 'OK' });
    await expect(find('13800138000')).rejects.toMatchObject({ code: 'bad_response' });
    crm.reply = () => ({ json: { data: { customers: ['王芳'] } } });
    await expect(find('13800138000')).rejects.toMatchObject({ code: 'bad_response', detail: expect.stringContaining('not a JSON object') });
    crm.reply = () => ({ json: { data: { customers: [{ cid: 'C', tickets: 'none' }] } } });
    await expect(find('13800138000')).rejects.toMatchObject({ code: 'bad_response', detail: '"tickets" is not a list' });
    crm.reply = () => ({ raw: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) });
    await expect(find('13800138000', { mapping: {} })).rejects.toMatchObject({ code: 'bad_response', detail: expect.stringContaining('larger than') });
  });

  it('keeps markup as text, cuts a 10 KB field with an ellipsis, ignores fields of the wrong type and caps lists', async () => {
    const tickets = Array.from({ length: 500 }, (_, n) => ({ no: `T-${n}`, subject: 's', state: 'open' }));
    crm.reply = () => ({
      json: { data: { customers: [{ cid: 7, profile: { fullName: '<script>alert(1)</script>', org: '公'.repeat(10_000) }, level: { gold: true }, tickets }] } },
    });
    const record = await find('13800138000');
    expect(record?.name).toBe('<script>alert(1)</script>');
    expect(record?.customerId).toBe('7');
    expect([...(record?.company ?? '')]).toHaveLength(200);
    expect(record?.company.endsWith('…')).toBe(true);
    expect(record?.tier).toBe('');
    expect(record?.openTickets).toHaveLength(50);
  });

  it('gives up on a slow server at its timeout, and reports a server that is down or hangs up as unreachable', async () => {
    crm.reply = () => ({ delayMs: 2000, json: WANG_REPLY });
    const started = Date.now();
    await expect(find('13800138000', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1000);
    crm.reply = () => ({ destroy: true });
    await expect(find('13800138000')).rejects.toMatchObject({ code: 'unreachable' });
    const closed = await freePort();
    await expect(find('13800138000', { urlTemplate: `http://127.0.0.1:${closed}/c?p={e164}` })).rejects.toMatchObject({
      code: 'unreachable',
      detail: 'cannot connect (ECONNREFUSED)',
    });
  });

  it('stops at once when the lookup aborts it', async () => {
    crm.reply = () => ({ delayMs: 2000, json: WANG_REPLY });
    const abort = new AbortController();
    const pending = new RestConnector(settings({ timeoutMs: 5000 }), secrets).find(variantsOf('13800138000'), abort.signal);
    setTimeout(() => abort.abort(), 50);
    const started = Date.now();
    await expect(pending).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(500);
  });
});
