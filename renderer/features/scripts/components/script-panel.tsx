import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../ui/error-note';
import { useCallsStore } from '../../calls/store';
import { useScriptsStore, type PresentedStep } from '../store';

/** The customer call the script follows: the one up (or held), never a consult leg. */
function useScriptCallId(): string | null {
  return useCallsStore((s) => s.calls.find((c) => (c.state === 'active' || c.state === 'held') && c.consultFor === null)?.id ?? null);
}

/** The script (话术) of the call that is up: the step to say, its answers, objections and the path taken. */
export function ScriptPanel() {
  const { t } = useTranslation();
  const callId = useScriptCallId();
  const follow = useScriptsStore((s) => s.follow);
  const followed = useScriptsStore((s) => s.callId);
  const step = useScriptsStore((s) => s.step);
  const crumbs = useScriptsStore((s) => s.crumbs);
  const snippet = useScriptsStore((s) => s.snippet);
  const noScript = useScriptsStore((s) => s.noScript);
  const pending = useScriptsStore((s) => s.pending);
  const error = useScriptsStore((s) => s.error);

  useEffect(() => {
    void follow(callId);
  }, [callId, follow]);

  if (!callId || followed !== callId) return null;
  if (noScript) {
    return (
      <p className="script-none muted" data-testid="script-none">
        {t('scripts.none')}
      </p>
    );
  }
  return (
    <section className="script-panel" data-testid="script-panel" data-call-id={callId} aria-label={t('scripts.title')} aria-busy={pending || undefined}>
      <h2>{t('scripts.title')}</h2>
      {crumbs.length > 0 && (
        <ol className="script-crumbs" data-testid="script-crumbs" aria-label={t('scripts.path')}>
          {crumbs.map((crumb, index) => (
            <li key={`${index}-${crumb.stepId}`} data-testid="script-crumb" data-step-id={crumb.stepId} title={crumb.text}>
              {crumb.choice ?? t('scripts.said')}
            </li>
          ))}
        </ol>
      )}
      {error && <ErrorNote failure={error} context={t('scripts.failed')} onRetry={step ? undefined : () => void useScriptsStore.getState().retry()} testId="script-error" />}
      {step && <StepView step={step} pending={pending} />}
      {snippet && (
        <aside className="script-snippet" data-testid="script-snippet" data-snippet-id={snippet.snippetId}>
          <strong>{snippet.title}</strong>
          <p>{snippet.text}</p>
          <button type="button" className="link-button" data-testid="script-snippet-close" onClick={() => useScriptsStore.getState().closeSnippet()}>
            {t('scripts.closeSnippet')}
          </button>
        </aside>
      )}
    </section>
  );
}

function StepView({ step, pending }: { step: PresentedStep; pending: boolean }) {
  const { t } = useTranslation();
  const store = useScriptsStore.getState;
  return (
    <div className="script-step" data-testid="script-step" data-step-id={step.stepId} data-step-type={step.type}>
      {/* Filled by the core as plain text; rendered as a text node, never as markup. */}
      <p className="script-text" data-testid="script-text">
        {step.text}
      </p>
      {step.final && step.outcome && (
        <p className="script-outcome" data-testid="script-outcome">
          {t('scripts.outcome', { outcome: step.outcome })}
        </p>
      )}
      {step.options.length > 0 && (
        <div className="script-options" role="group" aria-label={t('scripts.answers')}>
          {step.options.map((option) => (
            <button key={option.id} type="button" data-testid="script-option" data-option-id={option.id} disabled={pending} onClick={() => void store().answer(option.id)}>
              {option.label}
            </button>
          ))}
        </div>
      )}
      <div className="script-moves">
        {step.type === 'say' && (
          <button type="button" className="primary" data-testid="script-continue" disabled={pending} onClick={() => void store().continue()}>
            {t('scripts.continue')}
          </button>
        )}
        {!step.final && (
          <button type="button" className="script-secondary" data-testid="script-repeat" disabled={pending} onClick={() => void store().repeat()}>
            {t('scripts.repeat')}
          </button>
        )}
        {step.canGoBack && (
          <button type="button" className="script-secondary" data-testid="script-back" disabled={pending} onClick={() => void store().back()}>
            {t('scripts.back')}
          </button>
        )}
      </div>
      {step.objections.length > 0 && (
        <ul className="script-objections" data-testid="script-objections" aria-label={t('scripts.objections')}>
          {step.objections.map((objection) => (
            <li key={objection.id}>
              <button type="button" className="link-button" data-testid="script-objection" data-snippet-id={objection.id} onClick={() => void store().objection(objection.id)}>
                {objection.title}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
