/**
 * Settings: the shop's policy (which platform policy, per order type, overrides as JSON) and the alert
 * webhooks (changed by the shop's owner; read by the roles that read settings), what the first label needs (the
 * sender address, SKU sizes and weights, boxes, carrier services and accounts, the label cost share that asks the
 * packer first), one's own password, and the account's API keys (owners). Its menu leads to the checklist and, for
 * the installation's owner, the tracking provider (a screen of its own, loaded when opened). A setting the API
 * refuses shows the API's message at the field it is about; nothing changes. An error's link (#/settings/sender)
 * opens this screen at that part, highlighted.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type ApiError, type Shop, type Webhook } from '../api';
import { useAuth } from '../auth';
import { Card, DateTime, ErrorText, FieldError, FormRow, onlyFieldIssues, ShopSelect } from '../components';
import { useData } from '../data';
import { clientError, useApiForm } from '../forms';
import { usePoll, useSectionInView } from '../hooks';
import { useI18n } from '../i18n';
import { ApiKeys, PasswordForm } from './settings/Account';
import { Boxes } from './settings/Boxes';
import { CarrierAccounts } from './settings/CarrierAccounts';
import { CarrierServices, ShippingRules } from './settings/Carriers';
import { Sender } from './settings/Sender';
import { LabelCostShare } from './settings/LabelCostShare';
import { Shops } from './settings/Shops';
import { SkuDimensions } from './settings/Skus';

const POLICY_FIELDS = ['policy_id', 'by_order_type', 'overrides'];
const WEBHOOK_FIELDS = ['url', 'secret', 'shop_id'];

export function Settings({ section, subjects }: { section?: string | undefined; subjects?: string[] | undefined }) {
  const { t } = useI18n();
  const { shopId, setShopId, shops, loaded } = useData();
  const { can, session } = useAuth();
  const shop = shops.find((s) => s.id === shopId);
  const readsSettings = can('settings:read');
  const ready = loaded && (!readsSettings || Boolean(shop));
  useSectionInView('settings', section, ready);
  return (
    <div className="screen settings">
      <div className="screen-title">
        <h1>{t('settings.title')}</h1>
      </div>
      {section && !readsSettings ? (
        <p className="warning" role="status" data-testid="fix-ask-owner">
          {t('fix.askOwner')}
        </p>
      ) : null}
      {readsSettings ? (
        <nav className="settings-menu hint" aria-label={t('settings.menu')} data-testid="settings-menu">
          <a href="#/setup" data-testid="open-setup">
            {t('setup.fromSettings')}
          </a>
          {/* Changed by the installation's owner only (PUT /tracking/providers/:name): shown to no one else. */}
          {session?.installation_owner ? (
            <a href="#/settings/tracking" data-testid="open-tracking-provider">
              {t('provider.menu')}
            </a>
          ) : null}
        </nav>
      ) : null}
      {readsSettings ? (
        <div className="toolbar">
          <label>
            {t('filter.shop')}
            <ShopSelect value={shopId} onChange={setShopId} />
          </label>
        </div>
      ) : null}
      {readsSettings && loaded && !shop ? <p className="empty">{t('shops.none')}</p> : null}
      <div className="settings-grid">
        {readsSettings && shop ? (
          <Shops
            key={`shops-${shop.id}`}
            shopId={shop.id}
            justConnected={section === 'shops' && subjects?.includes(shop.id)}
          />
        ) : null}
        {readsSettings && shop ? <Sender key={`sender-${shop.id}`} shopId={shop.id} /> : null}
        {readsSettings ? <SkuDimensions wanted={section === 'skus' ? subjects : undefined} /> : null}
        {readsSettings && shop ? <Boxes key={`boxes-${shop.id}`} shopId={shop.id} /> : null}
        {readsSettings ? <CarrierAccounts /> : null}
        {readsSettings && shop ? <LabelCostShare key={`cost-${shop.id}`} shopId={shop.id} /> : null}
        {readsSettings ? <CarrierServices /> : null}
        {readsSettings ? <ShippingRules /> : null}
        {readsSettings && shop ? <PolicyForm key={shop.id} shop={shop} /> : null}
        {readsSettings ? <Webhooks shopId={shop?.id} /> : null}
        <PasswordForm />
        {can('owner') ? <ApiKeys /> : null}
      </div>
    </div>
  );
}

/** A JSON field's text: empty means "not set". Returns the value, or an error to show at that field. */
function parseJsonField(text: string, field: string): { value?: unknown; error?: ApiError } {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value };
  } catch {
    /* reported below */
  }
  return { error: clientError(field, 'settings.notJson') };
}

const pretty = (value: unknown) => (value && Object.keys(value as object).length ? JSON.stringify(value, null, 2) : '');

function PolicyForm({ shop }: { shop: Shop }) {
  const { t, pick } = useI18n();
  const { latestPolicy, reloadShops } = useData();
  const { can } = useAuth();
  const writable = can('owner', shop.id);
  const [policyId, setPolicyId] = useState(shop.policy.policy_id);
  const [byType, setByType] = useState(pretty(shop.policy.by_order_type));
  const [overrides, setOverrides] = useState(pretty(shop.policy.overrides));
  const { error, setError, busy, run, invalid } = useApiForm();
  const [saved, setSaved] = useState<{ recomputed: number; changed: number } | undefined>(undefined);
  const chosen = latestPolicy.get(policyId);
  const policies = [...latestPolicy.values()].sort(
    (a, b) => a.platform.localeCompare(b.platform) || a.id.localeCompare(b.id),
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    setError(undefined);
    const typeField = parseJsonField(byType, 'by_order_type');
    const overridesField = parseJsonField(overrides, 'overrides');
    const clientError = typeField.error ?? overridesField.error;
    if (clientError) {
      setError(clientError);
      return;
    }
    await run(async () => {
      const body: Record<string, unknown> = {
        policy_id: policyId,
        by_order_type: typeField.value ?? {},
        overrides: overridesField.value ?? {},
      };
      const result = await api<{ recomputed: number; changed: number }>(
        `/shops/${encodeURIComponent(shop.id)}/policy`,
        { method: 'PUT', body },
      );
      setSaved(result);
      await reloadShops();
    });
  };

  return (
    <Card id="settings-policy" title={t('settings.policy')}>
      <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="policy-form">
        <label htmlFor="policy-id">{t('settings.policyId')}</label>
        <div>
          <select id="policy-id" name="policy_id" value={policyId} onChange={(e) => setPolicyId(e.target.value)}>
            {!latestPolicy.has(policyId) ? <option value={policyId}>{policyId}</option> : null}
            {policies.map((p) => (
              <option key={p.id} value={p.id}>
                {pick(p.name)} ({p.id})
              </option>
            ))}
          </select>
          <FieldError error={error} field="policy_id" />
          {chosen ? (
            <p className="hint">
              {t('settings.policyFacts', {
                zone: chosen.zone,
                version: chosen.version,
                warnings: (chosen.warningHoursBefore ?? []).join(' / ') || '—',
              })}
            </p>
          ) : null}
        </div>
        <FormRow id="policy-by-type" label={t('settings.byOrderType')} field="by_order_type" error={error}>
          <textarea
            id="policy-by-type"
            name="by_order_type"
            rows={2}
            spellCheck={false}
            value={byType}
            onChange={(e) => setByType(e.target.value)}
            placeholder='{"choice": "aliexpress_full_jit"}'
            aria-invalid={invalid('by_order_type')}
          />
        </FormRow>
        <label htmlFor="policy-overrides">{t('settings.overrides')}</label>
        <div>
          <textarea
            id="policy-overrides"
            name="overrides"
            rows={7}
            spellCheck={false}
            value={overrides}
            onChange={(e) => setOverrides(e.target.value)}
            placeholder={`{"${policyId}": {"handling": {"defaultHours": 72}}}`}
            aria-invalid={invalid('overrides')}
          />
          <FieldError error={error} field="overrides" />
          <p className="hint">{t('settings.overridesHint')}</p>
        </div>
        <div className="form-actions">
          <button
            type="submit"
            className="primary"
            disabled={busy || !writable}
            title={writable ? undefined : t('auth.readOnly')}
            data-testid="save-policy"
          >
            {busy ? t('action.working') : t('settings.save')}
          </button>
          {!writable ? <span className="muted">{t('auth.readOnly')}</span> : null}
          {saved ? (
            <span className="ok" role="status">
              {t('settings.saved', { changed: saved.changed, recomputed: saved.recomputed })}
            </span>
          ) : null}
        </div>
      </form>
      {error && !onlyFieldIssues(error, POLICY_FIELDS) ? (
        <ErrorText error={error} />
      ) : error ? (
        <p className="error">{t('settings.refused')}</p>
      ) : null}
    </Card>
  );
}

function Webhooks({ shopId }: { shopId: string | undefined }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const writable = shopId ? can('owner', shopId) : can('owner');
  const hooks = usePoll((signal) => api<{ items: Webhook[] }>('/webhooks', { signal }), [], 30_000);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [scope, setScope] = useState<'shop' | 'all'>('shop');
  const { error, setError, busy, run } = useApiForm();
  const [added, setAdded] = useState<Webhook | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another shop hides the last added webhook's one-time secret
  useEffect(() => setAdded(undefined), [shopId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setAdded(undefined);
    await run(async () => {
      const body: Record<string, string> = { url: url.trim(), secret };
      if (scope === 'shop' && shopId) body.shop_id = shopId;
      const hook = await api<Webhook>('/webhooks', { method: 'POST', body });
      setAdded(hook);
      setUrl('');
      setSecret('');
      await hooks.refresh();
    });
  };

  const visible = (hooks.data?.items ?? []).filter((h) => h.shop_id === null || h.shop_id === shopId);
  return (
    <Card title={t('webhooks.title')}>
      <p className="hint">{t('webhooks.hint')}</p>
      {visible.length ? (
        <table className="compact" data-testid="webhooks">
          <thead>
            <tr>
              <th>{t('webhooks.url')}</th>
              <th>{t('webhooks.scope')}</th>
              <th>{t('webhooks.added')}</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((h) => (
              <tr key={h.id}>
                <td className="url">{h.url}</td>
                <td>{h.shop_id ? t('webhooks.thisShop', { shop: h.shop_id }) : t('webhooks.allShops')}</td>
                <td>
                  <DateTime iso={h.created_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{t('webhooks.none')}</p>
      )}
      {!writable ? <p className="muted">{t('auth.readOnly')}</p> : null}
      {writable ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="webhook-form">
          <FormRow id="hook-url" label={t('webhooks.url')} field="url" error={error}>
            <input
              id="hook-url"
              name="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://example.com/shipby-alerts"
            />
          </FormRow>
          <label htmlFor="hook-secret">{t('webhooks.secret')}</label>
          <div>
            <input
              id="hook-secret"
              name="secret"
              type="password"
              autoComplete="new-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
            <FieldError error={error} field="secret" />
            <p className="hint">{t('webhooks.secretHint')}</p>
          </div>
          <FormRow id="hook-scope" label={t('webhooks.scope')} field="shop_id" error={error}>
            <select
              id="hook-scope"
              name="shop_id"
              value={scope}
              onChange={(e) => setScope(e.target.value as 'shop' | 'all')}
            >
              {shopId ? <option value="shop">{t('webhooks.thisShop', { shop: shopId })}</option> : null}
              <option value="all">{t('webhooks.allShops')}</option>
            </select>
          </FormRow>
          <div className="form-actions">
            <button type="submit" disabled={busy} data-testid="add-webhook">
              {busy ? t('action.working') : t('webhooks.add')}
            </button>
            {added ? (
              <span className="ok" role="status">
                {t('webhooks.addedOk', { url: added.url })}
              </span>
            ) : null}
          </div>
        </form>
      ) : null}
      {error && !onlyFieldIssues(error, WEBHOOK_FIELDS) ? <ErrorText error={error} /> : null}
    </Card>
  );
}
