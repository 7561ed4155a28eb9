/**
 * Settings → carriers: the carrier services in use (`GET /carrier/services`, read-only: an imported contract, else
 * the sample services) and the seller's shipping rules (`GET /carrier/rules`, in order: the first match wins),
 * edited as JSON and replaced whole (`PUT /carrier/rules`); a refusal lists each problem with its path (the
 * rule's number and the field in it). Both are shared by the whole installation.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type ApiIssue, type CarrierService } from '../../api';
import { useAuth } from '../../auth';
import { Card, ErrorText } from '../../components';
import { clientError, useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';
import { keyedByContent } from '../../keys';

export function CarrierServices() {
  const { t, pick, term } = useI18n();
  const services = usePoll(
    (signal) => api<{ source: string; services: CarrierService[] }>('/carrier/services', { signal }),
    [],
    300_000,
    { live: false },
  );
  const items = services.data?.services ?? [];
  return (
    <Card id="settings-carriers" title={t('carriers.title')}>
      <p className="hint">
        {services.data
          ? t('carriers.source', { source: term('carrierSource', services.data.source) })
          : t('live.loading')}
      </p>
      {services.error ? <ErrorText error={services.error} /> : null}
      {items.length ? (
        <table className="compact" data-testid="carrier-services">
          <thead>
            <tr>
              <th>{t('carriers.code')}</th>
              <th>{t('carriers.name')}</th>
              <th>{t('carriers.carrier')}</th>
              <th>{t('carriers.class')}</th>
              <th>{t('carriers.marketplace')}</th>
              <th>{t('carriers.zones')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.code} data-service={s.code}>
                <td>
                  <code>{s.code}</code>
                </td>
                <td>
                  {pick(s.name)}
                  {s.sample ? <span className="badge"> {t('carriers.sample')}</span> : null}
                </td>
                <td>
                  <code>{s.carrier}</code>
                </td>
                <td>{term('logisticsClass', s.logistics_class)}</td>
                <td>{s.marketplace_service ? <code>{s.marketplace_service}</code> : '—'}</td>
                <td>
                  <code>{s.zones.join(', ')}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : services.data ? (
        <p className="muted">{t('carriers.none')}</p>
      ) : null}
    </Card>
  );
}

const pretty = (rules: unknown[]) => JSON.stringify(rules, null, 2);

/** The issues of a refused rule set, each with where it is: the rule's number and the field in it. */
function RuleIssues({ error }: { error: ApiError }) {
  const { t, pick } = useI18n();
  return (
    <ul className="field-error rule-issues" role="alert" data-field="rules">
      {keyedByContent(error.issues as Array<ApiIssue & { row?: number }>).map(([key, i]) => (
        <li key={key}>
          <code>{i.row ? t('rules.at', { row: i.row, path: i.path }) : i.path}</code>{' '}
          {i.messages ? pick(i.messages) : i.message}
        </li>
      ))}
    </ul>
  );
}

export function ShippingRules() {
  const { t } = useI18n();
  const { can } = useAuth();
  const writes = can('settings:write');
  const rules = usePoll(
    (signal) => api<{ items: Array<Record<string, unknown>> }>('/carrier/rules', { signal }),
    [],
    300_000,
    { live: false },
  );
  const items = rules.data?.items ?? [];
  const [text, setText] = useState<string | undefined>(undefined);
  const { error, setError, busy, run } = useApiForm();
  const [saved, setSaved] = useState<number | undefined>(undefined);
  const editing = text !== undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    let body: unknown;
    try {
      body = JSON.parse(text ?? '[]');
    } catch {
      body = undefined;
    }
    if (!Array.isArray(body)) {
      setError(clientError('rules', 'rules.notJson'));
      return;
    }
    await run(async () => {
      const answer = await api<{ items: unknown[] }>('/carrier/rules', { method: 'PUT', body });
      setSaved(answer.items.length);
      setText(undefined);
      await rules.refresh();
    });
  };

  return (
    <Card title={t('rules.title')}>
      <p className="hint">{t('rules.hint')}</p>
      {rules.error ? <ErrorText error={rules.error} /> : null}
      {!editing ? (
        items.length ? (
          <ol className="rules" data-testid="carrier-rules">
            {keyedByContent(items).map(([key, rule]) => (
              <li key={key}>
                <code>{JSON.stringify(rule)}</code>
              </li>
            ))}
          </ol>
        ) : rules.data ? (
          <p className="muted">{t('rules.none')}</p>
        ) : null
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate data-testid="rules-form">
          <textarea
            name="rules"
            rows={12}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label={t('rules.json')}
            aria-invalid={error instanceof ApiError}
            className="json"
          />
          {error instanceof ApiError && error.issues.length ? (
            <RuleIssues error={error} />
          ) : error ? (
            <ErrorText error={error} />
          ) : null}
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy} data-testid="save-rules">
              {busy ? t('action.working') : t('rules.save')}
            </button>
            <button
              type="button"
              onClick={() => {
                setText(undefined);
                setError(undefined);
              }}
            >
              {t('rules.cancel')}
            </button>
          </div>
        </form>
      )}
      {!editing && writes ? (
        <div className="form-actions">
          <button
            type="button"
            onClick={() => {
              setText(pretty(items));
              setSaved(undefined);
            }}
            disabled={!rules.data}
            data-testid="edit-rules"
          >
            {t('rules.edit')}
          </button>
          {saved !== undefined ? (
            <span className="ok" role="status">
              {t('rules.saved', { count: saved })}
            </span>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
