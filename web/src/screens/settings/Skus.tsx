/**
 * Settings → SKU sizes and weights: each seller SKU as packed (`GET /skus/dimensions`), with its size, weight and
 * item barcode, and a form to add or change one (`PUT /skus/dimensions`, one item). Packing plans are refused until
 * every SKU of the order has them, with a link here. A refusal is shown at the field it names (the API names the
 * item's fields, `items.0.weight_g` or `weight_g`); nothing is stored.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type SkuSize } from '../../api';
import { useAuth } from '../../auth';
import { Card, ErrorText, FormRow, onlyFieldIssues, SizeFields } from '../../components';
import { type ApiForm, clientError, useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';

const FIELDS = ['sku', 'dims_mm', 'weight_g', 'barcode'];
/** How many SKUs the table shows before asking to find one. */
const SHOWN = 50;

interface Draft {
  sku: string;
  length: string;
  width: string;
  height: string;
  weight: string;
  barcode: string;
}

const EMPTY: Draft = { sku: '', length: '', width: '', height: '', weight: '', barcode: '' };

/** A number field's value: an empty or unreadable one goes as null, so the API names the field. */
const num = (text: string): number | null =>
  text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text);

/** The API names a field of the one item sent as `items.0.weight_g` (its schema) or `weight_g` (its rules): one name here. */
function atItemFields(error: ApiError): ApiError {
  const issues = error.issues.map((i) => ({ ...i, path: i.path.replace(/^(body\.)?items\.0\./, '') }));
  return new ApiError(error.status, error.code, error.messages, issues, error.rule);
}

/** `wanted`: the SKUs an error's link came for (a plan lacked their size); the form starts on the first. */
export function SkuDimensions({ wanted: linked }: { wanted?: string[] | undefined }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const writes = can('settings:write');
  const skus = usePoll((signal) => api<{ items: SkuSize[] }>('/skus/dimensions', { signal }), [], 300_000, {
    live: false,
  });
  const [draft, setDraft] = useState<Draft>(() => ({ ...EMPTY, sku: linked?.[0] ?? '' }));
  const form = useApiForm();
  const { error, setError, run } = form;
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const set = (field: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));

  const edit = (s: SkuSize) => {
    setDraft({
      sku: s.sku,
      length: String(s.dims_mm[0]),
      width: String(s.dims_mm[1]),
      height: String(s.dims_mm[2]),
      weight: String(s.weight_g),
      barcode: s.barcode ?? '',
    });
    setError(undefined);
    setSaved(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const sku = draft.sku.trim();
    if (!sku) {
      setError(clientError('sku', 'skus.skuRequired'));
      return;
    }
    // The form does not edit batteries and liquids: a changed SKU keeps what it has.
    const existing = skus.data?.items.find((s) => s.sku === sku);
    const item = {
      ...(existing ? { batteries: existing.batteries, liquids: existing.liquids } : {}),
      sku,
      dims_mm: [num(draft.length), num(draft.width), num(draft.height)],
      weight_g: num(draft.weight),
      barcode: draft.barcode.trim() || null,
    };
    await run(async () => {
      await api('/skus/dimensions', { method: 'PUT', body: { items: [item] } });
      setSaved(sku);
      setDraft(EMPTY);
      await skus.refresh();
    }, atItemFields);
  };

  return (
    <Card id="settings-skus" title={t('skus.title')}>
      <p className="hint">{t('skus.hint')}</p>
      {skus.error ? <ErrorText error={skus.error} /> : null}
      {skus.data?.items.length ? (
        <SkuTable items={skus.data.items} onEdit={writes ? edit : undefined} />
      ) : skus.data ? (
        <p className="muted">{t('skus.none')}</p>
      ) : null}
      {writes ? <SkuForm draft={draft} set={set} form={form} saved={saved} onSubmit={submit} /> : null}
      {error && !onlyFieldIssues(error, FIELDS) ? (
        <ErrorText error={error} />
      ) : error ? (
        <p className="error">{t('settings.refused')}</p>
      ) : null}
    </Card>
  );
}

/** The SKUs as packed, found by SKU or barcode (the first few shown); `onEdit` puts one in the form. */
function SkuTable({ items, onEdit }: { items: SkuSize[]; onEdit: ((sku: SkuSize) => void) | undefined }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState('');
  const wanted = filter.trim().toLowerCase();
  const matching = items.filter(
    (s) => !wanted || s.sku.toLowerCase().includes(wanted) || (s.barcode ?? '').toLowerCase().includes(wanted),
  );
  const shown = matching.slice(0, SHOWN);
  return (
    <>
      <input
        className="filter"
        type="search"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        placeholder={t('skus.filter')}
        aria-label={t('skus.filter')}
      />
      <table className="compact" data-testid="sku-sizes">
        <thead>
          <tr>
            <th>{t('skus.sku')}</th>
            <th>{t('skus.size')}</th>
            <th className="num">{t('skus.weight')}</th>
            <th>{t('skus.barcode')}</th>
            {onEdit ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {shown.map((s) => (
            <tr key={s.sku} data-sku={s.sku}>
              <td>{s.sku}</td>
              <td>{t('skus.sizeOf', { l: s.dims_mm[0], w: s.dims_mm[1], h: s.dims_mm[2] })}</td>
              <td className="num">{s.weight_g}</td>
              <td>{s.barcode ?? '—'}</td>
              {onEdit ? (
                <td>
                  <button type="button" className="link" onClick={() => onEdit(s)}>
                    {t('skus.edit')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {matching.length > SHOWN ? <p className="muted">{t('skus.more', { count: matching.length - SHOWN })}</p> : null}
    </>
  );
}

/** The form that adds a SKU's size, weight and barcode or changes them: each refused field shows its issue. */
function SkuForm({
  draft,
  set,
  form: { error, busy, invalid },
  saved,
  onSubmit,
}: {
  draft: Draft;
  set: (field: keyof Draft) => (value: string) => void;
  form: ApiForm;
  saved: string | undefined;
  onSubmit: (event: FormEvent) => Promise<void>;
}) {
  const { t } = useI18n();
  return (
    <form className="form-grid" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="sku-form">
      <FormRow id="sku-code" label={t('skus.sku')} field="sku" error={error}>
        <input
          id="sku-code"
          name="sku"
          value={draft.sku}
          onChange={(e) => set('sku')(e.target.value)}
          aria-invalid={invalid('sku')}
        />
      </FormRow>
      <label htmlFor="sku-length">{t('skus.size')}</label>
      <SizeFields
        id="sku-length"
        names={['length', 'width', 'height']}
        values={draft}
        onChange={(side, value) => set(side)(value)}
        field="dims_mm"
        error={error}
        invalid={invalid}
      />
      <FormRow id="sku-weight" label={t('skus.weight')} field="weight_g" error={error}>
        <input
          id="sku-weight"
          name="weight_g"
          type="number"
          value={draft.weight}
          onChange={(e) => set('weight')(e.target.value)}
          aria-invalid={invalid('weight_g')}
        />
      </FormRow>
      <FormRow id="sku-barcode" label={t('skus.barcode')} field="barcode" error={error}>
        <input
          id="sku-barcode"
          name="barcode"
          value={draft.barcode}
          onChange={(e) => set('barcode')(e.target.value)}
          aria-invalid={invalid('barcode')}
        />
      </FormRow>
      <div className="form-actions">
        <button type="submit" disabled={busy} data-testid="save-sku">
          {busy ? t('action.working') : t('skus.save')}
        </button>
        {saved ? (
          <span className="ok" role="status" data-testid="sku-saved">
            {t('skus.saved', { sku: saved })}
          </span>
        ) : null}
      </div>
    </form>
  );
}
