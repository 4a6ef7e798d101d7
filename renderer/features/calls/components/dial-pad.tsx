import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../ui/error-note';
import { currentCall, DTMF_KEYS, isAllowed, isDiallable } from '../call-rules';
import { useCallsStore } from '../store';
import { useCanDial } from '../use-can-dial';

type PadMode = 'dial' | 'dtmf' | 'busy';

/**
 * One pad, two jobs: with no call it dials (click-to-dial through the agent's desk
 * phone); in a call its keys send tones to the customer (an IVR, an extension).
 */
export function DialPad() {
  const { t } = useTranslation();
  const inputId = useId();
  const calls = useCallsStore((state) => state.calls);
  const dial = useCallsStore((state) => state.dial);
  const canDial = useCanDial();
  const store = useCallsStore.getState;
  const [number, setNumber] = useState('');
  const dialRequest = useCallsStore((state) => state.dialRequest);
  const input = useRef<HTMLInputElement>(null);
  // The number came from a tel:/sip: link and the agent has not changed it yet.
  const [fromLink, setFromLink] = useState(false);
  // Tones sent in the current call; a different call starts with none.
  const [tones, setTones] = useState<{ callId: string; digits: string }>({ callId: '', digits: '' });

  const current = currentCall(calls);
  const toneCall = current && isAllowed('dtmf', current, calls) ? current : undefined;
  const mode: PadMode = toneCall ? 'dtmf' : calls.length === 0 && !dial.pending ? 'dial' : 'busy';
  const sent = toneCall && tones.callId === toneCall.id ? tones.digits : '';

  // A link's number waits while the pad is busy (a call, a dial on its way), then fills it;
  // the agent checks it and presses Call — a link never dials by itself.
  useEffect(() => {
    if (mode !== 'dial' || !dialRequest) return;
    setNumber(dialRequest.number);
    setFromLink(true);
    store().takeDialRequest(dialRequest.seq);
    input.current?.focus();
  }, [mode, dialRequest, store]);

  const press = (key: string) => {
    if (mode === 'dtmf' && toneCall) {
      setTones({ callId: toneCall.id, digits: (sent + key).slice(-32) });
      void store().dtmf(toneCall.id, key);
    } else if (mode === 'dial') {
      setNumber((value) => (value + key).slice(0, 64));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mode !== 'dial' || !canDial || !isDiallable(number)) return;
    if (await store().dialNumber(number)) {
      setNumber('');
      setFromLink(false);
    }
  };

  const onToneKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (mode !== 'dtmf' || event.repeat) return;
    if ((DTMF_KEYS as readonly string[]).includes(event.key)) {
      event.preventDefault();
      press(event.key);
    }
  };

  const keysEnabled = mode === 'dtmf' || (mode === 'dial' && !dial.pending);
  return (
    <section className="dial-pad" data-testid="dial-pad" data-mode={mode} aria-label={t('dialPad.title')}>
      <h2 className="section-title">{t('dialPad.title')}</h2>
      <form className="dial-pad-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor={inputId} className="visually-hidden">
          {t('dialPad.number')}
        </label>
        <input
          id={inputId}
          ref={input}
          className="dial-pad-input"
          data-testid="dial-pad-input"
          type="text"
          inputMode="tel"
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          placeholder={t('dialPad.placeholder')}
          readOnly={mode !== 'dial'}
          value={mode === 'dtmf' ? sent : number}
          onChange={(event) => {
            setNumber(event.currentTarget.value);
            setFromLink(false);
          }}
          onKeyDown={onToneKey}
        />
        <button type="submit" data-testid="dial-pad-call" disabled={mode !== 'dial' || !canDial || !isDiallable(number)}>
          {t('dialPad.call')}
        </button>
        {mode === 'dial' && number && (
          <button
            type="button"
            className="link-button"
            data-testid="dial-pad-clear"
            onClick={() => {
              setNumber('');
              setFromLink(false);
            }}
          >
            {t('dialPad.clear')}
          </button>
        )}
      </form>
      <div className="dial-pad-keys" role="group" aria-label={t(`dialPad.mode.${mode}`)}>
        {DTMF_KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className="dial-pad-key"
            data-testid="dial-pad-key"
            data-key={key}
            aria-label={t('dialPad.key', { key })}
            disabled={!keysEnabled}
            onClick={() => press(key)}
          >
            {key}
          </button>
        ))}
      </div>
      <p className="dial-pad-mode muted" data-testid="dial-pad-mode" role="status">
        {dial.pending && dial.number
          ? t('dialPad.calling', { number: dial.number })
          : dialRequest && mode !== 'dial'
            ? t('dialLink.waiting', { number: dialRequest.number })
            : fromLink && number && mode === 'dial'
              ? t('dialLink.ready')
              : t(`dialPad.mode.${mode}`)}
      </p>
      {dial.error && <ErrorNote failure={dial.error} context={t('dialPad.failed')} testId="dial-error" />}
    </section>
  );
}
