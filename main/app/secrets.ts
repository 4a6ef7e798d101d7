import fs from 'node:fs/promises';
import type { SafeStorage } from 'electron';
import { ZuoxiError } from '../common/errors';
import { writeAtomically } from '../core/config/settings';
import type { SecretProvider } from '../core/secrets';

// The core declares what a secret provider is; this is the OS-keychain one.
export type { SecretProvider };

export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

interface SecretFile {
  version: 1;
  /** name → base64 of safeStorage's ciphertext */
  secrets: Record<string, string>;
}

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Keeps secrets in one file under the data dir, each encrypted by the OS keychain
 * through Electron's safeStorage (DPAPI, Keychain, libsecret/kwallet). When the OS
 * cannot encrypt, it refuses: a password is never written in plain text, and on
 * Linux the "basic_text" backend (a key hard-coded in Chromium) counts as plain text.
 */
export class SafeStorageSecretProvider implements SecretProvider {
  // Writes run one after another, so two concurrent set() calls both land.
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly storage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  async get(name: string): Promise<string | null> {
    checkName(name);
    const { secrets } = await this.read();
    // hasOwn: a name like "constructor" must not find Object.prototype's member.
    if (!Object.hasOwn(secrets, name)) return null;
    const stored = secrets[name]!;
    await this.requireEncryption();
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      decrypted = await this.storage.decryptStringAsync(Buffer.from(stored, 'base64'));
    } catch {
      // Typically the OS keychain was reset or the profile copied to another machine.
      throw new ZuoxiError('unavailable', `The saved secret "${name}" can no longer be decrypted; please enter it again`);
    }
    if (decrypted.shouldReEncrypt) await this.set(name, decrypted.result);
    return decrypted.result;
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    const write = this.writing.then(async () => {
      await this.requireEncryption();
      const encrypted = await this.storage.encryptStringAsync(value);
      const content = await this.read();
      content.secrets[name] = encrypted.toString('base64');
      writeAtomically(this.file, JSON.stringify(content, null, 2) + '\n');
    });
    this.writing = write.catch(() => undefined);
    return write;
  }

  private async requireEncryption(): Promise<void> {
    const available = await this.storage.isAsyncEncryptionAvailable();
    const backend = this.platform === 'linux' ? this.storage.getSelectedStorageBackend() : null;
    if (!available || backend === 'basic_text') {
      throw new ZuoxiError(
        'unavailable',
        'The operating system cannot encrypt secrets for Zuoxi (no keychain or secret service is running), ' +
          'so the secret was not saved. Unlock or install the keychain (e.g. GNOME Keyring or KWallet) and try again.',
      );
    }
  }

  private async read(): Promise<SecretFile> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!isSecretFile(parsed)) throw new ZuoxiError('unavailable', `Secret store ${this.file} is damaged`);
    return parsed;
  }
}

function checkName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new ZuoxiError('invalid_input', `Not a valid secret name: ${JSON.stringify(name)}`);
}

function isSecretFile(value: unknown): value is SecretFile {
  if (typeof value !== 'object' || value === null) return false;
  const { version, secrets } = value as Partial<SecretFile>;
  return (
    version === 1 &&
    typeof secrets === 'object' &&
    secrets !== null &&
    Object.values(secrets).every((entry) => typeof entry === 'string')
  );
}
