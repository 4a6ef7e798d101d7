import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../ui/error-note';
import { useDirectoryStore } from '../store';

const MAX_NOTE_LENGTH = 10_000; // the contract's limit on a summary

export function NoteForm() {
  const { t } = useTranslation();
  const inputId = useId();
  const [text, setText] = useState('');
  const [saved, setSaved] = useState(false);
  const { saving, error } = useDirectoryStore((state) => state.note);
  const addNote = useDirectoryStore((state) => state.addNote);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await addNote(text)) {
      setText('');
      setSaved(true);
    }
  };

  return (
    <form className="note-form" data-testid="note-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor={inputId}>{t('note.label')}</label>
      <textarea
        id={inputId}
        data-testid="note-input"
        rows={2}
        maxLength={MAX_NOTE_LENGTH}
        placeholder={t('note.placeholder')}
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setSaved(false);
        }}
      />
      <div className="note-form-actions">
        <button type="submit" data-testid="note-submit" disabled={saving || !text.trim()}>
          {saving ? t('note.saving') : t('note.submit')}
        </button>
        <span className="note-form-status" role="status">
          {saved && t('note.saved')}
        </span>
      </div>
      {error && <ErrorNote failure={error} />}
    </form>
  );
}
