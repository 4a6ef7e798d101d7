/** directory.saveContact as the workstation wires it: the outbox, the agent's extension, the call id from the contract. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContactInput } from '../../../main/common/domain';
import { SipAccountSchema } from '../../../main/core/config/settings';
import type { ContactRecord } from '../../../main/core/directory/directory-service';
import { silentLogger } from '../../../main/core/log/logger';
import { Workstation } from '../../../main/core/workstation';

const FORM: ContactInput = { name: '陈静', company: '华东电力', numbers: [{ label: 'mobile', raw: '139 1234 5678' }] };

describe('directory.saveContact through the workstation', () => {
  let dataDir: string;
  let workstation: Workstation;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-contact-'));
    workstation = await Workstation.open({
      dataDir,
      host: 'headless',
      version: 'test',
      log: silentLogger,
      // The extension names the agent on the record; no password is stored, so the line never registers.
      settings: { autoLogin: 'off', sipAccount: SipAccountSchema.parse({ registrar: 'sip:127.0.0.1:9', domain: 'zuoxi.test', user: '8001' }) },
    });
  });
  afterEach(async () => {
    await workstation.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('queues the contact with the call id from the form and the extension from the settings', async () => {
    const reply = await workstation.router.dispatch('directory.saveContact', { contactId: null, contact: FORM, callId: 'u1@pbx' });
    expect(reply).toMatchObject({ ok: true, value: { contact: { name: '陈静' } } });
    expect(await workstation.router.dispatch('directory.saveContact', { contactId: null, contact: FORM, callId: 'not a call id' })).toMatchObject({
      ok: false,
      code: 'invalid_payload',
    });
    const queued = await workstation.db.all<{ kind: string; payload: string }>("SELECT kind, payload FROM outbox WHERE kind = 'contact'");
    expect(queued.map((row) => JSON.parse(row.payload) as ContactRecord)).toEqual([expect.objectContaining({ action: 'created', agent: '8001', callId: 'u1@pbx' })]);
    expect(await workstation.router.dispatch('sync.status', {})).toMatchObject({ ok: true, value: { pending: 1 } });
  });
});
