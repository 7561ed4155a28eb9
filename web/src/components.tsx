import type { ReactNode } from 'react';
import { ApiError, NetworkError, api, type Money as MoneyValue, type Notice } from './api';
import { usePoll } from './hooks';
import { useData } from './data';
import { durationParts, formatDateTime, formatMoney, urgencyOf, zoneAbbreviation, type Urgency } from './format';
import { DICTIONARIES, LOCALES, useI18n, type Translate } from './i18n';
import type { MessageKey } from './i18n/en';

export function Money({ value }: { value: MoneyValue | null | undefined }) {
  const { locale } = useI18n();
  return <span className="money">{formatMoney(value, locale)}</span>;
}

/** A time in the user's zone; with `platformZone`, the platform's wall-clock time beside it (deadlines are set there). */
export function DateTime({ iso, platformZone }: { iso: string | null | undefined; platformZone?: string }) {
  const { locale, userZone, t } = useI18n();
  if (!iso) return <span className="muted">—</span>;
  const showPlatform = platformZone && platformZone !== userZone;
  return (
    <span className="datetime" title={`${iso} (UTC)`}>
      <time dateTime={iso}>{formatDateTime(iso, locale, userZone)}</time>
      {showPlatform ? (
        <span className="platform-time">
          {t('time.platform', {
            time: formatDateTime(iso, locale, platformZone),
            zone: zoneAbbreviation(iso, locale, platformZone),
          })}
        </span>
      ) : null}
    </span>
  );
}

export function formatCountdown(ms: number, t: Translate): string {
  const { days, hours, minutes, seconds } = durationParts(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const span =
    days > 0
      ? t('duration.days', { d: days, h: hours, m: pad(minutes) })
      : hours > 0
        ? t('duration.hours', { h: hours, m: pad(minutes), s: pad(seconds) })
        : t('duration.minutes', { m: minutes, s: pad(seconds) });
  return ms <= 0 ? t('duration.overdue', { span }) : span;
}

/** A live countdown: the API's time left at `receivedAt`, minus the time since (client clock). */
export function Countdown({
  timeLeftMs,
  receivedAt,
  now,
  warningHours,
}: {
  timeLeftMs: number | null;
  receivedAt: number;
  now: number;
  warningHours?: readonly number[];
}) {
  const { t } = useI18n();
  if (timeLeftMs === null) return <span className="urgency urgency-none">{t('deadline.none')}</span>;
  const left = timeLeftMs - Math.max(0, now - receivedAt);
  const urgency = urgencyOf(left, warningHours);
  return (
    <span className={`urgency urgency-${urgency}`} data-urgency={urgency}>
      {formatCountdown(left, t)}
    </span>
  );
}

export function UrgencyLegend({ warningHours }: { warningHours: readonly number[] }) {
  const { t } = useI18n();
  const sorted = [...warningHours].sort((a, b) => a - b);
  const bands: Array<[Urgency, string]> = [
    ['overdue', t('urgency.overdue')],
    ...sorted
      .slice(0, 4)
      .map(
        (h, i) => [(['h2', 'h6', 'h24', 'h48'] as const)[i]!, t('urgency.within', { hours: h })] as [Urgency, string],
      ),
    ['calm', t('urgency.calm')],
  ];
  return (
    <div className="legend" role="note" aria-label={t('urgency.legend')}>
      {bands.map(([band, label]) => (
        <span key={band} className={`urgency urgency-${band}`}>
          {label}
        </span>
      ))}
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  const { term } = useI18n();
  return <span className={`badge state-${state}`}>{term('state', state)}</span>;
}

/** The API's refusal in the user's language (with the rule that refused, when there is one). */
export function ErrorText({ error }: { error: unknown }) {
  const { pick, t } = useI18n();
  if (!error) return null;
  if (error instanceof ApiError) {
    const fieldless = error.issues.length
      ? error.issues.map((i) => (i.messages ? pick(i.messages) : i.message)).join(' ')
      : '';
    return (
      <p className="error" role="alert">
        {pick(error.messages)} {fieldless}
        {error.rule ? <span className="rule"> [{error.rule}]</span> : null}
        <FixLinks error={error} />
      </p>
    );
  }
  if (error instanceof NetworkError)
    return (
      <p className="error" role="alert">
        {t('error.network')}
      </p>
    );
  return (
    <p className="error" role="alert">
      {t('error.unexpected')}
    </p>
  );
}

/** The screens a refusal's issues point at (a missing setting), each a link: "Open Settings → Sender address". */
export function FixLinks({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError)) return null;
  // One link per screen; what to set there (the SKUs without a size) goes along, so the form opens on it.
  const screens = new Map<string, string[]>();
  for (const fix of error.issues.flatMap((i) => (i.fix ? [i.fix] : [])))
    screens.set(fix.screen, [...(screens.get(fix.screen) ?? []), ...(fix.for ?? [])]);
  return (
    <>
      {[...screens].map(([screen, subjects]) => {
        const key = `fix.${screen}`;
        const name = key in DICTIONARIES.en ? t(key as MessageKey) : screen;
        return (
          <a
            key={screen}
            className="fix-link"
            href={`#/${screen}${subjects.length ? `?for=${encodeURIComponent(subjects.join(','))}` : ''}`}
            data-testid="fix-link"
            data-screen={screen}
          >
            {t('fix.open', { screen: name })}
          </a>
        );
      })}
    </>
  );
}

/** The messages the API gave for one field, shown under that field (after the field's name when `label` gives it). */
export function FieldError({
  error,
  field,
  id,
  label,
}: {
  error: unknown;
  field: string;
  id?: string;
  label?: string;
}) {
  const { pick } = useI18n();
  if (!(error instanceof ApiError)) return null;
  const issues = error.issuesAt(field);
  if (!issues.length) return null;
  // Inside a JSON field the API names the exact place (overrides.handling.defaultHours): say which.
  const where = (path: string) => {
    const inner = path
      .replace(/^(body|querystring|params)\./, '')
      .slice(field.length)
      .replace(/^[.]/, '');
    return inner ? `${inner}: ` : '';
  };
  return (
    <p className="field-error" role="alert" id={id} data-field={field}>
      {label ? `${label}: ` : ''}
      {issues.map((i) => `${where(i.path)}${i.messages ? pick(i.messages) : i.message}`).join(' ')}
    </p>
  );
}

/**
 * One row of a form laid out as `form-grid`: its name (a label for the control `id`; without an id, the name of a row
 * whose control labels itself, such as a checkbox), then the control and its hints, then the API's message for the
 * field.
 */
export function FormRow({
  id,
  label,
  field,
  error,
  children,
}: {
  id?: string;
  label: ReactNode;
  field: string;
  error: unknown;
  children: ReactNode;
}) {
  return (
    <>
      {id ? <label htmlFor={id}>{label}</label> : <span>{label}</span>}
      <div>
        {children}
        <FieldError error={error} field={field} />
      </div>
    </>
  );
}

/** Whether the API's refusal is about fields the form shows (then the form shows each at its field, not at the top). */
export function onlyFieldIssues(error: unknown, fields: string[]): boolean {
  return (
    error instanceof ApiError &&
    error.issues.length > 0 &&
    error.issues.every((i) => fields.some((f) => error.issuesAt(f).includes(i)))
  );
}

export function LiveBadge({ receivedAt, error, now }: { receivedAt: number; error: unknown; now: number }) {
  const { t } = useI18n();
  if (error instanceof NetworkError) return <span className="live live-offline">{t('live.offline')}</span>;
  if (!receivedAt) return <span className="live">{t('live.loading')}</span>;
  const seconds = Math.max(0, Math.round((now - receivedAt) / 1000));
  return (
    <span className="live live-on" title={t('live.hint')}>
      {t('live.updated', { seconds })}
    </span>
  );
}

export function Card({
  title,
  children,
  className,
  actions,
  id,
}: {
  title?: ReactNode;
  children: ReactNode;
  className?: string;
  actions?: ReactNode;
  id?: string;
}) {
  return (
    <section className={`card ${className ?? ''}`} id={id}>
      {title || actions ? (
        <header className="card-header">
          {title ? <h2>{title}</h2> : null}
          {actions}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function ShopSelect({
  value,
  onChange,
  allowAll,
  id,
}: {
  value: string;
  onChange: (shop: string) => void;
  allowAll?: boolean;
  id?: string;
}) {
  const { t } = useI18n();
  const { shops } = useData();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {allowAll ? <option value="">{t('filter.allShops')}</option> : null}
      {shops.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name && s.name !== s.id ? `${s.name} (${s.id})` : s.id}
        </option>
      ))}
    </select>
  );
}

/** A list filter: "all" (the empty value) first, then each choice, shown as `label` gives it (itself by default). */
export function FilterSelect({
  name,
  value,
  onChange,
  allLabel,
  choices,
  label = (c) => c,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  allLabel: string;
  choices: readonly string[];
  label?: (choice: string) => string;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} name={name}>
      <option value="">{allLabel}</option>
      {choices.map((c) => (
        <option key={c} value={c}>
          {label(c)}
        </option>
      ))}
    </select>
  );
}

/** English / 中文, each named in its own words; the choice is remembered (header and sign-in screen). */
export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset's own box (border, padding, min-width) would change the header's layout; role=group names the buttons alike
    <div className="lang" role="group" aria-label={t('lang.label')}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className={l === locale ? 'active' : ''}
          aria-pressed={l === locale}
          onClick={() => setLocale(l)}
          data-locale={l}
        >
          {DICTIONARIES[l]['lang.name']}
        </button>
      ))}
    </div>
  );
}

/**
 * Notices above every screen (GET /notices): a marketplace outage while it lasts, a shop paused until it is
 * authorised again, in the reader's language, with
 * what to do. Nothing is shown when there is none, or when the notices cannot be read.
 */
export function Notices() {
  const { locale } = useI18n();
  const { data } = usePoll((signal) => api<{ items: Notice[] }>('/notices', { signal }), [], 30_000, {
    live: false,
  });
  if (!data?.items.length) return null;
  return (
    <div className="notices">
      {data.items.map((n) => (
        <p
          key={`${n.kind}:${n.platform}:${n.shop_id ?? ''}:${n.since}`}
          className={`notice notice-${n.level}`}
          role="status"
          data-testid="notice"
        >
          {n.messages[locale] ?? n.messages.en}
        </p>
      ))}
    </div>
  );
}

/**
 * Length × width × height in mm, as three number inputs reported as one field (`field`, e.g. `dims_mm`); `names`
 * are the inputs' form names, `id` the first input's (for its label).
 */
export function SizeFields({
  id,
  names,
  values,
  onChange,
  field,
  error,
  invalid,
}: {
  id: string;
  names: readonly [string, string, string];
  values: { length: string; width: string; height: string };
  onChange: (side: 'length' | 'width' | 'height', value: string) => void;
  field: string;
  error: unknown;
  invalid: (field: string) => boolean | undefined;
}) {
  const { t } = useI18n();
  const sides = ['length', 'width', 'height'] as const;
  return (
    <div>
      <div className="inline-fields">
        {sides.map((side, i) => (
          <input
            key={side}
            {...(i === 0 ? { id } : {})}
            name={names[i]}
            type="number"
            min={1}
            value={values[side]}
            onChange={(e) => onChange(side, e.target.value)}
            aria-label={t(`boxes.${side}`)}
            placeholder={t(`boxes.${side}`)}
            aria-invalid={invalid(field)}
          />
        ))}
      </div>
      <FieldError error={error} field={field} />
    </div>
  );
}
