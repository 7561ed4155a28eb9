/**
 * Settings → boxes: the shop's box catalogue (`GET /shops/:shop/boxes`, cheapest first) and a form to add a box or
 * change one (`PUT /shops/:shop/boxes/:code`: inner size, max gross weight, tare, cost). The API's 400 is shown at
 * the field it names; nothing changes.
 */
import { useState, type FormEvent } from 'react';
import { api, type Box } from '../../api';
import { useAuth } from '../../auth';
import { Card, ErrorText, FieldError, FormRow, Money, onlyFieldIssues, SizeFields } from '../../components';
import { currencyDigits } from '../../format';
import { type ApiForm, clientError, useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';
import { setupChanged } from '../../SetupBanner';

const FIELDS = ['code', 'inner_mm', 'max_weight_g', 'tare_g', 'cost', 'currency', 'active'];

interface Draft {
  code: string;
  length: string;
  width: string;
  height: string;
  maxWeight: string;
  tare: string;
  cost: string;
  currency: string;
  active: boolean;
}

const EMPTY: Draft = {
  code: '',
  length: '',
  width: '',
  height: '',
  maxWeight: '',
  tare: '',
  cost: '',
  currency: '',
  active: true,
};

/** A number field's value: an empty or unreadable one goes as null, so the API names the field. */
const num = (text: string): number | null =>
  text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text);

function draftOf(box: Box): Draft {
  const digits = currencyDigits(box.cost.currency);
  return {
    code: box.code,
    length: String(box.inner_mm[0]),
    width: String(box.inner_mm[1]),
    height: String(box.inner_mm[2]),
    maxWeight: String(box.max_weight_g),
    tare: String(box.tare_g),
    cost: (box.cost.amount / 10 ** digits).toFixed(digits),
    currency: box.cost.currency,
    active: box.active,
  };
}

export function Boxes({ shopId }: { shopId: string }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const writes = can('settings:write', shopId);
  const boxes = usePoll(
    (signal) => api<{ items: Box[] }>(`/shops/${encodeURIComponent(shopId)}/boxes`, { signal }),
    [shopId],
    60_000,
    { live: false },
  );
  const items = boxes.data?.items ?? [];
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const form = useApiForm();
  const { error, setError, run } = form;
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const currency = draft.currency.trim().toUpperCase() || items[0]?.cost.currency || 'CNY';
  const set = (field: keyof Draft) => (value: string | boolean) => setDraft((d) => ({ ...d, [field]: value }));

  const edit = (b: Box) => {
    setDraft(draftOf(b));
    setError(undefined);
    setSaved(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const code = draft.code.trim();
    if (!code) {
      setError(clientError('code', 'boxes.codeRequired'));
      return;
    }
    const cost = num(draft.cost);
    const existing = items.find((b) => b.code === code);
    const body = {
      inner_mm: [num(draft.length), num(draft.width), num(draft.height)],
      // The form does not edit the outer size: a changed box keeps the one it has.
      ...(existing?.outer_mm ? { outer_mm: existing.outer_mm } : {}),
      max_weight_g: num(draft.maxWeight),
      tare_g: num(draft.tare),
      cost: { amount: cost === null ? null : Math.round(cost * 10 ** currencyDigits(currency)), currency },
      active: draft.active,
    };
    await run(async () => {
      const box = await api<Box>(`/shops/${encodeURIComponent(shopId)}/boxes/${encodeURIComponent(code)}`, {
        method: 'PUT',
        body,
      });
      setSaved(box.code);
      setDraft(EMPTY);
      await boxes.refresh();
      setupChanged();
    });
  };

  return (
    <Card id="settings-boxes" title={t('boxes.title')}>
      <p className="hint">{t('boxes.hint')}</p>
      {boxes.error ? <ErrorText error={boxes.error} /> : null}
      {items.length ? (
        <BoxTable items={items} onEdit={writes ? edit : undefined} />
      ) : boxes.data ? (
        <p className="muted">{t('boxes.none')}</p>
      ) : null}
      {writes ? (
        <BoxForm draft={draft} set={set} currency={currency} form={form} saved={saved} onSubmit={submit} />
      ) : null}
      {error && !onlyFieldIssues(error, FIELDS) ? (
        <ErrorText error={error} />
      ) : error ? (
        <p className="error">{t('settings.refused')}</p>
      ) : null}
    </Card>
  );
}

/** The shop's boxes, cheapest first; `onEdit` (when the caller may change them) puts one in the form. */
function BoxTable({ items, onEdit }: { items: Box[]; onEdit: ((box: Box) => void) | undefined }) {
  const { t } = useI18n();
  return (
    <table className="compact" data-testid="boxes">
      <thead>
        <tr>
          <th>{t('boxes.code')}</th>
          <th>{t('boxes.inner')}</th>
          <th className="num">{t('boxes.maxWeight')}</th>
          <th className="num">{t('boxes.tare')}</th>
          <th className="num">{t('boxes.cost')}</th>
          <th>{t('boxes.active')}</th>
          {onEdit ? <th /> : null}
        </tr>
      </thead>
      <tbody>
        {items.map((b) => (
          <tr key={b.code} data-box={b.code}>
            <td>{b.code}</td>
            <td>{t('boxes.size', { l: b.inner_mm[0], w: b.inner_mm[1], h: b.inner_mm[2] })}</td>
            <td className="num">{b.max_weight_g}</td>
            <td className="num">{b.tare_g}</td>
            <td className="num">
              <Money value={b.cost} />
            </td>
            <td>{b.active ? t('boxes.yes') : t('boxes.no')}</td>
            {onEdit ? (
              <td>
                <button type="button" className="link" onClick={() => onEdit(b)}>
                  {t('boxes.edit')}
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The form that adds a box or changes one: each refused field shows its issue. */
function BoxForm({
  draft,
  set,
  currency,
  form: { error, busy, invalid },
  saved,
  onSubmit,
}: {
  draft: Draft;
  set: (field: keyof Draft) => (value: string | boolean) => void;
  /** The currency the cost is in: the one typed, else the catalogue's. */
  currency: string;
  form: ApiForm;
  saved: string | undefined;
  onSubmit: (event: FormEvent) => Promise<void>;
}) {
  const { t } = useI18n();
  return (
    <form className="form-grid" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="box-form">
      <FormRow id="box-code" label={t('boxes.code')} field="code" error={error}>
        <input
          id="box-code"
          name="code"
          value={draft.code}
          onChange={(e) => set('code')(e.target.value)}
          placeholder="M-30"
          aria-invalid={invalid('code')}
        />
      </FormRow>
      <label htmlFor="box-length">{t('boxes.innerMm')}</label>
      <SizeFields
        id="box-length"
        names={['inner_length', 'inner_width', 'inner_height']}
        values={draft}
        onChange={(side, value) => set(side)(value)}
        field="inner_mm"
        error={error}
        invalid={invalid}
      />
      <FormRow id="box-max-weight" label={t('boxes.maxWeight')} field="max_weight_g" error={error}>
        <input
          id="box-max-weight"
          name="max_weight_g"
          type="number"
          min={1}
          value={draft.maxWeight}
          onChange={(e) => set('maxWeight')(e.target.value)}
          aria-invalid={invalid('max_weight_g')}
        />
      </FormRow>
      <FormRow id="box-tare" label={t('boxes.tare')} field="tare_g" error={error}>
        <input
          id="box-tare"
          name="tare_g"
          type="number"
          min={0}
          value={draft.tare}
          onChange={(e) => set('tare')(e.target.value)}
          aria-invalid={invalid('tare_g')}
        />
      </FormRow>
      <label htmlFor="box-cost">{t('boxes.costIn', { currency })}</label>
      <div>
        <div className="inline-fields">
          <input
            id="box-cost"
            name="cost"
            type="number"
            min={0}
            step="any"
            value={draft.cost}
            onChange={(e) => set('cost')(e.target.value)}
            aria-invalid={invalid('cost')}
          />
          <input
            name="currency"
            value={draft.currency}
            onChange={(e) => set('currency')(e.target.value)}
            placeholder={currency}
            aria-label={t('boxes.currency')}
            maxLength={3}
            aria-invalid={invalid('currency')}
          />
        </div>
        <FieldError error={error} field="cost" />
        <FieldError error={error} field="currency" />
      </div>
      <label htmlFor="box-active">{t('boxes.active')}</label>
      <div>
        <input
          id="box-active"
          name="active"
          type="checkbox"
          checked={draft.active}
          onChange={(e) => set('active')(e.target.checked)}
        />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy} data-testid="save-box">
          {busy ? t('action.working') : t('boxes.save')}
        </button>
        {saved ? (
          <span className="ok" role="status">
            {t('boxes.saved', { code: saved })}
          </span>
        ) : null}
      </div>
    </form>
  );
}
