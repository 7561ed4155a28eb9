/** The order's facts row for a milestone, and its timeline: every event with who did it and why. */
import type { TimelineEvent } from '../../api';
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

function describeEvent(e: TimelineEvent, term: (group: string, value: string | null | undefined) => string, t: ReturnType<typeof useI18n>['t']): string {
  if (e.kind === 'transition') return t('event.transition', { action: term('action', e.action), from: term('state', e.from), to: term('state', e.to) });
  if (e.kind === 'created') return t('event.createdAs', { state: term('state', e.to) });
  // An audit line: who called which route, with what outcome, from where (the actor is shown beside it).
  if (e.kind === 'audit') return t('event.audit', { action: e.action ?? '', outcome: e.reason ?? '', ip: String((e.data as { ip?: string } | null)?.ip ?? '?') });
  return term('event', e.kind);
}

export function Timeline({ events, platformZone }: { events: TimelineEvent[]; platformZone: string | undefined }) {
  const { t, term } = useI18n();
  if (!events.length) return <p className="muted">{t('timeline.empty')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e) => {
        const change = e.kind === 'deadline_changed' ? (e.data as { from?: number | null; to?: number | null } | null) : null;
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
                {e.reason ? <span className="reason">{t('timeline.reason', { reason: e.reason })}</span> : null}
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
