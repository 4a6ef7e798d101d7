/**
 * Where the core gets secrets (the SIP password, the external drachtio secret, CRM
 * tokens): never from settings, never from a file the core writes. The Electron shell
 * provides one backed by the OS keychain (main/app/secrets.ts); the headless host and
 * the tests use the in-memory one below. Callers ask at the moment they need a secret
 * and do not keep it, so a password changed in the keychain is used at the next try.
 */
export interface SecretProvider {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
}

/** Well-known secret names, so the settings screen and the core agree on them. */
export const SECRET_NAMES = {
  sipPassword: 'sip.password',
  drachtioSecret: 'drachtio.secret',
  /** The back office's bearer token for the sync worker (BackOfficeSettings.tokenSecret's default). */
  backOfficeToken: 'backoffice.token',
} as const;

/**
 * Keeps secrets in this process's memory only: nothing is written anywhere, so the
 * agent enters the password again after a restart. Right for the headless host (a
 * browser session on this machine) and for tests.
 */
export class MemorySecretProvider implements SecretProvider {
  private readonly values = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name, value);
  }

  async get(name: string): Promise<string | null> {
    return this.values.get(name) ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
}
