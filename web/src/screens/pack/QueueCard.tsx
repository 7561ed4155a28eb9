/** The pack station's queue: the next order of this station's plan (or the one it was packing), and the first few after it. */
import type { PlanJob, WorkPlan } from '../../api';
import { Card, DateTime, ErrorText } from '../../components';
import { useI18n } from '../../i18n';

export interface StationPlan {
  data:
    | { work: WorkPlan; packing: Array<{ order_id: number; session_id: number; station: string | null }> }
    | undefined;
  error: unknown;
}

export function QueueCard({
  station,
  stationId,
  plan,
  next,
}: {
  station: number;
  stationId: string;
  plan: StationPlan;
  next: { job: PlanJob; resume: boolean } | undefined;
}) {
  const { t } = useI18n();
  return (
    <Card title={t('pack.queueTitle', { station })} className="pack-queue">
      <ErrorText error={plan.error} />
      {next ? (
        <p className="pack-next" data-testid="pack-next" data-order={next.job.platform_order_id}>
          {next.resume
            ? t('pack.resumeNext', { order: next.job.platform_order_id })
            : t('pack.nextOrder', { order: next.job.platform_order_id })}
          <br />
          <span className="muted">
            {t('pack.shipBy')} <DateTime iso={next.job.ship_by_at} />
          </span>
        </p>
      ) : plan.data ? (
        <p className="muted" data-testid="pack-next-none">
          {t('pack.queueEmpty')}
        </p>
      ) : (
        <p className="muted">{t('live.loading')}</p>
      )}
      {plan.data ? (
        <ol className="pack-queue-list">
          {(plan.data.work.stations.find((s) => s.station === stationId)?.queue ?? []).slice(0, 8).map((job) => (
            <li key={job.order_id} className={job.lateness_minutes > 0 ? 'late' : ''}>
              {job.platform_order_id}
              {plan.data!.packing.some((p) => p.order_id === job.order_id) ? ` · ${t('pack.beingPacked')}` : ''}
              {job.lateness_minutes > 0 ? ` · ${t('pack.lateBy', { minutes: job.lateness_minutes })}` : ''}
            </li>
          ))}
        </ol>
      ) : null}
      <p className="hint">{t('pack.queueHint')}</p>
    </Card>
  );
}
