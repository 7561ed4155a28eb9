/**
 * Parcels: the problems first (not online, false-shipment alarms, stalled, failed deliveries, returns…), each with
 * what to do, then every parcel with its normalised tracking status; choosing one shows its tracking history
 * (`#/parcels/ID`): the normalised status beside the carrier's raw one, every event, its problems.
 */
import { useMemo, useState } from 'react';
import { api, type ParcelListItem, type ParcelProblem, type ParcelTracking } from '../api';
import { Card, DateTime, ErrorText, LiveBadge } from '../components';
import { useNow, usePoll } from '../hooks';
import { useI18n } from '../i18n';
import { keyedByContent } from '../keys';
import type { MessageKey } from '../i18n/en';

/** The problem kinds grouped as a seller thinks of them (the API's false_shipment is three kinds). */
const GROUPS: Array<{ id: string; label: MessageKey; kinds: string[] }> = [
  { id: 'not_online', label: 'problemGroup.not_online', kinds: ['not_online'] },
  {
    id: 'false_shipment',
    label: 'problemGroup.false_shipment',
    kinds: ['invalid_number', 'scan_before_payment', 'wrong_destination'],
  },
  { id: 'stalled', label: 'problemGroup.stalled', kinds: ['stalled'] },
  { id: 'delivery_failed', label: 'problemGroup.delivery_failed', kinds: ['delivery_failed'] },
  { id: 'returns', label: 'problemGroup.returns', kinds: ['returning', 'returned'] },
  { id: 'lost_damaged', label: 'problemGroup.lost_damaged', kinds: ['lost_damaged'] },
  { id: 'extension_proposed', label: 'problemGroup.extension_proposed', kinds: ['extension_proposed'] },
];

const PAGE = 100;

export function Parcels({ parcelId }: { parcelId?: number | undefined }) {
  const { t, pick, term } = useI18n();
  const now = useNow(1000);
  const [group, setGroup] = useState('');
  const [pages, setPages] = useState(1);

  const polled = usePoll(
    async (signal) => {
      const [problems, parcels] = await Promise.all([
        api<{ items: ParcelProblem[] }>('/parcels?problem=any&limit=500', { signal }),
        api<{ items: ParcelListItem[]; next_before: number | null }>(`/parcels/all?limit=${PAGE * pages}`, { signal }),
      ]);
      return { problems: problems.items, parcels: parcels.items, more: parcels.next_before !== null };
    },
    [pages],
    15_000,
  );
  const data = polled.data;
  const counts = useMemo(
    () => new Map(GROUPS.map((g) => [g.id, data?.problems.filter((p) => g.kinds.includes(p.kind)).length ?? 0])),
    [data],
  );
  const shown = useMemo(() => {
    const kinds = GROUPS.find((g) => g.id === group)?.kinds;
    return (data?.problems ?? []).filter((p) => !kinds || kinds.includes(p.kind));
  }, [data, group]);

  return (
    <div className="screen parcels">
      <div className="screen-title">
        <h1>{t('parcelsScreen.title')}</h1>
        <LiveBadge receivedAt={polled.receivedAt} error={polled.error} now={now} />
      </div>
      <ErrorText error={polled.error} />
      <div className="parcels-layout">
        <div className="parcels-lists">
          <Card title={t('parcelsScreen.problems', { count: data?.problems.length ?? 0 })} className="problems">
            {/* biome-ignore lint/a11y/useSemanticElements: a fieldset's own box (border, padding, min-width) would change the chips' layout; role=group names them alike */}
            <div className="chips" role="group" aria-label={t('parcelsScreen.problemFilter')}>
              <button
                type="button"
                className={group === '' ? 'chip active' : 'chip'}
                aria-pressed={group === ''}
                onClick={() => setGroup('')}
              >
                {t('problemGroup.all')} ({data?.problems.length ?? 0})
              </button>
              {GROUPS.map((g) => (
                <button
                  key={g.id}
                  type="button"
                  className={group === g.id ? 'chip active' : 'chip'}
                  aria-pressed={group === g.id}
                  onClick={() => setGroup(g.id)}
                  data-group={g.id}
                  disabled={!counts.get(g.id)}
                >
                  {t(g.label)} ({counts.get(g.id) ?? 0})
                </button>
              ))}
            </div>
            {data && shown.length === 0 ? <p className="muted">{t('parcelsScreen.noProblems')}</p> : null}
            {shown.length > 0 ? (
              <table className="compact" data-testid="problems">
                <thead>
                  <tr>
                    <th>{t('parcelsScreen.problem')}</th>
                    <th>{t('col.order')}</th>
                    <th>{t('parcels.tracking')}</th>
                    <th>{t('parcelsScreen.detected')}</th>
                    <th>{t('parcelsScreen.whatToDo')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((p) => (
                    <tr
                      key={p.id}
                      className={`level-${p.level} ${p.parcel_id === parcelId ? 'selected' : ''}`}
                      data-kind={p.kind}
                    >
                      <td>
                        <span className={`badge level-${p.level}`}>{term('problemLevel', p.level)}</span>{' '}
                        {term('problem', p.kind)}
                        <div className="muted small">{pick(p.message)}</div>
                      </td>
                      <td>
                        <a href={`#/orders/${p.order_id}`}>{p.platform_order_id}</a>
                      </td>
                      <td>
                        {p.parcel_id ? (
                          <a href={`#/parcels/${p.parcel_id}`}>{p.tracking_number ?? t('parcelsScreen.noNumber')}</a>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        <DateTime iso={p.detected_at} />
                      </td>
                      <td>{pick(p.what_to_do)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </Card>

          <Card title={t('parcelsScreen.all')}>
            {data && data.parcels.length === 0 ? <p className="muted">{t('parcelsScreen.none')}</p> : null}
            {data && data.parcels.length > 0 ? (
              <table className="compact" data-testid="all-parcels">
                <thead>
                  <tr>
                    <th>{t('parcels.tracking')}</th>
                    <th>{t('col.order')}</th>
                    <th>{t('parcels.carrier')}</th>
                    <th>{t('parcels.state')}</th>
                    <th>{t('parcelsScreen.trackingStatus')}</th>
                    <th>{t('parcelsScreen.lastEvent')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.parcels.map((p) => (
                    <tr
                      key={p.parcel_id}
                      className={p.parcel_id === parcelId ? 'selected' : ''}
                      data-parcel={p.parcel_id}
                    >
                      <td>
                        <a href={`#/parcels/${p.parcel_id}`}>{p.tracking_number ?? t('parcelsScreen.noNumber')}</a>
                        {p.open_problems > 0 ? (
                          <span className="badge level-alarm">
                            {t('parcelsScreen.problemCount', { count: p.open_problems })}
                          </span>
                        ) : null}
                      </td>
                      <td>
                        <a href={`#/orders/${p.order_id}`}>{p.platform_order_id}</a>{' '}
                        <span className="muted">{p.destination}</span>
                      </td>
                      <td>
                        {p.carrier ?? '—'} <span className="muted">{p.service ?? ''}</span>
                      </td>
                      <td>{term('parcelState', p.parcel_status)}</td>
                      <td>
                        {p.tracking_label ? (
                          pick(p.tracking_label)
                        ) : (
                          <span className="muted">{t('parcelsScreen.noTracking')}</span>
                        )}
                      </td>
                      <td>
                        <DateTime iso={p.last_event_at} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {data?.more ? (
              <button type="button" onClick={() => setPages((n) => n + 1)}>
                {t('parcelsScreen.more')}
              </button>
            ) : null}
          </Card>
        </div>
        <div className="parcels-detail">
          {parcelId ? (
            <TrackingHistory key={parcelId} parcelId={parcelId} />
          ) : (
            <Card>
              <p className="muted">{t('parcelsScreen.choose')}</p>
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}

function TrackingHistory({ parcelId }: { parcelId: number }) {
  const { t, pick, term } = useI18n();
  const polled = usePoll(
    (signal) => api<ParcelTracking>(`/parcels/${parcelId}/tracking`, { signal }),
    [parcelId],
    15_000,
  );
  const data = polled.data;
  const tracking = data?.tracking;
  return (
    <Card
      title={t('parcelsScreen.history', { number: data?.tracking_number ?? String(parcelId) })}
      className="tracking-history"
    >
      <ErrorText error={polled.error} />
      {data ? (
        <div data-testid="tracking-history">
          <p>
            <span className={`badge tracking-${tracking?.status ?? 'none'}`} data-testid="tracking-status">
              {tracking?.label ? pick(tracking.label) : t('parcelsScreen.noTracking')}
            </span>{' '}
            <span className="muted">
              {t('parcels.state')}: {term('parcelState', data.parcel_status)}
            </span>{' '}
            · <a href={`#/orders/${data.order_id}`}>{t('parcelsScreen.openOrder')}</a>
          </p>
          {tracking ? (
            <dl className="facts">
              <dt>{t('parcelsScreen.rawStatus')}</dt>
              <dd>{[tracking.raw_status, tracking.raw_substatus].filter(Boolean).join(' / ') || '—'}</dd>
              <dt>{t('parcels.firstScan')}</dt>
              <dd>
                <DateTime iso={tracking.first_scan_at} />
              </dd>
              <dt>{t('parcelsScreen.delivered')}</dt>
              <dd>
                <DateTime iso={tracking.delivered_at} />
              </dd>
              <dt>{t('parcelsScreen.destination')}</dt>
              <dd>{tracking.destination_country ?? '—'}</dd>
            </dl>
          ) : null}
          {data.problems.length ? (
            <ul className="problem-list">
              {data.problems.map((p) => (
                <li key={p.id}>
                  <span className={`badge level-${p.level}`}>{term('problemLevel', p.level)}</span> {pick(p.message)}{' '}
                  <span className="muted">{pick(p.what_to_do)}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <h3>{t('parcelsScreen.events')}</h3>
          {data.events.length === 0 ? <p className="muted">{t('parcelsScreen.noEvents')}</p> : null}
          <ol className="tracking-events" data-testid="tracking-events">
            {keyedByContent([...data.events].reverse()).map(([key, e]) => (
              <li key={key} data-status={e.status}>
                <DateTime iso={e.at} /> <strong>{term('trackingStatus', e.status)}</strong>
                {e.location ? <span className="muted"> · {e.location}</span> : null}
                <div className="small">
                  {e.description ?? ''}{' '}
                  <span className="muted">
                    ({[e.raw_status, e.raw_substatus].filter(Boolean).join(' / ') || '—'} · {e.provider})
                  </span>
                </div>
              </li>
            ))}
          </ol>
        </div>
      ) : (
        <p className="muted">{t('live.loading')}</p>
      )}
    </Card>
  );
}
