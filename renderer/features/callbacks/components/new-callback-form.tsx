import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../ui/error-note';
import { useCallbacksStore } from '../store';

interface NewCallbackFormProps {
  /** The call being wrapped up, for a callback promised during it. */
  fromCallId?: string | null;
  /** A number to start from (the caller's); the agent may change it. */
  initialNumber?: string;
  onDone?(): void;
  testId?: string;
}

/** A callback by hand: number, what it is about, and when (empty: the center's default delay). */
export function NewCallbackForm({ fromCallId = null, initialNumber = '', onDone, testId = 'callback-new-form' }: NewCallbackFormProps) {
  const { t } = useTranslation();
  const create = useCallbacksStore((s) => s.create);
  const [number, setNumber] = useState(initialNumber);
  const [subject, setSubject] = useState('');
  const [due, setDue] = useState('');
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState(false);
  const error = useCallbacksStore((s) => s.createError);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!number.trim() || pending) return;
    setPending(true);
    // datetime-local is local time without an offset: the Date reads it as such.
    const dueAt = due ? new Date(due).toISOString() : null;
    const ok = await create({ number: number.trim(), subject: subject.trim(), dueAt, fromCallId });
    setPending(false);
    if (ok) {
      setCreated(true);
      setSubject('');
      setDue('');
      onDone?.();
    }
  };

  return (
    <form className="callback-new" data-testid={testId} onSubmit={(e) => void onSubmit(e)}>
      <input
        data-testid="callback-new-number"
        type="tel"
        aria-label={t('callbacks.new.number')}
        placeholder={t('callbacks.new.number')}
        maxLength={64}
        value={number}
        onChange={(e) => {
          setNumber(e.target.value);
          setCreated(false);
        }}
      />
      <input data-testid="callback-new-subject" aria-label={t('callbacks.new.subject')} placeholder={t('callbacks.new.subject')} maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} />
      <label className="callback-new-due">
        <span className="muted">{t('callbacks.new.due')}</span>
        <input data-testid="callback-new-due" type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
      </label>
      <button type="submit" data-testid="callback-new-save" disabled={!number.trim() || pending}>
        {t('callbacks.new.save')}
      </button>
      {created && (
        <span className="wrap-up-saved" role="status" data-testid="callback-new-created">
          {t('callbacks.new.created')}
        </span>
      )}
      {error && <ErrorNote failure={error} context={t('callbacks.new.failed')} testId="callback-new-error" />}
    </form>
  );
}
