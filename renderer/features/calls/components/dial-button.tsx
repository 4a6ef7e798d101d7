import { useTranslation } from 'react-i18next';
import { isDiallable } from '../call-rules';
import { useCallsStore } from '../store';
import { useCanDial } from '../use-can-dial';

/** Click-to-dial next to a number: the agent's desk phone rings first, then the customer. */
export function DialButton({ number }: { number: string }) {
  const { t } = useTranslation();
  const canDial = useCanDial();
  const dialNumber = useCallsStore((state) => state.dialNumber);
  const label = t('card.dial', { number });
  return (
    <button
      type="button"
      className="dial-button"
      data-testid="dial-number"
      data-number={number}
      aria-label={label}
      title={label}
      disabled={!canDial || !isDiallable(number)}
      onClick={() => void dialNumber(number)}
    >
      {t('dialPad.call')}
    </button>
  );
}
