import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LocaleSchema } from '../../common/domain';
import { ZuoxiError } from '../../common/errors';
import { LOG_LEVELS } from '../log/logger';

// One zod-validated settings object, layered: built-in defaults < the agent's own
// settings (made in the app, kept in the data dir) < managed policy from IT. Every
// value knows the layer it came from, and a value IT set cannot be changed by the agent.

export const SettingsSchema = z.object({
  locale: LocaleSchema,
  /** ISO 3166 region for numbers typed without a country code. */
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'a two-letter region code such as CN'),
  logLevel: z.enum(LOG_LEVELS),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export type SettingLayer = 'default' | 'user' | 'policy';

export const DEFAULT_SETTINGS: Settings = { locale: 'zh-CN', defaultRegion: 'CN', logLevel: 'info' };

const PartialSettingsSchema = SettingsSchema.partial().strict();

export interface SettingsSources {
  /** The agent's own settings file (read and written). */
  userFile: string;
  /** IT's managed policy file (read only); absent is fine. */
  policyFile: string | null;
}

export class SettingsStore {
  private user: Partial<Settings>;
  private readonly policy: Partial<Settings>;

  constructor(
    private readonly sources: SettingsSources,
    overrides: Partial<Settings> = {},
  ) {
    this.user = { ...readLayer(sources.userFile), ...overrides };
    this.policy = sources.policyFile ? readLayer(sources.policyFile) : {};
  }

  get current(): Settings {
    return { ...DEFAULT_SETTINGS, ...this.user, ...this.policy };
  }

  layerOf(key: SettingKey): SettingLayer {
    if (key in this.policy) return 'policy';
    if (key in this.user) return 'user';
    return 'default';
  }

  /** Saves the agent's choice; refused when IT's policy fixes the value. */
  set<K extends SettingKey>(key: K, value: Settings[K]): Settings {
    if (this.layerOf(key) === 'policy') {
      throw new ZuoxiError('invalid_input', `${key} is set by your administrator's policy and cannot be changed here`);
    }
    const next = PartialSettingsSchema.parse({ ...this.user, [key]: value });
    writeAtomically(this.sources.userFile, JSON.stringify(next, null, 2) + '\n');
    this.user = next;
    return this.current;
  }
}

/** Reads one layer; a bad file is refused whole with its path and the reason. */
function readLayer(file: string): Partial<Settings> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ZuoxiError('invalid_input', `Settings file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = PartialSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new ZuoxiError('invalid_input', `Settings file ${file} refused: ${reason}`);
  }
  return parsed.data;
}

/** Write-then-rename, so a crash mid-write leaves the old file, never half a file. */
export function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode: 0o600 });
  fs.renameSync(temp, file);
}
