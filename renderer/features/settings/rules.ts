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
}

export type DraftField = keyof SettingsDraft;

export type Problem =
  | { code: 'required' | 'sipUri' | 'extension' | 'expires' | 'port' | 'region' }
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
};

const SIP_URI = /^sips?:[^\s<>"]+$/i;
const EXTENSION = /^[A-Za-z0-9._+-]{1,64}$/;
const REGION = /^[A-Z]{2}$/;
const WHOLE_NUMBER = /^\d+$/;
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

/** An account is being set up as soon as one of its text fields is filled; all empty means none. */
export function hasSipAccount(draft: SettingsDraft): boolean {
  return SIP_FIELDS.some((field) => draft[field].trim() !== '');
}

export function draftOf(view: SettingsView): SettingsDraft {
  const { values } = view;
  const account = values.sipAccount.value;
  const edge = values.sipEdge.value;
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
  return found;
}

/**
 * What to send: every setting whose value the draft changes, built on the stored value so
 * what the form does not show (display name, the secret's name, the edge's ports) is kept.
 */
export function changesOf(draft: SettingsDraft, view: SettingsView): SettingChange[] {
  const { values } = view;
  const text = trimmed(draft);
  const candidates: SettingChange[] = [
    { key: 'sipAccount', value: hasSipAccount(draft) ? sipAccountOf(text, values.sipAccount.value) : null },
    { key: 'deskPhoneUri', value: text.deskPhoneUri || null },
    { key: 'sipEdge', value: sipEdgeOf(text, values.sipEdge.value) },
    { key: 'defaultRegion', value: text.defaultRegion },
    { key: 'locale', value: draft.locale },
    { key: 'notifyWhenFocused', value: draft.notifyWhenFocused },
  ];
  return candidates.filter(({ key, value }) => values[key]?.layer !== 'policy' && !sameValue(value, values[key]?.value));
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
