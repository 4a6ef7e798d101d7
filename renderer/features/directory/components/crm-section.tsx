import { useTranslation } from 'react-i18next';
import type { ContactCard, CrmContact, CrmTicket } from '../../../../main/common/domain';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../locale/store';
import { FactSource } from './card-provenance';

/** The last few on the card; the CRM itself has the rest. */
export const CARD_TICKETS = 5;
export const CARD_CRM_CONTACTS = 3;

/**
 * What the CRM connectors know beyond the contact: open tickets and the last contacts,
 * newest first, the last few of each. Every value is CRM data: text, one line, cut with an
 * ellipsis and whole in the tooltip.
 */
export function CrmLists({ card }: { card: ContactCard }) {
  const { t } = useTranslation();
  const crm = card.crm;
  if (!crm) return null;
  const tickets = crm.openTickets.slice(0, CARD_TICKETS);
  const contacts = crm.lastContacts.slice(0, CARD_CRM_CONTACTS);
  return (
    <div className="caller-card-columns card-crm" data-testid="card-crm">
      <section className="interaction-list" aria-label={t('crm.tickets')}>
        <h3>
          {t('crm.tickets')} <FactSource card={card} fact="openTickets" />
        </h3>
        {tickets.length ? (
          <ul data-testid="card-crm-tickets">
            {tickets.map((ticket, index) => (
              <li key={`${ticket.source}:${ticket.id}:${index}`} className="interaction crm-item" data-testid="card-crm-ticket" data-ticket-id={ticket.id}>
                <TicketLine ticket={ticket} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted" data-testid="card-crm-tickets-empty">
            {t('crm.noTickets')}
          </p>
        )}
        <More total={crm.openTickets.length} shown={tickets.length} testId="card-crm-tickets-more" />
      </section>
      <section className="interaction-list" aria-label={t('crm.contacts')}>
        <h3>
          {t('crm.contacts')} <FactSource card={card} fact="lastContacts" />
        </h3>
        {contacts.length ? (
          <ul data-testid="card-crm-contacts">
            {contacts.map((contact, index) => (
              <li key={`${contact.source}:${contact.at ?? ''}:${index}`} className="interaction crm-item" data-testid="card-crm-contact">
                <ContactLine contact={contact} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted" data-testid="card-crm-contacts-empty">
            {t('crm.noContacts')}
          </p>
        )}
        <More total={crm.lastContacts.length} shown={contacts.length} testId="card-crm-contacts-more" />
      </section>
    </div>
  );
}

function More({ total, shown, testId }: { total: number; shown: number; testId: string }) {
  const { t } = useTranslation();
  if (total <= shown) return null;
  return (
    <p className="muted crm-more" data-testid={testId}>
      {t('crm.more', { count: total - shown })}
    </p>
  );
}

function TicketLine({ ticket }: { ticket: CrmTicket }) {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  const created = ticket.createdAt ? formatDateTime(ticket.createdAt, locale) : null;
  return (
    <>
      <div className="interaction-meta">
        <span className="crm-ticket-id ellipsis" data-testid="card-crm-ticket-id" title={ticket.id}>
          {ticket.id}
        </span>
        {ticket.status && (
          <span className="badge ellipsis crm-status" data-testid="card-crm-ticket-status" data-status={ticket.status.toLowerCase()} title={ticket.status}>
            {ticket.status}
          </span>
        )}
        {created && ticket.createdAt && (
          <time className="ellipsis" dateTime={ticket.createdAt} title={t('crm.created', { time: created })} data-testid="card-crm-ticket-created">
            {created}
          </time>
        )}
      </div>
      <p className="interaction-summary ellipsis" data-testid="card-crm-ticket-title" title={ticket.title}>
        {ticket.title}
      </p>
    </>
  );
}

function ContactLine({ contact }: { contact: CrmContact }) {
  const { t } = useTranslation();
  const locale = useLocaleStore((state) => state.locale);
  const at = contact.at ? formatDateTime(contact.at, locale) : null;
  return (
    <>
      <div className="interaction-meta">
        {at && contact.at && (
          <time className="ellipsis" dateTime={contact.at} data-testid="card-crm-contact-at" title={at}>
            {at}
          </time>
        )}
        {contact.channel && (
          <span className="badge ellipsis crm-channel" data-testid="card-crm-contact-channel" title={contact.channel}>
            {contact.channel}
          </span>
        )}
        {contact.agent && (
          <span className="crm-agent ellipsis" data-testid="card-crm-contact-agent" title={contact.agent}>
            {t('crm.agent', { agent: contact.agent })}
          </span>
        )}
      </div>
      {contact.summary && (
        <p className="interaction-summary ellipsis" data-testid="card-crm-contact-summary" title={contact.summary}>
          {contact.summary}
        </p>
      )}
    </>
  );
}
