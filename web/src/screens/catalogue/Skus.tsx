/**
 * Catalogue → SKUs: each seller SKU with its size and weight as packed, the item barcode and what customs need (HS
 * code, description, value per unit) and its bin location in the warehouse; a form for one SKU and the XLSX
 * template for many. A refusal shows at its
 * field (a negative weight at the weight); nothing is stored.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type CatalogueSku } from '../../api';
import { Card, ErrorText, FieldError, Money, onlyFieldIssues, SizeFields } from '../../components';
import { clientError, useApiForm } from '../../forms';
import type { Polled } from '../../hooks';
import { useI18n } from '../../i18n';
import { TemplateUpload } from './Upload';

const FIELDS = [
  'sku',
  'name',
  'dims_mm',
  'weight_g',
  'barcode',
  'hs_code',
  'customs_description',
  'customs_value',
  'customs_currency',
  'bin_location',
];
const EMPTY = {
  sku: '',
  name: '',
  length: '',
  width: '',
  height: '',
  weight: '',
  barcode: '',
  hs: '',
  description: '',
  value: '',
  currency: 'USD',
  bin: '',
};
type Draft = typeof EMPTY;

const num = (text: string): number | null =>
  text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text);

/** "12.50" in a currency of two minor digits as 1250; undefined when it is no amount. */
function minorUnits(text: string): number | null | undefined {
  const t = text.trim();
  if (!t) return null;
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : undefined;
}

/** The API names the one item's fields `items.0.weight_g` (its size check) or `weight_g`: one name here. */
const atFields = (error: ApiError) =>
  new ApiError(
    error.status,
    error.code,
    error.messages,
    error.issues.map((i) => ({ ...i, path: i.path.replace(/^(body\.)?(items\.0\.)?/, '') })),
    error.rule,
  );

export function CatalogueSkus({
  list,
  writes,
  onChanged,
}: {
  /** The seller SKUs, read once for the whole screen (Catalogue.tsx). */
  list: Polled<{ items: CatalogueSku[] }>;
  writes: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { error, setError, busy, run, invalid } = useApiForm();
  const set = (field: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const sku = draft.sku.trim();
    if (!sku) return setError(clientError('sku', 'skus.skuRequired'));
    const value = minorUnits(draft.value);
    if (value === undefined) return setError(clientError('customs_value', 'catalogueSkus.valueNotNumber'));
    const body = {
      name: draft.name.trim() || sku,
      dims_mm: [num(draft.length), num(draft.width), num(draft.height)],
      weight_g: num(draft.weight),
      barcode: draft.barcode.trim() || null,
      hs_code: draft.hs.trim() || null,
      customs_description: draft.description.trim() || null,
      customs_value: value,
      customs_currency: value === null ? null : draft.currency.trim() || null,
      bin_location: draft.bin.trim() || null,
    };
    await run(async () => {
      await api(`/catalogue/skus/${encodeURIComponent(sku)}`, { method: 'PUT', body });
      setSaved(sku);
      setDraft(EMPTY);
      await list.refresh();
      onChanged();
    }, atFields);
  };
  const edit = (s: CatalogueSku) => {
    setDraft({
      sku: s.sku,
      name: s.name,
      length: String(s.dims_mm?.[0] ?? ''),
      width: String(s.dims_mm?.[1] ?? ''),
      height: String(s.dims_mm?.[2] ?? ''),
      weight: String(s.weight_g ?? ''),
      barcode: s.barcode ?? '',
      hs: s.hs_code ?? '',
      description: s.customs_description ?? '',
      value: s.customs_value ? (s.customs_value.amount / 100).toFixed(2) : '',
      currency: s.customs_value?.currency ?? 'USD',
      bin: s.bin_location ?? '',
    });
    setError(undefined);
    setSaved(undefined);
  };
  const input = (name: string, key: keyof Draft, label: string, type = 'text') => (
    <>
      <label htmlFor={`catalogue-sku-${name}`}>{label}</label>
      <div>
        <input
          id={`catalogue-sku-${name}`}
          name={name}
          type={type}
          value={draft[key]}
          onChange={(e) => set(key)(e.target.value)}
          aria-invalid={invalid(name)}
        />
        <FieldError error={error} field={name} />
      </div>
    </>
  );
  return (
    <Card id="catalogue-skus" title={t('catalogueSkus.title')}>
      <p className="hint">{t('catalogueSkus.hint')}</p>
      <ErrorText error={list.error} />
      {list.data?.items.length ? (
        <div className="table-scroll">
          <table className="compact" data-testid="catalogue-skus">
            <thead>
              <tr>
                <th>{t('skus.sku')}</th>
                <th>{t('skus.size')}</th>
                <th className="num">{t('skus.weight')}</th>
                <th>{t('catalogueSkus.bin')}</th>
                <th>{t('catalogueSkus.hs')}</th>
                <th className="num">{t('catalogueSkus.customs')}</th>
                {writes ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.sku} data-sku={s.sku}>
                  <td title={s.name}>{s.sku}</td>
                  <td>{s.dims_mm ? t('skus.sizeOf', { l: s.dims_mm[0], w: s.dims_mm[1], h: s.dims_mm[2] }) : '—'}</td>
                  <td className="num">{s.weight_g ?? '—'}</td>
                  <td data-testid="sku-bin">{s.bin_location ?? '—'}</td>
                  <td>{s.hs_code ?? '—'}</td>
                  <td className="num">{s.customs_value ? <Money value={s.customs_value} /> : '—'}</td>
                  {writes ? (
                    <td>
                      <button type="button" className="link" onClick={() => edit(s)}>
                        {t('skus.edit')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : list.data ? (
        <p className="muted">{t('catalogueSkus.none')}</p>
      ) : null}
      {writes ? (
        <>
          <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="catalogue-sku-form">
            {input('sku', 'sku', t('skus.sku'))}
            {input('name', 'name', t('catalogueSkus.name'))}
            <label htmlFor="catalogue-sku-length">{t('skus.size')}</label>
            <SizeFields
              id="catalogue-sku-length"
              names={['length', 'width', 'height']}
              values={draft}
              onChange={(side, value) => set(side)(value)}
              field="dims_mm"
              error={error}
              invalid={invalid}
            />
            {input('weight_g', 'weight', t('skus.weight'), 'number')}
            {input('barcode', 'barcode', t('skus.barcode'))}
            {input('bin_location', 'bin', t('catalogueSkus.bin'))}
            {input('hs_code', 'hs', t('catalogueSkus.hs'))}
            {input('customs_description', 'description', t('catalogueSkus.customsDescription'))}
            {input('customs_value', 'value', t('catalogueSkus.customsValue'))}
            {input('customs_currency', 'currency', t('catalogueSkus.currency'))}
            <div className="form-actions">
              <button type="submit" disabled={busy} data-testid="save-catalogue-sku">
                {busy ? t('action.working') : t('catalogueSkus.save')}
              </button>
              {saved ? (
                <span className="ok" role="status" data-testid="catalogue-sku-saved">
                  {t('skus.saved', { sku: saved })}
                </span>
              ) : null}
            </div>
          </form>
          {error && !onlyFieldIssues(error, FIELDS) ? <ErrorText error={error} /> : null}
          <TemplateUpload
            kind="skus"
            uploadPath="/catalogue/skus/imports"
            onUploaded={async () => {
              await list.refresh();
              onChanged();
            }}
          />
        </>
      ) : null}
    </Card>
  );
}
