/** Catalogue → Warehouses: the account's warehouses (kind, country, time zone, daily cut-off) and a form to add or change one. */
import { useState, type FormEvent } from 'react';
import { api, type Warehouse } from '../../api';
import { Card, DateTime, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { clientError, useApiForm } from '../../forms';
import type { Polled } from '../../hooks';
import { useI18n } from '../../i18n';

const FIELDS = ['id', 'name', 'kind', 'country', 'time_zone', 'cutoff'];
const EMPTY = { id: '', name: '', kind: 'domestic', country: 'CN', time_zone: 'Asia/Shanghai', cutoff: '16:00' };

export function Warehouses({
  list,
  writes,
  onChanged,
}: {
  /** The account's warehouses, read once for the whole screen (Catalogue.tsx). */
  list: Polled<{ items: Warehouse[] }>;
  writes: boolean;
  onChanged: () => void;
}) {
  const { t, term } = useI18n();
  const [draft, setDraft] = useState(EMPTY);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { error, setError, busy, run, invalid } = useApiForm();
  const set = (field: keyof typeof EMPTY) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const id = draft.id.trim();
    if (!id) {
      setError(clientError('id', 'warehouses.idRequired'));
      return;
    }
    await run(async () => {
      await api(`/warehouses/${encodeURIComponent(id)}`, {
        method: 'PUT',
        body: {
          name: draft.name.trim() || id,
          kind: draft.kind,
          country: draft.country.trim() || null,
          time_zone: draft.time_zone.trim(),
          cutoff: draft.cutoff.trim(),
        },
      });
      setSaved(id);
      setDraft(EMPTY);
      await list.refresh();
      onChanged();
    });
  };
  const field = (name: keyof typeof EMPTY, label: string) => (
    <>
      <label htmlFor={`warehouse-${name}`}>{label}</label>
      <div>
        <input
          id={`warehouse-${name}`}
          name={name}
          value={draft[name]}
          onChange={(e) => set(name)(e.target.value)}
          aria-invalid={invalid(name)}
        />
        <FieldError error={error} field={name} />
      </div>
    </>
  );
  return (
    <Card id="catalogue-warehouses" title={t('warehouses.title')}>
      <p className="hint">{t('warehouses.hint')}</p>
      <ErrorText error={list.error} />
      {list.data?.items.length ? (
        <div className="table-scroll">
          <table className="compact" data-testid="warehouses">
            <thead>
              <tr>
                <th>{t('warehouses.id')}</th>
                <th>{t('warehouses.name')}</th>
                <th>{t('warehouses.kind')}</th>
                <th>{t('warehouses.zone')}</th>
                <th>{t('warehouses.cutoff')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((w) => (
                <tr key={w.id} data-warehouse={w.id}>
                  <td>{w.id}</td>
                  <td>{w.name}</td>
                  <td>{term('warehouses.kind', w.kind)}</td>
                  <td>
                    {w.country ?? '—'} · {w.time_zone}
                  </td>
                  <td>
                    {w.cutoff} (<DateTime iso={w.next_cutoff_at} />)
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : list.data ? (
        <p className="muted">{t('warehouses.none')}</p>
      ) : null}
      {writes ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="warehouse-form">
          {field('id', t('warehouses.id'))}
          {field('name', t('warehouses.name'))}
          <label htmlFor="warehouse-kind">{t('warehouses.kind')}</label>
          <div>
            <select id="warehouse-kind" name="kind" value={draft.kind} onChange={(e) => set('kind')(e.target.value)}>
              <option value="domestic">{t('warehouses.kind.domestic')}</option>
              <option value="overseas">{t('warehouses.kind.overseas')}</option>
            </select>
            <FieldError error={error} field="kind" />
          </div>
          {field('country', t('warehouses.country'))}
          {field('time_zone', t('warehouses.zone'))}
          {field('cutoff', t('warehouses.cutoff'))}
          <div className="form-actions">
            <button type="submit" disabled={busy} data-testid="save-warehouse">
              {busy ? t('action.working') : t('warehouses.save')}
            </button>
            {saved ? (
              <span className="ok" role="status" data-testid="warehouse-saved">
                {t('warehouses.saved', { id: saved })}
              </span>
            ) : null}
          </div>
        </form>
      ) : null}
      {error && !onlyFieldIssues(error, FIELDS) ? <ErrorText error={error} /> : null}
    </Card>
  );
}
