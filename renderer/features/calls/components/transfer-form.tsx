import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallSummary } from '../../../../main/common/domain';
import { isDiallable } from '../call-rules';
import { useCallsStore } from '../store';

interface TransferFormProps {
  call: CallSummary;
  pending: boolean;
  onClose: () => void;
}

/**
 * Where to send the customer. "Transfer now" is blind: the customer's phone calls the
 * target and the agent leaves. "Consult first" holds the customer and rings the target
 * on the agent's phone; the call bar then offers Complete transfer (or Hang up on the
 * consult call and Resume).
 */
export function TransferForm({ call, pending, onClose }: TransferFormProps) {
  const { t } = useTranslation();
  const inputId = useId();
  const [target, setTarget] = useState('');
  const valid = isDiallable(target);
  const store = useCallsStore.getState;

  const run = async (mode: 'blind' | 'consult') => {
    if (!valid || pending) return;
    const ok = mode === 'blind' ? await store().transfer(call.id, target) : await store().consult(call.id, target);
    if (ok) onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run('blind');
  };

  return (
    <form className="transfer-form" data-testid="transfer-form" aria-label={t('calls.transfer.title')} onSubmit={submit}>
      <label htmlFor={inputId}>{t('calls.transfer.target')}</label>
      <input
        id={inputId}
        data-testid="transfer-target"
        className="transfer-target"
        type="text"
        inputMode="tel"
        autoComplete="off"
        spellCheck={false}
        maxLength={256}
        placeholder={t('calls.transfer.placeholder')}
        aria-invalid={target.trim() !== '' && !valid}
        value={target}
        // The agent opened the form to type a target: typing starts at once.
        autoFocus
        onChange={(event) => setTarget(event.currentTarget.value)}
      />
      <button type="submit" data-testid="transfer-blind" disabled={!valid || pending}>
        {t('calls.transfer.blind')}
      </button>
      <button type="button" data-testid="transfer-consult" disabled={!valid || pending} onClick={() => void run('consult')}>
        {t('calls.transfer.consult')}
      </button>
      <button type="button" className="link-button" data-testid="transfer-cancel" onClick={onClose}>
        {t('calls.transfer.cancel')}
      </button>
      {target.trim() !== '' && !valid && (
        <span className="transfer-invalid" role="alert">
          {t('calls.transfer.invalid')}
        </span>
      )}
    </form>
  );
}
