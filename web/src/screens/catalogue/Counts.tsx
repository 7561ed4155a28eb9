/**
 * Catalogue → Stock counts: on hand, reserved and available per SKU and warehouse; a count or an adjustment with
 * its reason (counted: the number on the shelf; found / damaged: units added or removed), kept in the ledger; and
 * the stock template for many counts at once.
 */
import { useState, type FormEvent } from 'react';
import { api, type CatalogueSku, type StockRow, type Warehouse } from '../../api';
import { Card, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';
import { TemplateUpload } from './Upload';

const REASONS = ['counted', 'found', 'damaged'] as const;
const FIELDS = ['warehouse', 'sku', 'reason', 'by', 'to', 'note'];

export function StockCounts({
  writes,
  warehouses = [],
  skus = [],
  catalogueVersion,
  onChanged,
}: {
  writes: boolean;
  /** The warehouses and SKUs to count, as the screen's other cards read them (none while they load). */
  warehouses: Warehouse[] | undefined;
  skus: CatalogueSku[] | undefined;
  catalogueVersion: number;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const data = usePoll(
    async (signal) => ({ levels: (await api<{ items: StockRow[] }>('/stock', { signal })).items }),
    [catalogueVersion],
    30_000,
  );
  const [draft, setDraft] = useState({
    warehouse: '',
    sku: '',
    reason: 'counted' as (typeof REASONS)[number],
    quantity: '',
    note: '',
  });
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { error, setError, busy, run, invalid } = useApiForm();
  const quantityField = draft.reason === 'counted' ? 'to' : 'by';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const n = Number(draft.quantity);
    const amount =
      draft.quantity.trim() === '' || !Number.isInteger(n) ? null : draft.reason === 'damaged' ? -Math.abs(n) : n;
    await run(async () => {
      const answer = await api<{ on_hand: number }>('/stock/adjustments', {
        method: 'POST',
        body: {
          warehouse: draft.warehouse,
          sku: draft.sku,
          reason: draft.reason,
          [quantityField]: amount,
          ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
        },
      });
      setSaved(t('counts.saved', { sku: draft.sku, warehouse: draft.warehouse, onHand: answer.on_hand }));
      setDraft((d) => ({ ...d, quantity: '', note: '' }));
      await data.refresh();
      onChanged();
    });
  };
  const d = data.data && { ...data.data, warehouses, skus };
  return (
    <Card id="catalogue-stock" title={t('counts.title')}>
      <p className="hint">{t('counts.hint')}</p>
      <ErrorText error={data.error} />
      {d?.levels.length ? (
        <div className="table-scroll">
          <table className="compact" data-testid="stock-counts">
            <thead>
              <tr>
                <th>{t('skus.sku')}</th>
                <th>{t('counts.warehouse')}</th>
                <th className="num">{t('counts.onHand')}</th>
                <th className="num">{t('counts.reserved')}</th>
                <th className="num">{t('counts.available')}</th>
              </tr>
            </thead>
            <tbody>
              {d.levels.map((l) => (
                <tr key={`${l.warehouse_id}/${l.sku}`} data-sku={l.sku} data-warehouse={l.warehouse_id}>
                  <td>{l.sku}</td>
                  <td>{l.warehouse_id}</td>
                  <td className="num">{l.on_hand}</td>
                  <td className="num">{l.reserved}</td>
                  <td className="num">{l.available}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : d ? (
        <p className="muted">{t('counts.none')}</p>
      ) : null}
      {writes && d ? (
        <>
          <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="count-form">
            <label htmlFor="count-warehouse">{t('counts.warehouse')}</label>
            <div>
              <select
                id="count-warehouse"
                name="warehouse"
                value={draft.warehouse}
                onChange={(e) => setDraft({ ...draft, warehouse: e.target.value })}
                aria-invalid={invalid('warehouse')}
              >
                <option value="">{t('counts.pick')}</option>
                {d.warehouses.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name} ({w.id})
                  </option>
                ))}
              </select>
              <FieldError error={error} field="warehouse" />
            </div>
            <label htmlFor="count-sku">{t('skus.sku')}</label>
            <div>
              <select
                id="count-sku"
                name="sku"
                value={draft.sku}
                onChange={(e) => setDraft({ ...draft, sku: e.target.value })}
                aria-invalid={invalid('sku')}
              >
                <option value="">{t('counts.pick')}</option>
                {d.skus.map((s) => (
                  <option key={s.sku} value={s.sku}>
                    {s.sku}
                  </option>
                ))}
              </select>
              <FieldError error={error} field="sku" />
            </div>
            <label htmlFor="count-reason">{t('counts.reason')}</label>
            <div>
              <select
                id="count-reason"
                name="reason"
                value={draft.reason}
                onChange={(e) => setDraft({ ...draft, reason: e.target.value as (typeof REASONS)[number] })}
              >
                {REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t(`counts.reason.${r}`)}
                  </option>
                ))}
              </select>
              <FieldError error={error} field="reason" />
            </div>
            <label htmlFor="count-quantity">{t('counts.quantity')}</label>
            <div>
              <input
                id="count-quantity"
                name="quantity"
                type="number"
                min={0}
                value={draft.quantity}
                onChange={(e) => setDraft({ ...draft, quantity: e.target.value })}
                aria-invalid={invalid(quantityField)}
              />
              <FieldError error={error} field={quantityField} />
            </div>
            <label htmlFor="count-note">{t('counts.note')}</label>
            <input
              id="count-note"
              name="note"
              value={draft.note}
              onChange={(e) => setDraft({ ...draft, note: e.target.value })}
            />
            <div className="form-actions">
              <button type="submit" disabled={busy} data-testid="save-count">
                {busy ? t('action.working') : t('counts.save')}
              </button>
              {saved ? (
                <span className="ok" role="status" data-testid="count-saved">
                  {saved}
                </span>
              ) : null}
            </div>
          </form>
          {error && !onlyFieldIssues(error, FIELDS) ? <ErrorText error={error} /> : null}
          <TemplateUpload
            kind="stock"
            uploadPath="/stock/imports"
            onUploaded={async () => {
              await data.refresh();
              onChanged();
            }}
          />
        </>
      ) : null}
    </Card>
  );
}
