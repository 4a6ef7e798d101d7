import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactInput } from '../../../../main/common/domain';
import { ErrorNote } from '../../../ui/error-note';
import { useDirectoryStore, type UnknownCaller } from '../store';

// The contract's limits, so the agent is stopped while typing rather than refused on save.
const MAX = { name: 200, company: 200, number: 64, tier: 32, tag: 50, tags: 50, notes: 10_000 } as const;

/** Tags as agents type them: commas (either width), 、 or semicolons between; blanks and repeats dropped. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,，、;；]/)
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0)
    .map((tag) => Array.from(tag).slice(0, MAX.tag).join(''));
  return [...new Set(tags)].slice(0, MAX.tags);
}

type Field = 'name' | 'company' | 'number' | 'tier' | 'tags' | 'notes';

/** Values to start from (a caller only the CRM knows: what it said), each cut to the field's limit. */
export type NewContactPrefill = Partial<Record<Field, string>>;

const cut = (value: string, max: number) => Array.from(value).slice(0, max).join('');

/**
 * Turns an unknown caller into a contact while they are still on the line: the number
 * is already filled in, the agent adds the name and what they learn. Saved to the local
 * directory; once saved, the caller's card takes this view's place.
 */
export function NewContactForm({ caller, prefill = {} }: { caller: UnknownCaller; prefill?: NewContactPrefill }) {
  const { t } = useTranslation();
  const id = useId();
  const { saving, error } = useDirectoryStore((state) => state.newContact);
  const saveNewContact = useDirectoryStore((state) => state.saveNewContact);
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<Field, string>>(() => ({
    name: cut(prefill.name ?? '', MAX.name),
    company: cut(prefill.company ?? '', MAX.company),
    // As the caller's phone sent it; the core turns it into E.164.
    number: cut(prefill.number ?? (caller.withheld ? '' : (caller.number ?? '')), MAX.number),
    tier: cut(prefill.tier ?? '', MAX.tier),
    tags: prefill.tags ?? '',
    notes: cut(prefill.notes ?? '', MAX.notes),
  }));
  const [checked, setChecked] = useState(false);

  const missing = {
    name: values.name.trim() === '',
    number: values.number.trim() === '',
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (missing.name || missing.number || saving) return;
    const contact: ContactInput = {
      name: values.name.trim(),
      company: values.company.trim(),
      numbers: [{ raw: values.number.trim() }],
      tier: values.tier.trim(),
      tags: parseTags(values.tags),
      notes: values.notes.trim(),
    };
    await saveNewContact(contact);
  };

  if (!open) {
    return (
      <button type="button" className="new-contact-open" data-testid="new-contact-open" onClick={() => setOpen(true)}>
        {t('newContact.open')}
      </button>
    );
  }

  const input = (field: Exclude<Field, 'notes'>, max: number, extra: { required?: boolean; hint?: string; inputMode?: 'tel' } = {}) => {
    const invalid = checked && extra.required && missing[field as 'name' | 'number'];
    const errorId = `${id}-${field}-error`;
    const hintId = `${id}-${field}-hint`;
    return (
      <div className="new-contact-field">
        <label htmlFor={`${id}-${field}`}>{t(`newContact.${field}`)}</label>
        <input
          id={`${id}-${field}`}
          data-testid={`new-contact-${field}`}
          type="text"
          inputMode={extra.inputMode}
          autoComplete="off"
          maxLength={max}
          value={values[field]}
          aria-required={extra.required || undefined}
          aria-invalid={invalid || undefined}
          aria-describedby={[extra.hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(' ') || undefined}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setValues((current) => ({ ...current, [field]: value }));
          }}
        />
        {extra.hint && (
          <span id={hintId} className="muted">
            {extra.hint}
          </span>
        )}
        {invalid && (
          <span id={errorId} className="settings-error" data-testid={`new-contact-error-${field}`}>
            {t(field === 'name' ? 'newContact.nameRequired' : 'newContact.numberRequired')}
          </span>
        )}
      </div>
    );
  };

  return (
    <form className="new-contact-form" data-testid="new-contact-form" aria-label={t('newContact.title')} noValidate onSubmit={(event) => void submit(event)}>
      <h3 className="section-title">{t('newContact.title')}</h3>
      {input('name', MAX.name, { required: true })}
      {input('company', MAX.company)}
      {input('number', MAX.number, { required: true, inputMode: 'tel' })}
      {input('tier', MAX.tier)}
      {input('tags', 2_000, { hint: t('newContact.tagsHint') })}
      <div className="new-contact-field">
        <label htmlFor={`${id}-notes`}>{t('newContact.notes')}</label>
        <textarea
          id={`${id}-notes`}
          data-testid="new-contact-notes"
          rows={2}
          maxLength={MAX.notes}
          value={values.notes}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setValues((current) => ({ ...current, notes: value }));
          }}
        />
      </div>
      <div className="note-form-actions">
        <button type="submit" data-testid="new-contact-save" disabled={saving}>
          {saving ? t('newContact.saving') : t('newContact.save')}
        </button>
        <button type="button" className="link-button" data-testid="new-contact-cancel" onClick={() => setOpen(false)}>
          {t('newContact.cancel')}
        </button>
      </div>
      {error && <ErrorNote failure={error} context={t('newContact.failed')} testId="new-contact-failed" />}
    </form>
  );
}
