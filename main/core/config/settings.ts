import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_ANSWER_WITHIN_SECONDS } from '../../common/constants';
import { LocaleSchema } from '../../common/domain';
import { ZuoxiError } from '../../common/errors';
import { LOG_LEVELS } from '../log/logger';
import type { ManagedPolicy } from './managed-policy';
import {
  CacheTtlSchema,
  CrmConnectorsSchema,
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_LOOKUP_DEADLINE_MS,
  LookupDeadlineSchema,
} from '../directory/connectors/connector-settings';
import { DEFAULT_KPI_SETTINGS, KpiSettingsSchema } from '../kpi/kpi-settings';
import { BackOfficeSettingsSchema } from '../sync/sync-settings';
import { CallbackSettingsSchema, DEFAULT_CALLBACK_SETTINGS } from '../work/callbacks/callback-settings';
import {
  AutoLoginSchema,
  CodeListSchema,
  DEFAULT_DISPOSITIONS,
  DEFAULT_FAULT_TYPES,
  DEFAULT_NOT_READY_REASONS,
  DEFAULT_WRAP_UP,
  NotReadyReasonsSchema,
  WrapUpSettingsSchema,
} from '../work/agent-state/work-settings';

// One zod-validated settings object, layered: built-in defaults < the agent's own
// settings (made in the app, kept in the data dir) < managed policy from IT. Every
// value knows the layer it came from, and a value IT set cannot be changed by the agent.

const SIP_URI = /^sips?:[^\s<>"]+$/i;
const port = z.number().int().min(0).max(65535);

/**
 * The agent's extension at the PBX. The password is not here: it lives in the secret
 * provider under `passwordSecret`, asked for at each registration.
 */
export const SipAccountSchema = z
  .object({
    /** Where REGISTER and every out-of-dialog request go: the registrar / outbound proxy, e.g. sip:pbx.example.com:5060. */
    registrar: z.string().regex(SIP_URI, 'a sip: URI such as sip:pbx.example.com:5060'),
    /** The SIP domain (realm) of the extension: the host part of sip:8001@<domain>. */
    domain: z.string().min(1).max(253),
    /** The agent's extension (user part of the address of record). */
    user: z.string().regex(/^[A-Za-z0-9._+-]{1,64}$/, 'an extension such as 8001'),
    /** Digest user name when the PBX wants another than the extension. */
    authUsername: z.string().min(1).max(128).nullable().default(null),
    displayName: z.string().max(64).default(''),
    transport: z.enum(['udp', 'tcp']).default('udp'),
    /** Seconds asked for in REGISTER; refreshed at 80 % of what the registrar grants. */
    registerExpires: z.number().int().min(5).max(86_400).default(300),
    passwordSecret: z.string().min(1).max(100).default('sip.password'),
  })
  .strict();
export type SipAccount = z.output<typeof SipAccountSchema>;

/**
 * How drachtio-srf reaches a SIP stack: Zuoxi's own embedded edge (the default, no
 * server to install), or a drachtio-server the center runs. Call code is the same.
 */
export const SipEdgeSettingsSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('embedded'),
      /** 0.0.0.0 listens everywhere and advertises the first external IPv4. */
      host: z.string().min(1).default('0.0.0.0'),
      /** 0 picks a free port: registration tells the PBX where we are. */
      udpPort: port.default(0),
      tcpPort: port.default(0),
    })
    .strict(),
  z
    .object({
      mode: z.literal('external'),
      host: z.string().min(1),
      port: port.default(9022),
      /** The drachtio shared secret is a secret too: its name in the secret provider. */
      secretName: z.string().min(1).max(100).default('drachtio.secret'),
    })
    .strict(),
]);
export type SipEdgeSettings = z.output<typeof SipEdgeSettingsSchema>;

export const SettingsSchema = z.object({
  locale: LocaleSchema,
  /** ISO 3166 region for numbers typed without a country code. */
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'a two-letter region code such as CN'),
  logLevel: z.enum(LOG_LEVELS),
  /** null until someone configures the line: then the status says not_configured. */
  sipAccount: SipAccountSchema.nullable(),
  /** The agent's own SIP phone, which Zuoxi bridges answered calls to (desk-phone mode). */
  deskPhoneUri: z.string().regex(SIP_URI, 'a sip: URI such as sip:desk-8001@192.168.1.20').nullable(),
  sipEdge: SipEdgeSettingsSchema,
  /** CRM connectors the screen pop asks after the local directory, in this order (see directory/connectors). */
  crmConnectors: CrmConnectorsSchema,
  /** How long a lookup waits for the connectors before the card shows with what the cache has (ms). */
  lookupDeadlineMs: LookupDeadlineSchema,
  /** How long a connector's answer is reused without asking again (s); older answers stay as the offline fallback. */
  cacheTtlSeconds: CacheTtlSchema,
  /** Desktop notifications for ringing calls also while Zuoxi's window has the focus (normally the window itself is enough). */
  notifyWhenFocused: z.boolean(),
  /**
   * The center's answer rule: a ringing call is answered within this many seconds
   * (seed 第三篇 三.7 "来电铃响3秒内必须应答"). The call row counts down to it and marks
   * the call overdue after it.
   */
  answerWithinSeconds: z.number().int().min(1).max(120),
  /** Why an agent may be not ready (break, lunch, training, meeting…); `approved: false` ones count as "away" after 10 minutes. */
  notReadyReasons: NotReadyReasonsSchema,
  /** After-call work: on/off, automatic return to ready after N s, disposition required. */
  wrapUp: WrapUpSettingsSchema,
  /** The state the agent is put in when the line first registers in a run ('off': they log in by hand). */
  autoLogin: AutoLoginSchema,
  /** The center's disposition codes (处理结果) for wrap-up. */
  dispositions: CodeListSchema,
  /** Fault types a work order can name. */
  faultTypes: CodeListSchema,
  /** Where the outbox is sent (REST); null = not configured, records wait in the outbox. */
  backOffice: BackOfficeSettingsSchema.nullable(),
  /** Callbacks (回访): retry policy (attempts, spacing), reminder lead time, work-order deadline (24 h). */
  callbacks: CallbackSettingsSchema,
  /** The KPI month's time zone (the center's) and where facts from other systems are fetched. */
  kpi: KpiSettingsSchema,
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export type SettingLayer = 'default' | 'user' | 'policy';

export const DEFAULT_SETTINGS: Settings = {
  locale: 'zh-CN',
  defaultRegion: 'CN',
  logLevel: 'info',
  sipAccount: null,
  deskPhoneUri: null,
  sipEdge: { mode: 'embedded', host: '0.0.0.0', udpPort: 0, tcpPort: 0 },
  crmConnectors: [],
  lookupDeadlineMs: DEFAULT_LOOKUP_DEADLINE_MS,
  cacheTtlSeconds: DEFAULT_CACHE_TTL_SECONDS,
  notifyWhenFocused: false,
  answerWithinSeconds: DEFAULT_ANSWER_WITHIN_SECONDS,
  notReadyReasons: DEFAULT_NOT_READY_REASONS,
  wrapUp: DEFAULT_WRAP_UP,
  autoLogin: 'ready',
  dispositions: DEFAULT_DISPOSITIONS,
  faultTypes: DEFAULT_FAULT_TYPES,
  backOffice: null,
  callbacks: DEFAULT_CALLBACK_SETTINGS,
  kpi: DEFAULT_KPI_SETTINGS,
};

const PartialSettingsSchema = SettingsSchema.partial().strict();

export interface SettingsSources {
  /** The agent's own settings file (read and written). */
  userFile: string;
  /** IT's managed policy file (read only); absent is fine. */
  policyFile: string | null;
  /** IT's policy from the OS channel (Group Policy, MDM; see managed-policy.ts): wins over the file. */
  managed?: ManagedPolicy | null;
}

/** Settings whose value is true/false: a Group Policy DWORD 1/0 means a boolean for these. */
export const BOOLEAN_SETTING_KEYS: ReadonlySet<string> = new Set(
  Object.entries(DEFAULT_SETTINGS).flatMap(([key, value]) => (typeof value === 'boolean' ? [key] : [])),
);

export class SettingsStore {
  private user: Partial<Settings>;
  private readonly policy: Partial<Settings>;

  constructor(
    private readonly sources: SettingsSources,
    overrides: Partial<Settings> = {},
  ) {
    this.user = { ...readLayer(sources.userFile), ...overrides };
    this.policy = {
      ...(sources.policyFile ? readLayer(sources.policyFile) : {}),
      ...(sources.managed ? checkLayer(sources.managed.values, `The ${sources.managed.origin}`) : {}),
    };
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
  return checkLayer(json, `Settings file ${file}`);
}

/** A layer as the settings schema takes it, or refused whole, saying where (`origin`) and why. */
function checkLayer(values: unknown, origin: string): Partial<Settings> {
  const parsed = PartialSettingsSchema.safeParse(values);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new ZuoxiError('invalid_input', `${origin} refused: ${reason}`);
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
