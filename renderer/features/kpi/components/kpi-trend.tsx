import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis, type DotItemDotProps, type TooltipContentProps } from 'recharts';
import type { Locale } from '../../../../main/common/domain';

/** One month on the trend: the channel's `kpi.trend` entry (work units are null where the profile has none). */
export interface KpiTrendEntry {
  month: string;
  overall: number;
  workUnits?: number | null;
}

/** The overall the scorecard calls standard (达标) and the one a reward starts from: drawn as reference lines. */
export const KPI_STANDARD = 80;
export const KPI_REWARD = 90;

const WIDTH = 520;
const HEIGHT = 180;
// The stylesheet's palette (renderer/styles.css): the line in the old trend's blue, the lines in --muted and --ok.
const LINE = '#2f6fb3';
const STANDARD = '#66788a';
const REWARD = '#1a7f4b';

/**
 * The y axis: the scores and both reference lines, with a little room, on multiples of 5,
 * so 78 → 91 reads 75 – 95 and a single month is not drawn against a one-point axis.
 */
export function trendDomain(values: readonly number[]): [number, number] {
  const low = Math.min(...values, KPI_STANDARD) - 2;
  const high = Math.max(...values, KPI_REWARD) + 2;
  return [Math.floor(low / 5) * 5, Math.ceil(high / 5) * 5];
}

/** Round ticks on that axis: every 5 points, or every 10 when that would crowd it. */
export function trendTicks([low, high]: readonly [number, number]): number[] {
  const step = high - low > 30 ? 10 : 5;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high; tick += step) ticks.push(tick);
  return ticks;
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** '2026-03' as 3月 / Mar (short) or 2026年3月 / March 2026 (long); the raw text if it is not a month. */
export function formatTrendMonth(month: string, locale: Locale, style: 'short' | 'long'): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const key = `${locale}:${style}`;
  let format = monthFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, style === 'short' ? { month: 'short', timeZone: 'UTC' } : { year: 'numeric', month: 'long', timeZone: 'UTC' });
    monthFormats.set(key, format);
  }
  return format.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
}

const round = (n: number) => Math.round(n * 100) / 100;
const signed = (n: number) => (n > 0 ? `+${round(n)}` : String(round(n)));
const workUnitsText = (n: number | null | undefined) => (n === null || n === undefined ? '—' : signed(n));

/** A month's dot, carrying the month and its score for tests and for the browser's inspector. */
function TrendDot({ cx, cy, payload }: DotItemDotProps) {
  const entry = payload as KpiTrendEntry;
  if (typeof cx !== 'number' || typeof cy !== 'number') return null;
  return <circle data-testid="kpi-trend-point" data-month={entry.month} data-overall={entry.overall} cx={cx} cy={cy} r={3} fill={LINE} />;
}

/** The overall over the last months as a recharts line, with an accessible table of the same numbers beside it. */
export function KpiTrend({ points }: { points: readonly KpiTrendEntry[] }) {
  const { t, i18n } = useTranslation();
  const locale: Locale = i18n.language === 'en' ? 'en' : 'zh-CN';

  if (points.length === 0) {
    return (
      <figure className="kpi-trend" data-testid="kpi-trend">
        <figcaption>{t('kpi.trend')}</figcaption>
        <p className="muted" data-testid="kpi-trend-empty">
          {t('kpi.trendChart.empty')}
        </p>
      </figure>
    );
  }

  const domain = trendDomain(points.map((p) => p.overall));
  const tooltip = ({ active, payload }: TooltipContentProps): ReactNode => {
    const entry = payload?.[0]?.payload as KpiTrendEntry | undefined;
    if (!active || !entry) return null;
    return (
      <div className="kpi-trend-tooltip" data-testid="kpi-trend-tooltip" style={{ background: '#ffffff', border: '1px solid #dde2e8', borderRadius: 6, padding: '4px 8px', fontSize: 12 }}>
        <strong>{formatTrendMonth(entry.month, locale, 'long')}</strong>
        <div>
          {t('kpi.overall')} {round(entry.overall)}
        </div>
        <div>
          {t('kpi.workUnits')} {workUnitsText(entry.workUnits)}
        </div>
      </div>
    );
  };

  return (
    <figure className="kpi-trend" data-testid="kpi-trend">
      <figcaption>{t('kpi.trend')}</figcaption>
      <LineChart width={WIDTH} height={HEIGHT} data={[...points]} margin={{ top: 8, right: 72, bottom: 0, left: 0 }} title={t('kpi.trend')}>
        <CartesianGrid stroke="#dde2e8" strokeDasharray="2 4" vertical={false} />
        <XAxis dataKey="month" tickFormatter={(month: string) => formatTrendMonth(month, locale, 'short')} tickLine={false} />
        <YAxis domain={domain} ticks={trendTicks(domain)} width={36} tickLine={false} />
        <ReferenceLine
          y={KPI_STANDARD}
          stroke={STANDARD}
          strokeDasharray="4 3"
          label={{ value: t('kpi.trendChart.standard', { value: KPI_STANDARD }), position: 'right', fontSize: 10, fill: STANDARD }}
        />
        <ReferenceLine
          y={KPI_REWARD}
          stroke={REWARD}
          strokeDasharray="4 3"
          label={{ value: t('kpi.trendChart.reward', { value: KPI_REWARD }), position: 'right', fontSize: 10, fill: REWARD }}
        />
        <Tooltip content={tooltip} />
        <Line type="monotone" dataKey="overall" name={t('kpi.overall')} stroke={LINE} strokeWidth={2} dot={TrendDot} activeDot={{ r: 5 }} isAnimationActive={false} />
      </LineChart>
      {/* A wrapper takes the hiding: a table's box does not shrink to 1px. */}
      <div className="visually-hidden">
        <table data-testid="kpi-trend-table">
          <caption>{t('kpi.trend')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kpi.month')}</th>
              <th scope="col">{t('kpi.overall')}</th>
              <th scope="col">{t('kpi.workUnits')}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.month} data-testid="kpi-trend-row" data-month={p.month}>
                <th scope="row">{formatTrendMonth(p.month, locale, 'long')}</th>
                <td>{round(p.overall)}</td>
                <td>{workUnitsText(p.workUnits)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
