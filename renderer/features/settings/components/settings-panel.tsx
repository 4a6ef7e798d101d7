import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES } from '../../../../main/common/constants';
import type { SettingsView } from '../../../../main/common/domain';
import { isLocale } from '../../../i18n';
import { Drawer } from '../../../ui/drawer';
import { ErrorNote } from '../../../ui/error-note';
import { useLocaleStore } from '../../locale/store';
import { NotificationPermission } from '../../notifications/components/notification-permission';
import {
  changesOf,
  CHINA_OFFSET_MINUTES,
  draftOf,
  FIELD_SETTING,
  LOCAL_ZONE,
  problemsOf,
  storedKpi,
  utcOffsetLabel,
  zoneOffsets,
  type DraftField,
  type Problem,
  type Problems,
  type SettingsDraft,
} from '../rules';
import { isLocked, useSettingsStore } from '../store';

/**
 * The agent sets up their line here; what IT's policy sets is shown, locked, with who set
 * it. One Save sends every changed setting; each is refused or saved on its own.
 */
export function SettingsPanel() {
  const { t } = useTranslation();
  const panelOpen = useSettingsStore((state) => state.panelOpen);
  const view = useSettingsStore((state) => state.view);
  const loading = useSettingsStore((state) => state.loading);
  const loadError = useSettingsStore((state) => state.loadError);
  const closePanel = useSettingsStore((state) => state.closePanel);
  const load = useSettingsStore((state) => state.load);

  if (!panelOpen) return null;
  return (
    <Drawer kind="settings" title={t('settings.title')} closeLabel={t('settings.close')} testId="settings-panel" closeTestId="settings-close" onClose={closePanel}>
      {!view && loading && <p role="status">{t('settings.loading')}</p>}
      {!view && loadError && <ErrorNote failure={loadError} context={t('settings.loadFailed')} onRetry={() => void load()} testId="settings-load-error" />}
      {/* Keyed by nothing that changes while open: a push does not wipe what the agent is typing. */}
      {view && <SettingsForm view={view} />}
    </Drawer>
  );
}

function SettingsForm({ view }: { view: SettingsView }) {
  const { t } = useTranslation();
  const saving = useSettingsStore((state) => state.saving);
  const applied = useSettingsStore((state) => state.applied);
  const save = useSettingsStore((state) => state.save);
  const [draft, setDraft] = useState<SettingsDraft>(() => draftOf(view));
  // A setting IT locks while the panel is open shows IT's value at once, not what the agent had typed into it.
  useEffect(() => setDraft((current) => withLockedFromView(current, view)), [view]);
  // Messages show once the agent has tried to save, then follow every keystroke.
  const [checked, setChecked] = useState(false);
  const locked = (setting: string) => isLocked(view, setting);
  const problems: Problems = checked ? problemsOf(draft, locked) : {};
  const hasProblems = Object.keys(problems).length > 0;

  const change = <F extends DraftField>(field: F, value: SettingsDraft[F]) => setDraft((current) => ({ ...current, [field]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(problemsOf(draft, locked)).length > 0) return;
    const changes = changesOf(draft, view);
    if (changes.length === 0) return;
    await save(changes);
    const latest = useSettingsStore.getState();
    const localeChange = changes.find((c) => c.key === 'locale');
    if (localeChange && !latest.refusals.locale && isLocale(localeChange.value)) await useLocaleStore.getState().adopt(localeChange.value);
    // What the core stored is what the form shows next (defaults filled, text trimmed);
    // a refused setting keeps what the agent typed, to correct it.
    if (latest.view) {
      const stored = draftOf(latest.view);
      setDraft((current) => mergeStored(current, stored, latest.refusals));
    }
  };

  const field = (name: DraftField) => ({ name, problem: problems[name] });

  return (
    <form className="settings-form" data-testid="settings-form" noValidate onSubmit={(event) => void submit(event)}>
      <SettingGroup setting="sipAccount" title={t('settings.sections.sip')} view={view}>
        <TextField {...field('registrar')} label={t('settings.fields.registrar')} hint={t('settings.fields.registrarHint')} value={draft.registrar} onChange={(v) => change('registrar', v)} />
        <TextField {...field('domain')} label={t('settings.fields.domain')} value={draft.domain} onChange={(v) => change('domain', v)} />
        <TextField {...field('user')} label={t('settings.fields.user')} value={draft.user} onChange={(v) => change('user', v)} />
        <TextField {...field('authUser')} label={t('settings.fields.authUser')} hint={t('settings.fields.authUserHint')} value={draft.authUser} onChange={(v) => change('authUser', v)} />
        <SelectField
          name="transport"
          label={t('settings.fields.transport')}
          value={draft.transport}
          options={[
            { value: 'udp', label: 'UDP' },
            { value: 'tcp', label: 'TCP' },
          ]}
          onChange={(v) => change('transport', v === 'tcp' ? 'tcp' : 'udp')}
        />
        <TextField {...field('expires')} label={t('settings.fields.expires')} inputMode="numeric" value={draft.expires} onChange={(v) => change('expires', v)} />
      </SettingGroup>

      <PasswordSection hasAccount={view.values.sipAccount.value !== null} passwordStored={view.passwordStored} />

      <SettingGroup setting="deskPhoneUri" title={t('settings.sections.deskPhone')} view={view}>
        <TextField {...field('deskPhoneUri')} label={t('settings.fields.deskPhoneUri')} hint={t('settings.fields.deskPhoneHint')} value={draft.deskPhoneUri} onChange={(v) => change('deskPhoneUri', v)} />
      </SettingGroup>

      <SettingGroup setting="sipEdge" title={t('settings.sections.edge')} view={view}>
        <div className="settings-choice" role="radiogroup" aria-label={t('settings.fields.edgeMode')}>
          {(['embedded', 'external'] as const).map((mode) => (
            <label key={mode}>
              <input
                type="radio"
                name="edgeMode"
                value={mode}
                data-testid={`settings-field-edgeMode-${mode}`}
                checked={draft.edgeMode === mode}
                onChange={() => change('edgeMode', mode)}
              />
              {t(mode === 'embedded' ? 'settings.fields.edgeEmbedded' : 'settings.fields.edgeExternal')}
            </label>
          ))}
        </div>
        {draft.edgeMode === 'external' && (
          <>
            <TextField {...field('edgeHost')} label={t('settings.fields.edgeHost')} value={draft.edgeHost} onChange={(v) => change('edgeHost', v)} />
            <TextField {...field('edgePort')} label={t('settings.fields.edgePort')} inputMode="numeric" value={draft.edgePort} onChange={(v) => change('edgePort', v)} />
          </>
        )}
      </SettingGroup>

      <div className="settings-section">
        <h3 className="section-title">{t('settings.sections.general')}</h3>
        <SettingGroup setting="defaultRegion" view={view}>
          <TextField {...field('defaultRegion')} label={t('settings.fields.defaultRegion')} hint={t('settings.fields.defaultRegionHint')} value={draft.defaultRegion} onChange={(v) => change('defaultRegion', v)} />
        </SettingGroup>
        <SettingGroup setting="locale" view={view}>
          <SelectField
            name="locale"
            label={t('settings.fields.locale')}
            value={draft.locale}
            // Each language named in itself, as in the status bar's switch.
            options={LOCALES.map((locale) => ({ value: locale, label: t(`language.${locale}`), lang: locale }))}
            onChange={(v) => isLocale(v) && change('locale', v)}
          />
        </SettingGroup>
      </div>

      <SettingGroup setting="kpi" title={t('settings.sections.kpi')} view={view}>
        <SelectField
          name="kpiZone"
          label={t('settings.fields.kpiZone')}
          hint={t('settings.fields.kpiZoneHint')}
          value={draft.kpiZone}
          options={[
            { value: LOCAL_ZONE, label: t('settings.fields.kpiZoneLocal') },
            ...zoneOffsets(storedKpi(view).centerUtcOffsetMinutes).map((minutes) => ({
              value: String(minutes),
              label: minutes === CHINA_OFFSET_MINUTES ? t('settings.fields.kpiZoneChina', { offset: utcOffsetLabel(minutes) }) : utcOffsetLabel(minutes),
            })),
          ]}
          onChange={(v) => change('kpiZone', v)}
        />
        <TextField {...field('kpiUrl')} label={t('settings.fields.kpiUrl')} hint={t('settings.fields.kpiUrlHint')} value={draft.kpiUrl} onChange={(v) => change('kpiUrl', v)} />
        {draft.kpiUrl.trim() !== '' && (
          <>
            <TextField {...field('kpiToken')} label={t('settings.fields.kpiToken')} hint={t('settings.fields.kpiTokenHint')} value={draft.kpiToken} onChange={(v) => change('kpiToken', v)} />
            <TextField {...field('kpiTimeout')} label={t('settings.fields.kpiTimeout')} inputMode="numeric" value={draft.kpiTimeout} onChange={(v) => change('kpiTimeout', v)} />
          </>
        )}
      </SettingGroup>

      <div className="settings-section">
        <h3 className="section-title">{t('settings.sections.notifications')}</h3>
        <SettingGroup setting="notifyWhenFocused" view={view}>
          <label className="settings-check">
            <input
              type="checkbox"
              data-testid="settings-field-notifyWhenFocused"
              checked={draft.notifyWhenFocused}
              onChange={(event) => change('notifyWhenFocused', event.currentTarget.checked)}
            />
            {t('settings.fields.notifyWhenFocused')}
          </label>
        </SettingGroup>
        <NotificationPermission />
      </div>

      <div className="settings-actions settings-footer">
        <button type="submit" data-testid="settings-save" disabled={saving}>
          {saving ? t('settings.saving') : t('settings.save')}
        </button>
        <span role="status" className="settings-outcome" data-testid="settings-outcome">
          {hasProblems ? t('settings.fixErrors') : <AppliedNote applied={applied} />}
        </span>
      </div>
    </form>
  );
}

/** After a save: saved, and the latest of "in effect", "after the calls", "after a restart". */
function AppliedNote({ applied }: { applied: Record<string, string> }) {
  const { t } = useTranslation();
  const values = Object.values(applied);
  if (values.length === 0) return null;
  const when = values.includes('next_start') ? 'next_start' : values.includes('after_calls') ? 'after_calls' : 'now';
  return (
    <span data-applies={when}>
      {t('settings.saved')} · {t(`settings.applies.${when}`)}
    </span>
  );
}

interface SettingGroupProps {
  setting: string;
  title?: string;
  view: SettingsView;
  children: ReactNode;
}

/**
 * One setting as IT locks it and the core saves it: a policy value disables every input
 * inside and says who set it; the core's refusal of the last save shows right here.
 */
function SettingGroup({ setting, title, view, children }: SettingGroupProps) {
  const { t } = useTranslation();
  const locked = isLocked(view, setting);
  const refusal = useSettingsStore((state) => state.refusals[setting]);
  const layer = view.values[setting]?.layer ?? 'default';
  return (
    <fieldset className="settings-group" data-testid={`settings-group-${setting}`} data-layer={layer} disabled={locked}>
      {(title || locked) && (
        <legend className="settings-legend">
          {title}
          {locked && (
            <span className="settings-locked" data-testid={`settings-locked-${setting}`} title={t('settings.lockedHint')}>
              <LockIcon />
              {t('settings.locked')}
            </span>
          )}
        </legend>
      )}
      {children}
      {refusal && <ErrorNote failure={refusal} context={t('settings.notSaved')} testId={`settings-refusal-${setting}`} />}
    </fieldset>
  );
}

/** Drawn, not an emoji: agents' machines (and headless Chromium) may have no emoji font. */
function LockIcon() {
  return (
    <svg className="settings-lock-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}

interface TextFieldProps {
  name: DraftField;
  label: string;
  hint?: string;
  value: string;
  problem: Problem | undefined;
  inputMode?: 'numeric';
  onChange: (value: string) => void;
}

function TextField({ name, label, hint, value, problem, inputMode, onChange }: TextFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const described = [hint ? `${id}-hint` : null, problem ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="settings-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        data-testid={`settings-field-${name}`}
        value={value}
        inputMode={inputMode}
        autoComplete="off"
        spellCheck={false}
        maxLength={300}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      {hint && (
        <span id={`${id}-hint`} className="settings-hint muted">
          {hint}
        </span>
      )}
      {problem && (
        <span id={`${id}-error`} className="settings-error" data-testid={`settings-error-${name}`} data-problem={problem.code}>
          {problem.code === 'tooLong' ? t('settings.invalid.tooLong', { max: problem.max }) : t(`settings.invalid.${problem.code}`)}
        </span>
      )}
    </div>
  );
}

interface SelectFieldProps {
  name: DraftField;
  label: string;
  hint?: string;
  value: string;
  options: Array<{ value: string; label: string; lang?: string }>;
  onChange: (value: string) => void;
}

function SelectField({ name, label, hint, value, options, onChange }: SelectFieldProps) {
  const id = useId();
  return (
    <div className="settings-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        data-testid={`settings-field-${name}`}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.currentTarget.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value} lang={option.lang}>
            {option.label}
          </option>
        ))}
      </select>
      {hint && (
        <span id={`${id}-hint`} className="settings-hint muted">
          {hint}
        </span>
      )}
    </div>
  );
}

/**
 * The SIP password goes straight to the core's secret store (calls.setPassword). It is
 * kept only in this input until sent, never read back, never shown: the screen only
 * says whether one is stored.
 */
function PasswordSection({ hasAccount, passwordStored }: { hasAccount: boolean; passwordStored: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [password, setPassword] = useState('');
  const { saving, error, saved } = useSettingsStore((state) => state.password);
  const savePassword = useSettingsStore((state) => state.savePassword);

  const send = async () => {
    const entered = password;
    // Cleared at once: the password is not left in the page while the core works.
    setPassword('');
    await savePassword(entered);
  };

  return (
    <fieldset className="settings-group" data-testid="settings-group-password">
      <legend className="settings-legend">{t('settings.sections.password')}</legend>
      <p className="muted" data-testid="settings-password-state" data-stored={passwordStored ? 'true' : 'false'}>
        {passwordStored ? t('settings.password.stored') : t('settings.password.notStored')}
      </p>
      <div className="settings-field">
        <label htmlFor={id}>{t('settings.password.label')}</label>
        <input
          id={id}
          type="password"
          data-testid="settings-password-input"
          autoComplete="new-password"
          maxLength={256}
          value={password}
          disabled={!hasAccount}
          onChange={(event) => setPassword(event.currentTarget.value)}
          onKeyDown={(event) => {
            // Enter here saves the password, not the rest of the form.
            if (event.key === 'Enter') {
              event.preventDefault();
              if (password) void send();
            }
          }}
        />
        {!hasAccount && <span className="settings-hint muted">{t('settings.password.needsAccount')}</span>}
      </div>
      <div className="settings-actions">
        <button type="button" data-testid="settings-password-save" disabled={!hasAccount || !password || saving} onClick={() => void send()}>
          {saving ? t('settings.saving') : t('settings.password.save')}
        </button>
        <span role="status">{saved && t('settings.password.saved')}</span>
      </div>
      {error && <ErrorNote failure={error} testId="settings-password-error" />}
    </fieldset>
  );
}

/** Saved settings take the stored value; refused ones keep the agent's text for correction. */
function mergeStored(current: SettingsDraft, stored: SettingsDraft, refusals: Record<string, unknown>): SettingsDraft {
  const next = { ...stored };
  for (const field of Object.keys(current) as DraftField[]) {
    if (Object.hasOwn(refusals, FIELD_SETTING[field])) (next as Record<DraftField, unknown>)[field] = current[field];
  }
  return next;
}

/** `current` with every field of a policy-locked setting replaced by the view's value (the same object when nothing changes). */
function withLockedFromView(current: SettingsDraft, view: SettingsView): SettingsDraft {
  const stored = draftOf(view);
  let next = current;
  for (const field of Object.keys(current) as DraftField[]) {
    if (isLocked(view, FIELD_SETTING[field]) && current[field] !== stored[field]) next = { ...next, [field]: stored[field] };
  }
  return next;
}
