/**
 * The setup checklist (issue 17): for an owner on a fresh installation, each step of the first day — the shop
 * (connected, or one for order files), the fulfilment mode (explained), warehouses, SKUs, stock, the sender address,
 * boxes, carrier accounts; for the installation's owner the optional tracking provider — done or missing as GET /setup
 * decides it from the data, each linking to its screen.
 * `#/shops` opens it at the shop step; the AliExpress authorisation itself (Connect) is in Settings → Shops.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { Card, ErrorText, FormRow, onlyFieldIssues, ShopSelect } from '../components';
import { useData } from '../data';
import { clientError, useApiForm } from '../forms';
import { usePoll, useSectionInView } from '../hooks';
import { useI18n } from '../i18n';
import type { SetupStatus, SetupStep } from '../setup-shapes';

export function Setup({ section }: { section?: string | undefined }) {
  const { t } = useI18n();
  const { shopId, setShopId, shops, loaded } = useData();
  const status = usePoll(
    (signal) => api<SetupStatus>(`/setup${shopId ? `?shop=${encodeURIComponent(shopId)}` : ''}`, { signal }),
    [shopId],
    60_000,
  );
  useSectionInView('setup', section, Boolean(status.data));
  return (
    <div className="screen setup">
      <div className="screen-title">
        <h1>{t('setup.title')}</h1>
      </div>
      <p className="hint">{t('setup.intro')}</p>
      {shops.length > 1 ? (
        <div className="toolbar">
          <label>
            {t('filter.shop')}
            <ShopSelect value={shopId} onChange={setShopId} />
          </label>
        </div>
      ) : null}
      <ErrorText error={status.error} />
      {status.data?.complete ? (
        <p className="notice notice-ok" role="status" data-testid="setup-complete">
          {t('setup.allDone')}
        </p>
      ) : null}
      <Card>
        <ol className="checklist" data-testid="checklist">
          {(status.data?.steps ?? []).map((step) => (
            <li
              key={step.step}
              data-step={step.step}
              data-done={String(step.done)}
              data-optional={String(step.optional)}
              id={`setup-${step.step}`}
            >
              <span className="step-state">
                {step.done ? t('setup.done') : step.optional ? t('setup.optional') : t('setup.missing')}
              </span>
              <div>
                <h3>{t(`setup.step.${step.step}`)}</h3>
                <StepDetail step={step} />
                {step.step === 'shop' && loaded ? <ShopStep onAdded={status.refresh} /> : null}
              </div>
              {step.step !== 'shop' ? (
                <a className="button" href={`#/${step.screen}`} data-testid={`open-${step.step}`}>
                  {t('setup.open')}
                </a>
              ) : (
                <span />
              )}
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}

function StepDetail({ step }: { step: SetupStep }) {
  const { t, pick } = useI18n();
  return (
    <>
      {step.missing ? <p className="muted">{pick(step.missing)}</p> : null}
      {!step.done && step.blocks.length ? (
        <p className="muted small">
          {t('setup.blocks', { work: step.blocks.map((w) => t(`setup.work.${w}`)).join(t('setup.separator')) })}
        </p>
      ) : null}
      {step.step === 'policy' ? (
        <ul className="policy-modes small" data-testid="policy-modes">
          <li>{t('setup.policy.regular')}</li>
          <li>{t('setup.policy.semiJit')}</li>
          <li>{t('setup.policy.selfSend')}</li>
        </ul>
      ) : null}
    </>
  );
}

const SHOP_FIELDS = ['id', 'name'];

/** The shop step: the AliExpress authorisation (the shops screen), or "no API, I import files": a shop of the account. */
function ShopStep({ onAdded }: { onAdded: () => Promise<void> }) {
  const { t } = useI18n();
  const { can, recheck } = useAuth();
  const { shops } = useData();
  const { error, setError, busy, run, invalid } = useApiForm();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [added, setAdded] = useState<string | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the shops changing (count) clears the last "added" line
  useEffect(() => setAdded(undefined), [shops.length]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!id.trim()) {
      setError(clientError('id', 'shops.idRequired'));
      return;
    }
    await run(async () => {
      await api('/shops', { method: 'POST', body: { id: id.trim(), ...(name.trim() ? { name: name.trim() } : {}) } });
      setId('');
      setName('');
      // The session's roles now hold the new shop: read them again, and the shops with them.
      await recheck();
      await onAdded();
      setAdded(id.trim());
    });
  };
  return (
    <div className="shop-step">
      {shops.length ? (
        <p data-testid="shops-list">
          {t('shops.list', { shops: shops.map((s) => s.name || s.id).join(t('setup.separator')) })}
        </p>
      ) : null}
      <p className="muted small">
        {t('shops.connectHint')}{' '}
        {shops.length ? (
          <a href="#/settings/shops" data-testid="connect-shop-link">
            {t('shops.connectLink')}
          </a>
        ) : null}
      </p>
      {can('owner') ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="shop-form">
          <p className="hint wide">
            <strong>{t('shops.filesTitle')}</strong> {t('shops.filesHint')}
          </p>
          <FormRow id="shop-id" label={t('shops.id')} field="id" error={error}>
            <input
              id="shop-id"
              name="id"
              value={id}
              onChange={(e) => setId(e.target.value)}
              aria-invalid={invalid('id')}
              placeholder="my-shop"
            />
          </FormRow>
          <label htmlFor="shop-name">{t('shops.name')}</label>
          <div>
            <input id="shop-name" name="name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="form-actions">
            <button type="submit" disabled={busy} data-testid="add-shop">
              {busy ? t('action.working') : t('shops.add')}
            </button>
            {added ? (
              <span className="ok" role="status" data-testid="shop-added">
                {t('shops.added', { shop: added })}
              </span>
            ) : null}
          </div>
          {error && !onlyFieldIssues(error, SHOP_FIELDS) ? <ErrorText error={error} /> : null}
        </form>
      ) : null}
    </div>
  );
}
