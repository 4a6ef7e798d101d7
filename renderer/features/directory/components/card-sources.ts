import type { TFunction } from 'i18next';
import type { CardFact, CardSource, ContactCard, Locale } from '../../../../main/common/domain';

/**
 * How a card's sources read to the agent: the local directory by its name, a connector by
 * its kind and the name IT gave it ("LDAP corp-ldap", "CRM crm"). Protocol names are not
 * translated; the connector's name is settings data, shown as text.
 */
const KIND_LABELS = { ldap: 'LDAP', rest: 'CRM' } as const;

export function sourceLabel(source: Pick<CardSource, 'connector' | 'name'>, t: TFunction): string {
  if (source.connector === 'local') return t('cardSources.local');
  const kind = KIND_LABELS[source.connector];
  return source.name.toLowerCase() === kind.toLowerCase() ? kind : `${kind} ${source.name}`;
}

/** Why a connector failed, translated; its verbatim detail goes to the tooltip. */
export function sourceReason(source: CardSource, t: TFunction): string {
  return t(`cardSources.error.${source.error ?? 'error'}`);
}

/** Stale or failed: the card shows what it said before (or nothing), and says so. */
export function isDegraded(source: CardSource): boolean {
  return source.status === 'stale' || source.status === 'failed';
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * When a source's data was fetched, short enough for a one-line note: "11月29日 14:02" /
 * "Nov 29, 14:02", with the year when it is not this year's. The text as given when it
 * does not parse (a CRM's own date text).
 */
export function formatFetchedAt(iso: string, locale: Locale, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const withYear = date.getFullYear() !== now.getFullYear();
  const key = `${locale}|${withYear}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      ...(withYear ? { year: 'numeric' } : {}),
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(key, format);
  }
  return format.format(date);
}

/** The source that put `fact` on the card (the first one naming it), if the card says. */
export function sourceOfFact(card: ContactCard, fact: CardFact): CardSource | null {
  return card.sources?.find((source) => source.fields.includes(fact)) ?? null;
}
