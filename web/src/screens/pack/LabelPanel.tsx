/** The pack station's label step: the carrier choice before the label is bought, then the labels and the documents. */
import type { IssuedLabel, OrderQuotes } from '../../api';
import { Money } from '../../components';
import { useI18n } from '../../i18n';

export interface Printed {
  labels: IssuedLabel[];
  labelUrl: string;
  slipUrl: string;
}

export function LabelPanel({ quotes, printed }: { quotes: OrderQuotes | undefined; printed: Printed | undefined }) {
  const { t, pick, term } = useI18n();
  return (
    <>
      {quotes ? (
        <div className="pack-quotes" data-testid="pack-quotes">
          {quotes.parcels.map((q) => (
            <p key={q.parcel_id}>
              <strong>{q.chosen ?? t('pack.noService')}</strong> {q.cost ? <Money value={q.cost} /> : null}{' '}
              <span className="muted">{pick(q.explanation)}</span>
            </p>
          ))}
        </div>
      ) : null}
      {printed ? (
        <div className="pack-printed" data-testid="pack-printed">
          {printed.labels.map((l) => (
            <p key={l.parcel_id}>
              {t('pack.labelFor', { number: l.tracking_number, service: l.service })}{' '}
              {l.cost ? <Money value={l.cost} /> : null} · {term('upload', l.upload)}
            </p>
          ))}
          <p>
            <a href={printed.labelUrl} target="_blank" rel="noopener" data-testid="label-pdf">
              {t('pack.openLabel')}
            </a>{' '}
            ·{' '}
            <a href={printed.slipUrl} target="_blank" rel="noopener" data-testid="slip-pdf">
              {t('pack.openSlip')}
            </a>
          </p>
        </div>
      ) : null}
    </>
  );
}
