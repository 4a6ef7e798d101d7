import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SafeStorageSecretProvider, type SafeStorageLike } from '../../main/app/secrets';
import { asElectron, safeStorage } from './electron-mock';

const PASSWORD = 'sip-密码-S3cret!';
let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-secrets-'));
  file = path.join(dir, 'secrets.json');
  safeStorage.keychain.available = true;
  safeStorage.keychain.backend = 'gnome_libsecret';
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const provider = (platform: NodeJS.Platform = 'linux') =>
  new SafeStorageSecretProvider(file, asElectron<SafeStorageLike>(safeStorage), platform);

describe('SafeStorageSecretProvider', () => {
  test('round-trips a secret through safeStorage, and a new instance reads it back', async () => {
    await provider().set('sip.password', PASSWORD);
    expect(await provider().get('sip.password')).toBe(PASSWORD);
    expect(safeStorage.encryptStringAsync).toHaveBeenCalledWith(PASSWORD);
  });

  test('the stored file holds ciphertext, not the secret, and only the owner may read it', async () => {
    await provider().set('sip.password', PASSWORD);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(JSON.parse(text).secrets['sip.password']).toEqual(expect.any(String));
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  test('an unknown name is null', async () => {
    expect(await provider().get('crm.token')).toBeNull();
    await provider().set('sip.password', PASSWORD);
    expect(await provider().get('crm.token')).toBeNull();
    expect(await provider().get('constructor')).toBeNull();
  });

  test('refuses to store when encryption is unavailable, and writes nothing', async () => {
    safeStorage.keychain.available = false;
    await expect(provider().set('sip.password', PASSWORD)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('cannot encrypt'),
    });
    expect(fs.existsSync(file)).toBe(false);
  });

  test("refuses Linux's basic_text backend, whose key is built into Chromium", async () => {
    safeStorage.keychain.backend = 'basic_text';
    await expect(provider('linux').set('sip.password', PASSWORD)).rejects.toMatchObject({ code: 'unavailable' });
    expect(fs.existsSync(file)).toBe(false);
    await expect(provider('win32').set('sip.password', PASSWORD)).resolves.toBeUndefined();
  });

  test('keeps both of two concurrent writes', async () => {
    const secrets = provider();
    await Promise.all([secrets.set('sip.password', 'one'), secrets.set('crm.token', 'two')]);
    expect(await secrets.get('sip.password')).toBe('one');
    expect(await secrets.get('crm.token')).toBe('two');
  });

  test('a secret that no longer decrypts is reported, not returned garbled', async () => {
    fs.writeFileSync(file, JSON.stringify({ version: 1, secrets: { 'sip.password': Buffer.from('junk').toString('base64') } }));
    await expect(provider().get('sip.password')).rejects.toMatchObject({ code: 'unavailable' });
  });

  test('a damaged file is refused with its path', async () => {
    fs.writeFileSync(file, '{not json');
    await expect(provider().get('sip.password')).rejects.toThrow(file);
  });

  test('refuses names that are not plain identifiers', async () => {
    for (const name of ['', '../x', '__proto__', 'a b']) {
      await expect(provider().set(name, 'x')).rejects.toMatchObject({ code: 'invalid_input' });
    }
  });
});
