import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldProblem, WORK_ORDER_FIELDS } from '../../../../main/common/channels/work';
import type { Locale } from '../../../../main/common/domain';
import { ErrorNote } from '../../../ui/error-note';
import { useNow } from '../../calls/use-now';
import { codeLabel, useAgentStore } from '../../agent/store';
import { NewCallbackForm } from '../../callbacks/components/new-callback-form';
import { useWrapUpStore } from '../store';
import { useWrapUpCallId } from '../use-wrap-up-call';

type Field = (typeof WORK_ORDER_FIELDS)[number];

const NO_PROBLEMS: FieldProblem[] = [];

/** The after-call work form for the call being wrapped up (nothing when there is none). */
export function WrapUpPanel() {
  const callId = useWrapUpCallId();
  // Keyed by call: each call's form starts empty.
  return callId ? <WrapUpForm key={callId} callId={callId} /> : null;
}

function WrapUpForm({ callId }: { callId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const options = useAgentStore((s) => s.options);
  const optionsError = useAgentStore((s) => s.optionsError);
  const loadOptions = useAgentStore((s) => s.loadOptions);
  const snapshot = useAgentStore((s) => s.snapshot);
  const forThisCall = useWrapUpStore((s) => s.callId === callId);
  const pending = useWrapUpStore((s) => s.pending && forThisCall);
  const problems = useWrapUpStore((s) => (forThisCall ? s.problems : NO_PROBLEMS));
  const saved = useWrapUpStore((s) => (forThisCall ? s.saved : null));
  const error = useWrapUpStore((s) => (forThisCall ? s.error : null));
  const save = useWrapUpStore((s) => s.save);
  const close = useWrapUpStore((s) => s.close);

  const [disposition, setDisposition] = useState('');
  const [notes, setNotes] = useState('');
  const [withOrder, setWithOrder] = useState(false);
  const [faultType, setFaultType] = useState('');
  const [address, setAddress] = useState('');
  const [contactPhone, setContactPhone] = useState('');
  const [description, setDescription] = useState('');
  const [promising, setPromising] = useState(false);
  const ended = useWrapUpStore((s) => s.ended);
  const callerNumber = ended?.callId === callId ? ended.number : '';

  const required = options?.wrapUp.dispositionRequired ?? false;
  const inWrapUp = snapshot?.state === 'wrap_up' && snapshot.callId === callId;
  const problemOf = (field: Field): FieldProblem | undefined => problems.find((p) => p.field === field);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save(callId, {
      disposition,
      notes,
      workOrder: withOrder ? { faultType, address, contactPhone, description } : null,
    });
  };

  return (
    <section className="wrap-up" data-testid="wrapup-form" data-call-id={callId} aria-label={t('wrapUp.title')}>
      <header className="wrap-up-header">
        <h2>{t('wrapUp.title')}</h2>
        {inWrapUp && snapshot.wrapUpEndsAt && <AutoReady endsAt={snapshot.wrapUpEndsAt} />}
        {inWrapUp && snapshot.dispositionMissing && (
          <span className="wrap-up-required" data-testid="wrapup-disposition-missing">
            {t('wrapUp.dispositionMissing')}
          </span>
        )}
      </header>
      {optionsError && <ErrorNote failure={optionsError} context={t('wrapUp.optionsFailed')} onRetry={() => void loadOptions()} testId="wrapup-options-error" />}
      <form className="wrap-up-fields" noValidate onSubmit={onSubmit}>
        <Row label={t('wrapUp.disposition')} required={required} problem={problemOf('disposition')} field="disposition">
          <select data-testid="wrapup-disposition" value={disposition} required={required} aria-invalid={problemOf('disposition') ? true : undefined} onChange={(e) => setDisposition(e.target.value)}>
            <option value="">{t('wrapUp.choose')}</option>
            {options?.dispositions.map((d) => (
              <option key={d.code} value={d.code}>
                {codeLabel(options.dispositions, d.code, locale)}
              </option>
            ))}
          </select>
        </Row>
        <Row label={t('wrapUp.notes')}>
          <textarea data-testid="wrapup-notes" rows={3} maxLength={10_000} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </Row>
        <label className="wrap-up-toggle">
          <input type="checkbox" data-testid="wrapup-with-order" checked={withOrder} onChange={(e) => setWithOrder(e.target.checked)} />
          {t('wrapUp.withOrder')}
        </label>
        {withOrder && (
          <fieldset className="wrap-up-order" data-testid="wrapup-order">
            <legend>{t('wrapUp.order.title')}</legend>
            <Row label={t('wrapUp.order.faultType')} required problem={problemOf('faultType')} field="faultType">
              <select data-testid="wrapup-fault-type" value={faultType} aria-invalid={problemOf('faultType') ? true : undefined} onChange={(e) => setFaultType(e.target.value)}>
                <option value="">{t('wrapUp.choose')}</option>
                {options?.faultTypes.map((f) => (
                  <option key={f.code} value={f.code}>
                    {codeLabel(options.faultTypes, f.code, locale)}
                  </option>
                ))}
              </select>
            </Row>
            <Row label={t('wrapUp.order.address')} required problem={problemOf('address')} field="address">
              <input data-testid="wrapup-address" maxLength={500} value={address} aria-invalid={problemOf('address') ? true : undefined} onChange={(e) => setAddress(e.target.value)} />
            </Row>
            <Row label={t('wrapUp.order.contactPhone')} required problem={problemOf('contactPhone')} field="contactPhone">
              <input data-testid="wrapup-contact-phone" type="tel" maxLength={64} value={contactPhone} aria-invalid={problemOf('contactPhone') ? true : undefined} onChange={(e) => setContactPhone(e.target.value)} />
            </Row>
            <Row label={t('wrapUp.order.description')} required problem={problemOf('description')} field="description">
              <textarea data-testid="wrapup-description" rows={3} maxLength={4000} value={description} aria-invalid={problemOf('description') ? true : undefined} onChange={(e) => setDescription(e.target.value)} />
            </Row>
          </fieldset>
        )}
        {error && <ErrorNote failure={error} context={t('wrapUp.saveFailed')} testId="wrapup-error" />}
        <div className="wrap-up-actions">
          <button type="submit" data-testid="wrapup-save" disabled={pending || options === null} data-pending={pending ? 'true' : undefined}>
            {saved ? t('wrapUp.saveAgain') : t('wrapUp.save')}
          </button>
          {saved && (
            <span className="wrap-up-saved" role="status" data-testid="wrapup-saved" data-revision={saved.wrapUp.revision}>
              {saved.workOrder ? t('wrapUp.savedWithOrder', { revision: saved.wrapUp.revision, order: saved.workOrder.id }) : t('wrapUp.saved', { revision: saved.wrapUp.revision })}
            </span>
          )}
          {/* In wrap-up the core decides when the agent may leave; otherwise the agent may skip a form nobody requires. */}
          {(saved || !inWrapUp) && (
            <button type="button" className="link-button" data-testid="wrapup-close" onClick={() => close(callId)}>
              {t('common.dismiss')}
            </button>
          )}
        </div>
      </form>
      <label className="wrap-up-toggle">
        <input type="checkbox" data-testid="wrapup-promise-callback" checked={promising} onChange={(e) => setPromising(e.target.checked)} />
        {t('callbacks.new.promise')}
      </label>
      {promising && <NewCallbackForm fromCallId={callId} initialNumber={callerNumber} testId="wrapup-callback-form" />}
    </section>
  );
}

interface RowProps {
  label: string;
  required?: boolean;
  problem?: FieldProblem | undefined;
  field?: Field;
  children: ReactNode;
}

function Row({ label, required, problem, field, children }: RowProps) {
  const { t } = useTranslation();
  return (
    <div className="wrap-up-row">
      <label>
        <span className="wrap-up-label">
          {label}
          {required && <span className="wrap-up-star"> *</span>}
        </span>
        {children}
      </label>
      {problem && field && (
        <span className="wrap-up-problem" role="alert" data-testid={`wrapup-problem-${field}`} data-code={problem.code} title={problem.reason}>
          {t(`wrapUp.problem.${problem.code}`)}
        </span>
      )}
    </div>
  );
}

function AutoReady({ endsAt }: { endsAt: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const left = Math.max(0, Math.ceil((Date.parse(endsAt) - now) / 1000));
  if (Number.isNaN(left)) return null;
  return (
    <span className="muted" data-testid="wrapup-auto-ready">
      {t('wrapUp.autoReady', { seconds: left })}
    </span>
  );
}
