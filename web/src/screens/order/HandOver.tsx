/**
 * The order page's hand-over card: the order's labelled parcels that the carrier has not collected yet, and a button
 * that hands them over (`POST /orders/:id/handover`, the bulk "mark shipped" of the orders list for one order). The
 * answer's message shows under the button; a refusal (closed order, nothing to hand over) shows its rule.
 */
import { useState } from 'react';
import { api, type Localized, type OrderDetail, type Parcel, type HandOverAnswer } from '../../api';
import { Card, ErrorText } from '../../components';
import { useApiForm } from '../../forms';
import { useI18n } from '../../i18n';

/** Parcel states that are with the carrier already: a number uploaded before the hand-over still records one. */
const UPLOADED = ['tracking_uploaded'];
const CLOSED = ['cancelled', 'closed_unfulfilled'];

/** The parcels a hand-over would move: labelled, or uploaded before anyone handed them over. */
export function awaitingHandOver(order: OrderDetail): Parcel[] {
  if (CLOSED.includes(order.status)) return [];
  return order.parcels.filter(
    (p) => p.status === 'labelled' || (UPLOADED.includes(p.status) && p.handed_over_at === null),
  );
}

export function HandOverCard({ order, onDone }: { order: OrderDetail; onDone: () => Promise<void> }) {
  const { t, pick } = useI18n();
  const { error, setError, busy, run } = useApiForm();
  const [done, setDone] = useState<Localized | undefined>();
  const waiting = awaitingHandOver(order);
  if (waiting.length === 0 && !done && !error) return null;
  const handOver = () =>
    run(async () => {
      setError(undefined);
      setDone(undefined);
      const answer = await api<HandOverAnswer>(`/orders/${order.id}/handover`, { method: 'POST', body: {} });
      setDone(answer.message);
      await onDone();
    });
  return (
    <Card title={t('handover.title')} className="handover">
      {waiting.length ? (
        <>
          <p>
            {t('handover.waiting', {
              count: waiting.length,
              numbers: waiting.map((p) => p.tracking_number ?? `#${p.id}`).join(', '),
            })}
          </p>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void handOver()}
            data-testid="hand-over"
          >
            {busy ? t('action.working') : t('handover.button')}
          </button>{' '}
          <span className="muted">{t('handover.hint')}</span>
        </>
      ) : null}
      {done ? (
        <p className="ok" role="status" data-testid="handed-over">
          {pick(done)}
        </p>
      ) : null}
      <ErrorText error={error} />
    </Card>
  );
}
