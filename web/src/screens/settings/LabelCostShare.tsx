/**
 * Settings → label cost: the share of an order's value (whole percent) above which the pack station and the order
 * page ask before buying its label (`GET`/`PUT /shops/:shop/label-cost-share`; empty restores the default, 30 %).
 * The API's 400 shows at the field; nothing changes.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type CostShare } from '../../api';
import { useAuth } from '../../auth';
import { Card, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { clientError, useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';

export function LabelCostShare({ shopId }: { shopId: string }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const writes = can('settings:write', shopId);
  const path = `/shops/${encodeURIComponent(shopId)}/label-cost-share`;
  const stored = usePoll((signal) => api<CostShare>(path, { signal }), [shopId], 300_000, { live: false });
  const [draft, setDraft] = useState('');
  const [touched, setTouched] = useState(false);
  const [saved, setSaved] = useState<CostShare | undefined>(undefined);
  const { error, setError, busy, run, invalid } = useApiForm();
  const current = stored.data;
  useEffect(() => {
    if (current && !touched) setDraft(current.default ? '' : String(current.percent));
  }, [current, touched]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const text = draft.trim();
    const percent = text === '' ? null : Number(text);
    if (percent !== null && !Number.isInteger(percent)) {
      setError(clientError('percent', 'costShare.whole'));
      return;
    }
    await run(async () => {
      setSaved(await api<CostShare>(path, { method: 'PUT', body: { percent } }));
      setTouched(false);
      await stored.refresh();
    });
  };

  return (
    <Card id="settings-label-cost" title={t('costShare.title')}>
      <p className="hint">{t('costShare.hint')}</p>
      {stored.error ? <ErrorText error={stored.error} /> : null}
      {current ? (
        <p data-testid="cost-share-current" data-percent={current.percent}>
          {current.default
            ? t('costShare.currentDefault', { percent: current.percent })
            : t('costShare.current', { percent: current.percent })}
        </p>
      ) : null}
      <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="cost-share-form">
        <label htmlFor="cost-share-percent">{t('costShare.percent')}</label>
        <div>
          <input
            id="cost-share-percent"
            name="percent"
            type="number"
            min={1}
            max={1000}
            step={1}
            inputMode="numeric"
            value={draft}
            placeholder="30"
            readOnly={!writes}
            aria-invalid={invalid('percent')}
            onChange={(e) => {
              setTouched(true);
              setDraft(e.target.value);
            }}
          />
          <FieldError error={error} field="percent" />
          <p className="hint">{t('costShare.emptyHint')}</p>
        </div>
        <div className="form-actions">
          <button
            type="submit"
            className="primary"
            disabled={busy || !writes}
            title={writes ? undefined : t('auth.readOnly')}
            data-testid="save-cost-share"
          >
            {busy ? t('action.working') : t('costShare.save')}
          </button>
          {!writes ? <span className="muted">{t('auth.readOnly')}</span> : null}
          {saved ? (
            <span className="ok" role="status" data-testid="cost-share-saved">
              {t('costShare.saved', { percent: saved.percent })}
            </span>
          ) : null}
        </div>
      </form>
      {error && !onlyFieldIssues(error, ['percent']) ? <ErrorText error={error} /> : null}
    </Card>
  );
}
