import type { Locale } from '../../main/common/domain';

const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();

/** An ISO timestamp in the agent's language; the raw text if it does not parse. */
export function formatDateTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = dateTimeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(locale, format);
  }
  return format.format(date);
}
