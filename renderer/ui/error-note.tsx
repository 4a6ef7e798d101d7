import { useTranslation } from 'react-i18next';
import type { Failure } from '../api';

interface ErrorNoteProps {
  failure: Failure;
  /** What failed, already translated (e.g. "History could not be loaded"). */
  context?: string;
  onRetry?: () => void;
  testId?: string;
}

/**
 * A failed call as the agent sees it: the translated meaning of its code, and the
 * core's own message (safe to show by contract) as detail.
 */
export function ErrorNote({ failure, context, onRetry, testId }: ErrorNoteProps) {
  const { t } = useTranslation();
  return (
    <div className="error-note" role="alert" data-testid={testId} data-code={failure.code}>
      <span className="error-note-text">
        {context ? `${context}: ` : ''}
        {t(`errors.${failure.code}`)}
      </span>
      {failure.message && (
        <span className="error-note-detail ellipsis" title={failure.message}>
          {failure.message}
        </span>
      )}
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
