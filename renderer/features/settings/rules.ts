import type { Locale, SettingsView, SipAccountView, SipEdgeView } from '../../../main/common/domain';
import type { SettingChange } from './store';

// The settings form as the agent fills it in, and the checks that give inline messages
// before anything is sent. These mirror the core's settings schema (which the renderer
// cannot import: it is zod, and lives in main/core); the core checks again and has the
// last word, and test/renderer/features/settings-rules.test.ts holds the two together.

export interface SettingsDraft {
  registrar: string;
  domain: string;
  user: string;
  authUser: string;
  transport: 'udp' | 'tcp';
  expires: string;
  deskPhoneUri: string;
  edgeMode: 'embedded' | 'external';
  edgeHost: string;
  edgePort: string;
  defaultRegion: string;
  locale: Locale;
  notifyWhenFocused: boolean;
  /** The center's UTC offset in minutes as the select holds it, or LOCAL_ZONE. */
  kpiZone: string;
  kpiUrl: string;
  kpiToken: string;
  kpiTimeout: string;
}

export type DraftField = keyof SettingsDraft;

export type Problem =
  | { code: 'required' | 'sipUri' | 'extension' | 'expires' | 'port' | 'region' | 'httpUrl' | 'timeout' }
  | { code: 'tooLong'; max: number };

export type Problems = Partial<Record<DraftField, Problem>>;

/** Which setting (the unit the core saves and IT locks) each field belongs to. */
export const FIELD_SETTING: Record<DraftField, string> = {
  registrar: 'sipAccount',
  domain: 'sipAccount',
  user: 'sipAccount',
  authUser: 'sipAccount',
  transport: 'sipAccount',
  expires: 'sipAccount',
  deskPhoneUri: 'deskPhoneUri',
  edgeMode: 'sipEdge',
  edgeHost: 'sipEdge',
  edgePort: 'sipEdge',
  defaultRegion: 'defaultRegion',
  locale: 'locale',
  notifyWhenFocused: 'notifyWhenFocused',
  kpiZone: 'kpi',
  kpiUrl: 'kpi',
  kpiToken: 'kpi',
  kpiTimeout: 'kpi',
};

/** The `kpi` setting as the core stores it (main/core/kpi/kpi-settings.ts validates it). */
export interface KpiSettingsValue {
  centerUtcOffsetMinutes: number | null;
  factsEndpoint: { url: string; tokenSecret: string | null; timeoutMs: number } | null;
}

const DEFAULT_KPI: KpiSettingsValue = { centerUtcOffsetMinutes: null, factsEndpoint: null };
const DEFAULT_KPI_TIMEOUT_MS = 10_000;

/** The zone select's value for "this PC's own zone" (centerUtcOffsetMinutes null). */
export const LOCAL_ZONE = 'local';
/** China Standard Time, which the select names. */
export const CHINA_OFFSET_MINUTES = 480;
const HALF_HOUR_OFFSETS = Array.from({ length: (840 + 720) / 30 + 1 }, (_, index) => -720 + index * 30);

const SIP_URI = /^sips?:[^\s<>"]+$/i;
const EXTENSION = /^[A-Za-z0-9._+-]{1,64}$/;
const REGION = /^[A-Z]{2}$/;
const WHOLE_NUMBER = /^\d+$/;
const HTTP_URL = /^https?:\/\//i;
const SIP_FIELDS = ['registrar', 'domain', 'user', 'authUser'] as const;

export function checkSipUri(value: string): Problem | null {
  if (!value) return { code: 'required' };
  return SIP_URI.test(value) ? null : { code: 'sipUri' };
}

export function checkExtension(value: string): Problem | null {
  if (!value) return { code: 'required' };
  return EXTENSION.test(value) ? null : { code: 'extension' };
}

export function checkText(value: string, max: number, required: boolean): Problem | null {
  if (!value) return required ? { code: 'required' } : null;
  return value.length > max ? { code: 'tooLong', max } : null;
}

export function checkExpires(value: string): Problem | null {
  if (!value) return { code: 'required' };
  const seconds = Number(value);
  return WHOLE_NUMBER.test(value) && seconds >= 5 && seconds <= 86_400 ? null : { code: 'expires' };
}

export function checkPort(value: string): Problem | null {
  if (!value) return { code: 'required' };
  return WHOLE_NUMBER.test(value) && Number(value) <= 65_535 ? null : { code: 'port' };
}

export function checkRegion(value: string): Problem | null {
  if (!value) return { code: 'required' };
  return REGION.test(value) ? null : { code: 'region' };
}

/** Mirrors the core's `z.url({ protocol: /^https?$/ }).max(2048)`. */
export function checkHttpUrl(value: string): Problem | null {
  if (!value) return { code: 'required' };
  if (value.length > 2048) return { code: 'tooLong', max: 2048 };
  if (!HTTP_URL.test(value)) return { code: 'httpUrl' };
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol) ? null : { code: 'httpUrl' };
  } catch {
    return { code: 'httpUrl' };
  }
}

export function checkTimeout(value: string): Problem | null {
  if (!value) return { code: 'required' };
  const ms = Number(value);
  return WHOLE_NUMBER.test(value) && ms >= 100 && ms <= 120_000 ? null : { code: 'timeout' };
}

/** Every half-hour offset a center may be in (UTC−12:00 … UTC+14:00), and the stored one if it is not on the half hour. */
export function zoneOffsets(stored: number | null): number[] {
  if (stored === null || HALF_HOUR_OFFSETS.includes(stored)) return HALF_HOUR_OFFSETS;
  return [...HALF_HOUR_OFFSETS, stored].sort((a, b) => a - b);
}

/** `UTC+08:00`, `UTC−03:30` (with a real minus sign). */
export function utcOffsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '\u2212' : '+';
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The stored `kpi` value; the default when the core's view has none. */
export function storedKpi(view: SettingsView): KpiSettingsValue {
  return (view.values.kpi?.value as KpiSettingsValue | undefined) ?? DEFAULT_KPI;
}

/** An account is being set up as soon as one of its text fields is filled; all empty means none. */
export function hasSipAccount(draft: SettingsDraft): boolean {
  return SIP_FIELDS.some((field) => draft[field].trim() !== '');
}

export function draftOf(view: SettingsView): SettingsDraft {
  const { values } = view;
  const account = values.sipAccount.value;
  const edge = values.sipEdge.value;
  const kpi = storedKpi(view);
  return {
    registrar: account?.registrar ?? '',
    domain: account?.domain ?? '',
    user: account?.user ?? '',
    authUser: account?.authUsername ?? '',
    transport: account?.transport ?? 'udp',
    expires: String(account?.registerExpires ?? 300),
    deskPhoneUri: values.deskPhoneUri.value ?? '',
    edgeMode: edge.mode,
    edgeHost: edge.mode === 'external' ? edge.host : '',
    edgePort: String(edge.mode === 'external' ? edge.port : 9022),
    defaultRegion: values.defaultRegion.value,
    locale: values.locale.value,
    notifyWhenFocused: values.notifyWhenFocused.value,
    kpiZone: kpi.centerUtcOffsetMinutes === null ? LOCAL_ZONE : String(kpi.centerUtcOffsetMinutes),
    kpiUrl: kpi.factsEndpoint?.url ?? '',
    kpiToken: kpi.factsEndpoint?.tokenSecret ?? '',
    kpiTimeout: String(kpi.factsEndpoint?.timeoutMs ?? DEFAULT_KPI_TIMEOUT_MS),
  };
}

/** Inline problems of the fields the agent may change (a locked setting is IT's to get right). */
export function problemsOf(draft: SettingsDraft, locked: (setting: string) => boolean): Problems {
  const found: Problems = {};
  const note = (field: DraftField, problem: Problem | null) => {
    if (problem && !locked(FIELD_SETTING[field])) found[field] = problem;
  };
  const text = trimmed(draft);
  if (hasSipAccount(draft)) {
    note('registrar', checkSipUri(text.registrar));
    note('domain', checkText(text.domain, 253, true));
    note('user', checkExtension(text.user));
    note('authUser', checkText(text.authUser, 128, false));
    note('expires', checkExpires(text.expires));
  }
  if (text.deskPhoneUri) note('deskPhoneUri', checkSipUri(text.deskPhoneUri));
  if (draft.edgeMode === 'external') {
    note('edgeHost', checkText(text.edgeHost, 253, true));
    note('edgePort', checkPort(text.edgePort));
  }
  note('defaultRegion', checkRegion(text.defaultRegion));
  if (text.kpiUrl) {
    note('kpiUrl', checkHttpUrl(text.kpiUrl));
    note('kpiToken', checkText(text.kpiToken, 100, false));
    note('kpiTimeout', checkTimeout(text.kpiTimeout));
  }
  return found;
}

/**
 * What to send: every setting whose value the draft changes, built on the stored value so
 * what the form does not show (display name, the secret's name, the edge's ports) is kept.
 */
export function changesOf(draft: SettingsDraft, view: SettingsView): SettingChange[] {
  const { values } = view;
  const text = trimmed(draft);
  const kpi = storedKpi(view);
  const candidates: SettingChange[] = [
    { key: 'sipAccount', value: hasSipAccount(draft) ? sipAccountOf(text, values.sipAccount.value) : null },
    { key: 'deskPhoneUri', value: text.deskPhoneUri || null },
    { key: 'sipEdge', value: sipEdgeOf(text, values.sipEdge.value) },
    { key: 'defaultRegion', value: text.defaultRegion },
    { key: 'locale', value: draft.locale },
    { key: 'notifyWhenFocused', value: draft.notifyWhenFocused },
    { key: 'kpi', value: kpiOf(text) },
  ];
  // A view without `kpi` (an older core) holds the default, so an untouched section sends nothing.
  const stored = (key: string) => (key === 'kpi' ? kpi : values[key]?.value);
  return candidates.filter(({ key, value }) => values[key]?.layer !== 'policy' && !sameValue(value, stored(key)));
}

/** The whole `kpi` object: the form shows all of it. No URL means no endpoint. */
function kpiOf(text: SettingsDraft): KpiSettingsValue {
  return {
    centerUtcOffsetMinutes: text.kpiZone === LOCAL_ZONE ? null : Number(text.kpiZone),
    factsEndpoint: text.kpiUrl ? { url: text.kpiUrl, tokenSecret: text.kpiToken || null, timeoutMs: Number(text.kpiTimeout) } : null,
  };
}

function sipAccountOf(text: SettingsDraft, stored: SipAccountView | null): Record<string, unknown> {
  return {
    ...(stored ?? {}),
    registrar: text.registrar,
    domain: text.domain,
    user: text.user,
    authUsername: text.authUser || null,
    transport: text.transport,
    registerExpires: Number(text.expires),
  };
}

function sipEdgeOf(text: SettingsDraft, stored: SipEdgeView): Record<string, unknown> {
  if (text.edgeMode === 'embedded') return stored.mode === 'embedded' ? stored : { mode: 'embedded' };
  return {
    ...(stored.mode === 'external' ? { secretName: stored.secretName } : {}),
    mode: 'external',
    host: text.edgeHost,
    port: Number(text.edgePort),
  };
}

function trimmed(draft: SettingsDraft): SettingsDraft {
  const copy = { ...draft };
  for (const field of Object.keys(copy) as DraftField[]) {
    const value = copy[field];
    if (typeof value === 'string') (copy as Record<DraftField, unknown>)[field] = value.trim();
  }
  return copy;
}

/** Deep equality of JSON values, whatever the key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
