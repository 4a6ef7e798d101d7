import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Interaction, PhoneNumber } from '../../../../main/common/domain';
import { ErrorNote } from '../../../ui/error-note';
import { isDiallable } from '../../calls/call-rules';
import { DialButton } from '../../calls/components/dial-button';
import { useDirectoryStore, type UnknownCaller } from '../store';
import { InteractionLine } from './interaction-line';
import { NewContactForm } from './new-contact-form';
import { NoteForm } from './note-form';

const KNOWN_NUMBER_LABELS = ['mobile', 'work', 'home', 'other'] as const;
type KnownNumberLabel = (typeof KNOWN_NUMBER_LABELS)[number];

// Number labels are the center's own words; the usual ones are translated, the rest shown as typed.
function numberLabel(label: string, t: TFunction): string {
  const key = label.toLowerCase();
  return (KNOWN_NUMBER_LABELS as readonly string[]).includes(key) ? t(`card.numberLabel.${key as KnownNumberLabel}`) : label;
}

/**
 * What click-to-dial sends: the number as the center stored it (national format, which
 * is what PBX dial plans here expect), or its E.164 form when the stored text is not
 * something a phone could dial (a note like "转 8001").
 */
export function dialStringOf(number: PhoneNumber): string {
  return isDiallable(number.raw) ? number.raw.trim() : number.e164;
}

export function CallerCard() {
  const { t } = useTranslation();
  const { contactId, card, loading, error } = useDirectoryStore((state) => state.card);
  const unknownCaller = useDirectoryStore((state) => state.unknownCaller);
  const openContact = useDirectoryStore((state) => state.openContact);

  if (contactId === null && unknownCaller) return <UnknownCallerView caller={unknownCaller} />;
  if (contactId === null) {
    return (
      <section className="caller-card caller-card-empty" data-testid="caller-card-empty" aria-label={t('card.region')}>
        <p>{t('card.empty')}</p>
      </section>
    );
  }
  if (!card) {
    return (
      <section className="caller-card" aria-label={t('card.region')} aria-busy={loading}>
        {loading && <p role="status">{t('card.loading')}</p>}
        {error && <ErrorNote failure={error} onRetry={() => void openContact(contactId)} testId="caller-card-error" />}
      </section>
    );
  }

  const { contact, recent, openItems, interactionCount } = card;
  return (
    <section className="caller-card" data-testid="caller-card" data-contact-id={contact.id} aria-label={t('card.region')}>
      <header className="caller-card-header">
        <h2 className="caller-card-name ellipsis" data-testid="caller-card-name" title={contact.name}>
          {contact.name}
        </h2>
        {contact.tier && (
          <span className="tier" data-testid="caller-card-tier" data-tier={contact.tier.toLowerCase()} title={t('card.tier')}>
            {contact.tier}
          </span>
        )}
      </header>
      <dl className="caller-card-fields">
        <dt>{t('card.company')}</dt>
        <dd className="ellipsis" data-testid="caller-card-company" title={contact.company}>
          {contact.company || '—'}
        </dd>
        <dt>{t('card.numbers')}</dt>
        <dd>
          <ul className="inline-list" data-testid="caller-card-numbers">
            {contact.numbers.map((number, index) => (
              <li key={`${number.e164}-${index}`} className="phone-number">
                <span className="phone-number-label">{numberLabel(number.label, t)}</span>
                <span className="phone-number-value">{number.e164 || number.raw}</span>
                <DialButton number={dialStringOf(number)} />
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t('card.tags')}</dt>
        <dd>
          {contact.tags.length ? (
            <ul className="inline-list" data-testid="caller-card-tags">
              {contact.tags.map((tag, index) => (
                <li key={`${tag}-${index}`} className="tag ellipsis" title={tag}>
                  {tag}
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">{t('card.noTags')}</span>
          )}
        </dd>
        {contact.notes && (
          <>
            <dt>{t('card.notes')}</dt>
            <dd className="caller-card-notes clamp-2" data-testid="caller-card-notes" title={contact.notes}>
              {contact.notes}
            </dd>
          </>
        )}
      </dl>
      <div className="caller-card-columns">
        <InteractionList
          title={t('card.openItems')}
          empty={t('card.noOpenItems')}
          items={openItems}
          testId="caller-card-open-items"
        />
        <InteractionList
          title={t('card.recent')}
          aside={t('card.interactionCount', { count: interactionCount })}
          empty={t('card.noRecent')}
          items={recent}
          testId="caller-card-recent"
        />
      </div>
      <NoteForm />
    </section>
  );
}

/** A ringing caller no contact has: what their phone said, and a way to call them back. */
function UnknownCallerView({ caller }: { caller: UnknownCaller }) {
  const { t } = useTranslation();
  const number = caller.withheld ? null : caller.number;
  return (
    <section className="caller-card caller-unknown" data-testid="caller-unknown" aria-label={t('card.region')}>
      <header className="caller-card-header">
        <h2 className="caller-card-name">{t('card.unknown.title')}</h2>
      </header>
      <p className="muted">{t('card.unknown.hint')}</p>
      <dl className="caller-card-fields">
        <dt>{t('card.unknown.number')}</dt>
        <dd className="phone-number">
          <span className="phone-number-value" data-testid="caller-unknown-number" data-withheld={caller.withheld ? 'true' : undefined}>
            {caller.withheld ? t('calls.withheld') : (number ?? t('calls.noNumber'))}
          </span>
          {number && <DialButton number={number} />}
        </dd>
        {caller.displayName && (
          <>
            <dt>{t('card.unknown.shownName')}</dt>
            <dd className="ellipsis" data-testid="caller-unknown-name" title={caller.displayName}>
              {caller.displayName}
            </dd>
          </>
        )}
      </dl>
      {/* Keyed by call: the next unknown caller starts with their own number. */}
      <NewContactForm key={caller.callId} caller={caller} />
    </section>
  );
}

interface InteractionListProps {
  title: string;
  aside?: string;
  empty: string;
  items: Interaction[];
  testId: string;
}

function InteractionList({ title, aside, empty, items, testId }: InteractionListProps) {
  return (
    <section className="interaction-list" aria-label={title}>
      <h3>
        {title}
        {aside && <span className="muted"> {aside}</span>}
      </h3>
      {items.length ? (
        <ul data-testid={testId}>
          {items.map((item) => (
            <li key={item.id} className="interaction">
              <InteractionLine item={item} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid={`${testId}-empty`}>
          {empty}
        </p>
      )}
    </section>
  );
}
