/**
 * The pack station's batch buttons: the picking list of the station's next orders (GET /plan/picking-list.pdf, in
 * the dashboard's language) and their labels and packing slips in one PDF (GET /plan/batch.pdf), both in the plan's
 * order, opened in a new tab to print.
 */
import { useState } from 'react';
import { apiBlob, ApiError } from '../../api';
import { useI18n } from '../../i18n';

export const BATCH_SIZE = 20;

let lastUrl: string | undefined;

export function BatchPrint({
  stations,
  stationId,
  shopParam,
}: {
  stations: number;
  stationId: string;
  shopParam: string;
}) {
  const { t, pick, locale } = useI18n();
  const [busy, setBusy] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const open = async (kind: 'picking-list' | 'batch') => {
    setBusy(kind);
    setFailure(undefined);
    try {
      const query = `stations=${stations}&station=${encodeURIComponent(stationId)}&limit=${BATCH_SIZE}&lang=${locale}${shopParam}`;
      const pdf = await apiBlob(`/plan/${kind}.pdf?${query}`);
      if (lastUrl) URL.revokeObjectURL(lastUrl);
      lastUrl = URL.createObjectURL(pdf);
      window.open(lastUrl, '_blank', 'noopener');
    } catch (error) {
      setFailure(t('batch.failed', { reason: error instanceof ApiError ? pick(error.messages) : String(error) }));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <div className="batch-print" data-testid="batch-print">
      <button
        type="button"
        onClick={() => void open('picking-list')}
        disabled={busy !== undefined}
        title={t('batch.pickingListHint', { count: BATCH_SIZE })}
        data-testid="picking-list"
      >
        {t('batch.pickingList')}
      </button>
      <button
        type="button"
        onClick={() => void open('batch')}
        disabled={busy !== undefined}
        title={t('batch.printHint', { count: BATCH_SIZE })}
        data-testid="batch-print-pdf"
      >
        {t('batch.print')}
      </button>
      {failure && (
        <span className="error" role="alert">
          {failure}
        </span>
      )}
    </div>
  );
}
