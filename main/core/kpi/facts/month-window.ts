/**
 * A KPI month is the agent's local calendar month (a call at 07:30 on the 1st in Beijing
 * is 23:30 UTC on the last day of the previous month). The store keeps UTC, so every
 * provider queries the same [from, to) instants computed here once.
 */
export interface MonthWindow {
  /** YYYY-MM */
  month: string;
  fromIso: string;
  toIso: string;
  fromMs: number;
  toMs: number;
}

/** `utcOffsetMinutes` is the center's offset from UTC (480 for China Standard Time). */
export function monthWindow(month: string, utcOffsetMinutes: number): MonthWindow {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new RangeError(`A KPI month is written YYYY-MM; got "${month}"`);
  const year = Number(match[1]);
  const monthIndex = Number(match[2]) - 1;
  const offsetMs = utcOffsetMinutes * 60_000;
  const fromMs = Date.UTC(year, monthIndex, 1) - offsetMs;
  const toMs = Date.UTC(year, monthIndex + 1, 1) - offsetMs;
  return { month, fromIso: new Date(fromMs).toISOString(), toIso: new Date(toMs).toISOString(), fromMs, toMs };
}
