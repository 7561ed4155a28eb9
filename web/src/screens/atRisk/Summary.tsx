/**
 * The top of the at-risk list: the total penalty exposure (the fines if every listed order were missed now) and how
 * many orders fall in each urgency band (the bands follow the shop's warning thresholds).
 */
import type { Money as MoneyValue } from '../../api';
import { Money } from '../../components';
import { DEFAULT_WARNING_HOURS, type Urgency } from '../../format';
import { useI18n } from '../../i18n';

export function RiskSummary({
  exposure,
  count,
  bandCounts,
  warningHours,
}: {
  exposure: MoneyValue[];
  /** How many orders are listed. */
  count: number;
  bandCounts: Partial<Record<Urgency, number>>;
  warningHours: readonly number[];
}) {
  const { t } = useI18n();
  return (
    <div className="summary">
      <div className="summary-item exposure" data-testid="exposure">
        <span className="summary-label">{t('atRisk.exposure')}</span>
        <span className="summary-value">
          {exposure.length ? (
            exposure.map((m) => <Money key={m.currency} value={m} />)
          ) : (
            <Money value={{ amount: 0, currency: 'USD' }} />
          )}
        </span>
        <span className="summary-hint">{t('atRisk.exposureHint', { count })}</span>
      </div>
      {(['overdue', 'h2', 'h6', 'h24', 'h48'] as const).map((band) => (
        <div key={band} className={`summary-item band band-${band}`}>
          <span className="summary-label">
            {band === 'overdue' ? t('urgency.overdue') : t('urgency.within', { hours: bandHours(band, warningHours) })}
          </span>
          <span className="summary-value">{bandCounts[band] ?? 0}</span>
        </div>
      ))}
    </div>
  );
}

function bandHours(band: 'h2' | 'h6' | 'h24' | 'h48', warningHours: readonly number[]): number {
  const sorted = [...warningHours].sort((a, b) => a - b);
  const index = ['h2', 'h6', 'h24', 'h48'].indexOf(band);
  return sorted[index] ?? DEFAULT_WARNING_HOURS[3 - index]!;
}
