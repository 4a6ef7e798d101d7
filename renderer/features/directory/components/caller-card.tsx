import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ContactCard, CrmInfo, Interaction, PhoneNumber } from '../../../../main/common/domain';
import { ErrorNote } from '../../../ui/error-note';
import { isDiallable } from '../../calls/call-rules';
import { DialButton } from '../../calls/components/dial-button';
import { isStoredCard, useDirectoryStore, type UnknownCaller } from '../store';
import { CardSourcesLine, CardStaleNote, FactSource } from './card-provenance';
import { CrmLists } from './crm-section';
import { InteractionLine } from './interaction-line';
import { NewContactForm, type NewContactPrefill } from './new-contact-form';
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
  const { contactId, card, loading, error, callId } = useDirectoryStore((state) => state.card);
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
  // A caller only a CRM connector knows: no local history or notes until saved as a contact.
  const stored = isStoredCard(card);
  return (
    <section
      className="caller-card"
      data-testid="caller-card"
      data-contact-id={contact.id}
      data-in-directory={stored ? 'true' : 'false'}
      aria-label={t('card.region')}
    >
      <header className="caller-card-header">
        <h2 className="caller-card-name ellipsis" data-testid="caller-card-name" title={contact.name}>
          {contact.name}
        </h2>
        <FactSource card={card} fact="name" />
        {contact.tier && (
          <span className="tier" data-testid="caller-card-tier" data-tier={contact.tier.toLowerCase()} title={`${t('card.tier')}: ${contact.tier}`}>
            {contact.tier}
          </span>
        )}
        {contact.tier && <FactSource card={card} fact="tier" />}
        {!stored && (
          <span className="badge card-not-in-directory" data-testid="card-not-in-directory">
            {t('cardSources.notInDirectory')}
          </span>
        )}
      </header>
      <CardSourcesLine card={card} />
      <CardStaleNote card={card} />
      <dl className="caller-card-fields">
        <dt>{t('card.company')}</dt>
        <dd className="caller-card-fact">
          <span className="ellipsis" data-testid="caller-card-company" title={contact.company}>
            {contact.company || '—'}
          </span>
          {contact.company && <FactSource card={card} fact="company" />}
        </dd>
        {card.crm && <CrmFacts card={card} crm={card.crm} />}
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
      {stored && (
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
      )}
      <CrmLists card={card} />
      {stored ? <NoteForm /> : <SaveCrmCaller card={card} callId={callId} />}
    </section>
  );
}

const CRM_FACTS = [
  { fact: 'customerId', label: 'crm.customerId', testId: 'card-crm-customer-id' },
  { fact: 'email', label: 'crm.email', testId: 'card-crm-email' },
  { fact: 'title', label: 'crm.jobTitle', testId: 'card-crm-title' },
  { fact: 'department', label: 'crm.department', testId: 'card-crm-department' },
] as const;

/** The CRM's facts about the customer (id, e-mail, title, department), the ones it has. */
function CrmFacts({ card, crm }: { card: ContactCard; crm: CrmInfo }) {
  const { t } = useTranslation();
  return (
    <>
      {CRM_FACTS.map(({ fact, label, testId }) => {
        const value = crm[fact];
        if (!value) return null;
        return (
          <Fragment key={fact}>
            <dt>{t(label)}</dt>
            <dd className="caller-card-fact">
              <span className="ellipsis" data-testid={testId} title={value}>
                {value}
              </span>
              <FactSource card={card} fact={fact} />
            </dd>
          </Fragment>
        );
      })}
    </>
  );
}

/**
 * A caller only the CRM / an external directory knows: say so, and offer the new-contact
 * form filled in with what the connectors said (the agent checks it, then saves).
 */
function SaveCrmCaller({ card, callId }: { card: ContactCard; callId: string | null }) {
  const { t } = useTranslation();
  // Saving is tied to the call that popped the card (the store's view of "this caller").
  if (callId === null) return null;
  const { contact, crm } = card;
  const first = contact.numbers[0];
  const number = first ? first.raw || first.e164 : null;
  const caller: UnknownCaller = { callId, number, e164: first?.e164 ?? null, displayName: '', withheld: false };
  const prefill: NewContactPrefill = {
    // The core names a caller without a name by their number; that is no name to save.
    name: contact.name === first?.e164 || contact.name === first?.raw ? '' : contact.name,
    company: contact.company,
    tier: contact.tier,
    ...(number ? { number } : {}),
    notes: crm?.customerId ? t('crm.noteFromCrm', { id: crm.customerId }) : '',
  };
  return (
    <div className="card-save-crm-caller" data-testid="card-save-crm-caller">
      <p className="muted">{t('crm.notInDirectory')}</p>
      {/* Keyed by call: the next caller starts from their own facts. */}
      <NewContactForm key={callId} caller={caller} prefill={prefill} />
    </div>
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
