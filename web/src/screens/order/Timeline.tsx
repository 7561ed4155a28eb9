/** The order's facts row for a milestone, and its timeline: every event with who did it and why. */
import type { Localized, TimelineEvent } from '../../api';
import { DateTime } from '../../components';
import { useI18n } from '../../i18n';

export function FactRow({ label, at }: { label: string; at: string | null }) {
  const { term } = useI18n();
  return (
    <>
      <dt>{term('milestone', label)}</dt>
      <dd>
        <DateTime iso={at} />
      </dd>
    </>
  );
}

/** The parcel machine's actions (src/core: parcelMachine): their transitions move a parcel, not the order. */
const PARCEL_ACTIONS = new Set([
  'pack',
  'label',
  'hand_over',
  'upload_tracking',
  'void',
  'report_in_transit',
  'report_delivered',
  'report_returned',
]);

function describeEvent(
  e: TimelineEvent,
  term: (group: string, value: string | null | undefined) => string,
  t: ReturnType<typeof useI18n>['t'],
): string {
  // A parcel's step names parcel states (created, packed, labelled…), an order's step order states.
  const group =
    e.kind === 'transition' && e.parcel_id !== null && PARCEL_ACTIONS.has(e.action ?? '') ? 'parcelState' : 'state';
  if (e.kind === 'transition')
    return t('event.transition', {
      action: term('action', e.action),
      from: term(group, e.from),
      to: term(group, e.to),
    });
  if (e.kind === 'created') return t('event.createdAs', { state: term('state', e.to) });
  // An audit line: who called which route, with what outcome, from where (the actor is shown beside it).
  if (e.kind === 'audit')
    return t('event.audit', {
      action: e.action ?? '',
      outcome: term('auditOutcome', e.reason),
      ip: String((e.data as { ip?: string } | null)?.ip ?? '?'),
    });
  return term('event', e.kind);
}

/** A reason shipby wrote itself carries both languages in the event's data (`message`); a person's reason is as typed. */
function localizedReason(e: TimelineEvent): Localized | undefined {
  const message = (e.data as { message?: unknown } | null)?.message;
  return message &&
    typeof message === 'object' &&
    typeof (message as Localized).en === 'string' &&
    typeof (message as Localized)['zh-CN'] === 'string'
    ? (message as Localized)
    : undefined;
}

export function Timeline({ events, platformZone }: { events: TimelineEvent[]; platformZone: string | undefined }) {
  const { t, term, pick } = useI18n();
  if (!events.length) return <p className="muted">{t('timeline.empty')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e) => {
        const change =
          e.kind === 'deadline_changed' ? (e.data as { from?: number | null; to?: number | null } | null) : null;
        return (
          <li key={e.id} data-kind={e.kind} data-action={e.action ?? ''}>
            <div className="timeline-when">
              <DateTime iso={e.at} />
            </div>
            <div className="timeline-what">
              <strong>{describeEvent(e, term, t)}</strong>
              {change?.to ? (
                <span className="muted">
                  {' '}
                  → <DateTime iso={new Date(change.to).toISOString()} platformZone={platformZone} />
                </span>
              ) : null}
              <div className="timeline-meta">
                <span className="actor">{t('timeline.by', { actor: term('actor', e.actor) })}</span>
                {e.reason && e.kind !== 'audit' ? (
                  <span className="reason">
                    {t('timeline.reason', { reason: localizedReason(e) ? pick(localizedReason(e)) : e.reason })}
                  </span>
                ) : null}
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
