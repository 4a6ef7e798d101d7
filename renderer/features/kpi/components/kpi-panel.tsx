import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiMetric } from '../../../../main/common/channels/kpi';
import { isKpiSource } from '../../../../main/common/constants';
import type { Locale } from '../../../../main/common/domain';
import { api } from '../../../api';
import { formatDateTime } from '../../../i18n/format';
import { ErrorNote } from '../../../ui/error-note';
import { factDeltaOf, MAX_FACT_DELTA, useKpiStore, whatIfChange, whatIfFacts } from '../store';
import { KpiFacts } from './kpi-facts';
import { KpiTrend } from './kpi-trend';


/** Numbers as the agent reads them: at most 2 decimals, a % for percentages. */
export function formatKpiValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  const text = String(Math.round(value * 100) / 100);
  return unit === 'percent' ? `${text}%` : text;
}

const signed = (n: number) => (n > 0 ? `+${Math.round(n * 100) / 100}` : String(Math.round(n * 100) / 100));

/** The "我的考核 / My KPI" button; opens the scorecard. */
export function KpiButton() {
  const { t } = useTranslation();
  const show = useKpiStore((s) => s.show);
  return (
    <button type="button" className="kpi-button secondary" data-testid="kpi-open" onClick={show}>
      {t('kpi.open')}
    </button>
  );
}

function CallsDrillDown({ locale }: { locale: Locale }) {
  const { t } = useTranslation();
  const calls = useKpiStore((s) => s.calls);
  const callsError = useKpiStore((s) => s.callsError);
  const loadCalls = useKpiStore((s) => s.loadCalls);
  if (callsError) return <ErrorNote failure={callsError} context={t('kpi.calls.failed')} onRetry={() => void loadCalls()} testId="kpi-calls-error" />;
  if (!calls)
    return (
      <button type="button" className="secondary" data-testid="kpi-show-calls" onClick={() => void loadCalls()}>
        {t('kpi.calls.show')}
      </button>
    );
  return (
    <div className="kpi-calls" data-testid="kpi-calls">
      <p>{t('kpi.calls.count', { shown: calls.calls.length, total: calls.total })}</p>
      <ul>
        {calls.calls.map((c) => (
          <li key={c.callId} data-testid="kpi-call" data-call-id={c.callId} data-answered={c.answered} data-outcome={c.outcome}>
            {/* Missed or rejected count alike (offered, not answered); the agent still sees which it was. */}
            {formatDateTime(c.ringAt, locale)} ·{' '}
            {c.answered ? t('kpi.calls.answered', { seconds: c.secondsToAnswer ?? 0 }) : c.outcome === 'missed' ? t('kpi.calls.missed') : t(`calls.ended.outcome.${c.outcome}`)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function MetricDetail({ metric, locale }: { metric: KpiMetric; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <tr className="kpi-detail" data-testid="kpi-metric-detail" data-id={metric.id}>
      <td colSpan={7}>
        {!metric.available && (
          <p className="kpi-unavailable-reason" data-testid="kpi-unavailable-reason">
            {t('kpi.unavailableReason', { reason: metric.unavailableReason ?? '' })}
          </p>
        )}
        {metric.capped && <p>{t('kpi.capped')}</p>}
        {metric.inputs.length === 0 ? (
          <p>{t('kpi.noInputs')}</p>
        ) : (
          <ul className="kpi-inputs">
            {metric.inputs.map((input) => (
              <li key={input.fact} data-testid="kpi-input" data-fact={input.fact}>
                <span className="kpi-input-fact">{input.fact}</span> = <strong>{formatKpiValue(input.value, '')}</strong>
                <span className="kpi-provenance" data-testid="kpi-provenance">
                  {t('kpi.provenance', {
                    source: isKpiSource(input.provenance.source) ? t(`kpi.source.${input.provenance.source}`) : input.provenance.source,
                    at: formatDateTime(input.provenance.importedAt, locale),
                    ref: input.provenance.ref,
                  })}
                </span>
              </li>
            ))}
          </ul>
        )}
        {metric.source === 'call_log' && metric.inputs.some((i) => i.provenance.source === 'call_log') && <CallsDrillDown locale={locale} />}
      </td>
    </tr>
  );
}

function WhatIfBox({ locale }: { locale: Locale }) {
  const { t } = useTranslation();
  const whatIf = useKpiStore((s) => s.whatIf);
  const card = useKpiStore((s) => s.card);
  const setWhatIf = useKpiStore((s) => s.setWhatIf);
  const run = useKpiStore((s) => s.runWhatIf);
  const result = whatIf.result;
  // The facts this card is computed from: another profile brings its own, with no change here.
  const facts = whatIfFacts(card);
  const factLabel = (fact: string) => {
    const metrics = facts.find((f) => f.fact === fact)?.metrics ?? [];
    return metrics.length === 0 ? fact : t('kpi.whatIf.factOption', { metrics: metrics.map((m) => m.names[locale]).join(' / '), fact });
  };
  const fact = facts.some((f) => f.fact === whatIf.fact) ? whatIf.fact : '';
  const deltaValid = factDeltaOf(whatIf.factDelta) !== null;
  const imagined = (asked: NonNullable<typeof whatIf.asked>) =>
    [
      ...(asked.answeredWithinSeconds ? [t('kpi.whatIf.imagineCalls', asked.answeredWithinSeconds)] : []),
      ...Object.entries(asked.facts ?? {}).map(([name, delta]) => t('kpi.whatIf.imagineFact', { delta: signed(delta), fact: factLabel(name) })),
    ].join(t('kpi.whatIf.and'));
  const moved = (result?.metrics ?? []).filter((m) => m.delta !== 0);
  return (
    <form
      className="kpi-what-if"
      data-testid="kpi-what-if"
      onSubmit={(event) => {
        event.preventDefault();
        void run();
      }}
    >
      <span className="kpi-what-if-title">{t('kpi.whatIf.title')}</span>
      <label>
        {t('kpi.whatIf.calls')}
        <input
          type="number"
          min={0}
          max={100000}
          value={whatIf.calls}
          data-testid="kpi-what-if-calls"
          onChange={(e) => setWhatIf({ calls: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
        />
      </label>
      <label>
        {t('kpi.whatIf.seconds')}
        <input
          type="number"
          min={0}
          max={3600}
          value={whatIf.seconds}
          data-testid="kpi-what-if-seconds"
          onChange={(e) => setWhatIf({ seconds: Math.max(0, Number(e.target.value) || 0) })}
        />
        {t('kpi.whatIf.secondsAfter')}
      </label>
      {facts.length > 0 && (
        <span className="kpi-what-if-facts">
          <label>
            {t('kpi.whatIf.fact')}
            <select value={fact} data-testid="kpi-what-if-fact" onChange={(e) => setWhatIf({ fact: e.target.value })}>
              <option value="">{t('kpi.whatIf.noFact')}</option>
              {facts.map((f) => (
                <option key={f.fact} value={f.fact}>
                  {factLabel(f.fact)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('kpi.whatIf.factDelta')}
            <input
              type="number"
              step={1}
              min={-MAX_FACT_DELTA}
              max={MAX_FACT_DELTA}
              value={whatIf.factDelta}
              disabled={fact === ''}
              aria-invalid={!deltaValid}
              title={deltaValid ? undefined : t('kpi.whatIf.factDeltaInvalid', { max: MAX_FACT_DELTA })}
              data-testid="kpi-what-if-fact-delta"
              onChange={(e) => setWhatIf({ factDelta: e.target.value })}
            />
          </label>
        </span>
      )}
      <button type="submit" disabled={whatIf.pending || whatIfChange(whatIf, card) === null} data-testid="kpi-what-if-run">
        {t('kpi.whatIf.run')}
      </button>
      {result && whatIf.asked && (
        <div className="kpi-what-if-result" data-testid="kpi-what-if-result" data-delta={result.overallDelta}>
          <p>
            {t('kpi.whatIf.result', { imagined: imagined(whatIf.asked), delta: signed(result.overallDelta), after: result.overallAfter })}
            {result.workUnitsDelta !== null && result.workUnitsDelta !== 0 && <> {t('kpi.whatIf.workUnits', { delta: signed(result.workUnitsDelta) })}</>}
          </p>
          {moved.length > 0 && (
            <ul className="kpi-what-if-metrics">
              {moved.map((m) => (
                <li key={m.id} data-testid="kpi-what-if-metric" data-id={m.id} data-delta={m.delta}>
                  {t('kpi.whatIf.metric', {
                    name: card?.metrics.find((c) => c.id === m.id)?.names[locale] ?? m.id,
                    before: formatKpiValue(m.scoreBefore, ''),
                    after: formatKpiValue(m.scoreAfter, ''),
                    delta: signed(m.delta),
                  })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {whatIf.error && <ErrorNote failure={whatIf.error} context={t('kpi.whatIf.failed')} testId="kpi-what-if-error" />}
    </form>
  );
}

/** The personal scorecard: month picker, overall and work units, the metrics, drill-down and what-if. */
export function KpiPanel() {
  const { t, i18n } = useTranslation();
  const locale: Locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { open, month, card, loading, error, selected, trend, profiles, profileId } = useKpiStore();
  const { hide, setMonth, setProfile, load, select, callEnded } = useKpiStore.getState();

  // Today's progress moves as calls end.
  useEffect(() => {
    if (!open) return undefined;
    return api.on('calls.changed', (call) => {
      if (call.state === 'ended') callEnded();
    });
  }, [open, callEnded]);

  if (!open) return null;
  return (
    <div className="kpi-backdrop" onClick={(e) => e.target === e.currentTarget && hide()}>
      <section className="kpi-panel" data-testid="kpi-panel" role="dialog" aria-label={t('kpi.title')} aria-busy={loading}>
        <header className="kpi-header">
          <h2>{t('kpi.title')}</h2>
          <label>
            {t('kpi.month')}
            <input type="month" value={month} data-testid="kpi-month" onChange={(e) => e.target.value && void setMonth(e.target.value)} />
          </label>
          {profiles.length > 1 && (
            <label>
              {t('kpi.profile')}
              <select value={profileId ?? card?.profileId ?? profiles[0]?.id} data-testid="kpi-profile" onChange={(e) => void setProfile(e.target.value)}>
                {profiles.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.names[locale]}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" className="secondary" data-testid="kpi-close" onClick={hide}>
            {t('kpi.close')}
          </button>
        </header>
        {error && <ErrorNote failure={error} context={t('kpi.loadFailed')} onRetry={() => void load()} testId="kpi-load-error" />}
        {card && (
          <>
            <div className="kpi-summary">
              <span className="kpi-overall">
                {t('kpi.overall')} <strong data-testid="kpi-overall">{card.overall}</strong>
              </span>
              <span className="kpi-work-units">
                {t('kpi.workUnits')} <strong data-testid="kpi-work-units">{card.workUnits === null ? '—' : signed(card.workUnits)}</strong>
              </span>
              {card.level && <span data-testid="kpi-level">{card.level.names[locale]}</span>}
            </div>
            <p className="kpi-formula" data-testid="kpi-formula">
              {card.formula}
            </p>
            {trend && <KpiTrend points={trend} />}
            <WhatIfBox locale={locale} />
            <table className="kpi-table" data-testid="kpi-table">
              <thead>
                <tr>
                  <th>{t('kpi.col.metric')}</th>
                  <th>{t('kpi.col.raw')}</th>
                  <th>{t('kpi.col.target')}</th>
                  <th>{t('kpi.col.points')}</th>
                  <th>{t('kpi.col.score')}</th>
                  <th>{t('kpi.col.source')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {card.metrics.flatMap((metric, index) => {
                  const row = (
                    <tr
                      key={metric.id}
                      className="kpi-row"
                      data-testid="kpi-metric"
                      data-id={metric.id}
                      data-available={metric.available}
                      aria-expanded={selected === metric.id}
                      onClick={() => select(metric.id)}
                    >
                      <td>
                        <button type="button" className="kpi-metric-name" data-testid="kpi-metric-name">
                          {index + 1}. {metric.names[locale]}
                        </button>
                      </td>
                      <td data-testid="kpi-raw">{formatKpiValue(metric.raw, metric.unit)}</td>
                      <td data-testid="kpi-target">{formatKpiValue(metric.target, metric.unit)}</td>
                      <td data-testid="kpi-points">{metric.available || metric.score !== null ? signed(metric.points) : '—'}</td>
                      <td data-testid="kpi-score">{metric.score === null ? '—' : formatKpiValue(metric.score, '')}</td>
                      <td data-testid="kpi-source">{isKpiSource(metric.source) ? t(`kpi.source.${metric.source}`) : metric.source}</td>
                      <td>
                        {!metric.available && (
                          <span className="kpi-unavailable" data-testid="kpi-unavailable" title={metric.unavailableReason}>
                            {metric.counted ? t('kpi.unavailableStandard') : t('kpi.unavailableExcluded')}
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                  return selected === metric.id ? [row, <MetricDetail key={`${metric.id}-detail`} metric={metric} locale={locale} />] : [row];
                })}
              </tbody>
            </table>
          </>
        )}
        <KpiFacts locale={locale} />
      </section>
    </div>
  );
}
