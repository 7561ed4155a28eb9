/**
 * Settings: the shop's policy (which platform policy, per order type, overrides as JSON) and the alert
 * webhooks (changed by the shop's owner; read by the roles that read settings), one's own password, and the
 * account's API keys (owners). A setting the API refuses shows the API's message at the field it is about;
 * nothing changes.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type ApiKey, type NewApiKey, type Role, type Shop, type Webhook } from '../api';
import { useAuth } from '../auth';
import { Card, DateTime, ErrorText, FieldError, onlyFieldIssues, ShopSelect } from '../components';
import { useData } from '../data';
import { clientError, useApiForm } from '../forms';
import { usePoll } from '../hooks';
import { useI18n } from '../i18n';
import { Boxes } from './settings/Boxes';
import { CarrierServices, ShippingRules } from './settings/Carriers';

const POLICY_FIELDS = ['policy_id', 'by_order_type', 'overrides'];
const WEBHOOK_FIELDS = ['url', 'secret', 'shop_id'];

export function Settings() {
  const { t } = useI18n();
  const { shopId, setShopId, shops, loaded } = useData();
  const { can } = useAuth();
  const shop = shops.find((s) => s.id === shopId);
  const readsSettings = can('settings:read');
  return (
    <div className="screen settings">
      <div className="screen-title">
        <h1>{t('settings.title')}</h1>
      </div>
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
        {readsSettings && shop ? <PolicyForm key={shop.id} shop={shop} /> : null}
        {readsSettings ? <Webhooks shopId={shop?.id} /> : null}
        {readsSettings && shop ? <Boxes key={`boxes-${shop.id}`} shopId={shop.id} /> : null}
        {readsSettings ? <CarrierServices /> : null}
        {readsSettings ? <ShippingRules /> : null}
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
  const policies = [...latestPolicy.values()].sort((a, b) => a.platform.localeCompare(b.platform) || a.id.localeCompare(b.id));

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
      const body: Record<string, unknown> = { policy_id: policyId, by_order_type: typeField.value ?? {}, overrides: overridesField.value ?? {} };
      const result = await api<{ recomputed: number; changed: number }>(`/shops/${encodeURIComponent(shop.id)}/policy`, { method: 'PUT', body });
      setSaved(result);
      await reloadShops();
    });
  };

  return (
    <Card title={t('settings.policy')}>
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
              {t('settings.policyFacts', { zone: chosen.zone, version: chosen.version, warnings: (chosen.warningHoursBefore ?? []).join(' / ') || '—' })}
            </p>
          ) : null}
        </div>
        <label htmlFor="policy-by-type">{t('settings.byOrderType')}</label>
        <div>
          <textarea id="policy-by-type" name="by_order_type" rows={2} spellCheck={false} value={byType} onChange={(e) => setByType(e.target.value)} placeholder='{"choice": "aliexpress_full_jit"}' aria-invalid={invalid('by_order_type')} />
          <FieldError error={error} field="by_order_type" />
        </div>
        <label htmlFor="policy-overrides">{t('settings.overrides')}</label>
        <div>
          <textarea id="policy-overrides" name="overrides" rows={7} spellCheck={false} value={overrides} onChange={(e) => setOverrides(e.target.value)} placeholder={`{"${policyId}": {"handling": {"defaultHours": 72}}}`} aria-invalid={invalid('overrides')} />
          <FieldError error={error} field="overrides" />
          <p className="hint">{t('settings.overridesHint')}</p>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy || !writable} title={writable ? undefined : t('auth.readOnly')} data-testid="save-policy">
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
      {error && !onlyFieldIssues(error, POLICY_FIELDS) ? <ErrorText error={error} /> : error ? <p className="error">{t('settings.refused')}</p> : null}
    </Card>
  );
}

function Webhooks({ shopId }: { shopId: string | undefined }) {
  const { t } = useI18n();
  const { apiPaths } = useData();
  const { can } = useAuth();
  const writable = shopId ? can('owner', shopId) : can('owner');
  const listed = apiPaths?.has('/webhooks') ?? true;
  const hooks = usePoll((signal) => api<{ items: Webhook[] }>('/webhooks', { signal }), [], 30_000);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [scope, setScope] = useState<'shop' | 'all'>('shop');
  const { error, setError, busy, run } = useApiForm();
  const [added, setAdded] = useState<Webhook | undefined>(undefined);
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
      {listed ? (
        visible.length ? (
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
        )
      ) : null}
      {!writable ? <p className="muted">{t('auth.readOnly')}</p> : null}
      {writable ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="webhook-form">
          <label htmlFor="hook-url">{t('webhooks.url')}</label>
          <div>
            <input id="hook-url" name="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/shipby-alerts" />
            <FieldError error={error} field="url" />
          </div>
          <label htmlFor="hook-secret">{t('webhooks.secret')}</label>
          <div>
            <input id="hook-secret" name="secret" type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} />
            <FieldError error={error} field="secret" />
            <p className="hint">{t('webhooks.secretHint')}</p>
          </div>
          <label htmlFor="hook-scope">{t('webhooks.scope')}</label>
          <div>
            <select id="hook-scope" name="shop_id" value={scope} onChange={(e) => setScope(e.target.value as 'shop' | 'all')}>
              {shopId ? <option value="shop">{t('webhooks.thisShop', { shop: shopId })}</option> : null}
              <option value="all">{t('webhooks.allShops')}</option>
            </select>
            <FieldError error={error} field="shop_id" />
          </div>
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

const PASSWORD_FIELDS = ['current_password', 'new_password'];

/** One's own password (PUT /auth/password). A user who came in through a sign-in link has none yet and sets one. */
function PasswordForm() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { error, setError, busy, run, invalid } = useApiForm();
  const [changed, setChanged] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setChanged(false);
    await run(async () => {
      await api('/auth/password', { method: 'PUT', body: { ...(current ? { current_password: current } : {}), new_password: next } });
      setChanged(true);
      setCurrent('');
      setNext('');
    });
  };

  return (
    <Card title={t('password.title')}>
      <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="password-form">
        <label htmlFor="current-password">{t('password.current')}</label>
        <div>
          <input id="current-password" name="current_password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} aria-invalid={invalid('current_password')} />
          <FieldError error={error} field="current_password" />
          <p className="hint">{t('password.currentHint')}</p>
        </div>
        <label htmlFor="new-password">{t('password.new')}</label>
        <div>
          <input id="new-password" name="new_password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-invalid={invalid('new_password')} />
          <FieldError error={error} field="new_password" />
          <p className="hint">{t('password.newHint')}</p>
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy || !next} data-testid="change-password">
            {busy ? t('action.working') : t('password.save')}
          </button>
          {changed ? (
            <span className="ok" role="status">
              {t('password.changed')}
            </span>
          ) : null}
        </div>
      </form>
      {error && !onlyFieldIssues(error, PASSWORD_FIELDS) ? <ErrorText error={error} /> : null}
    </Card>
  );
}

const KEY_FIELDS = ['name', 'role', 'shops'];
const KEY_ROLES: Role[] = ['viewer', 'packer', 'manager', 'owner'];

/** The account's API keys (owners): listed without the key; a new one is shown once; revoking is immediate. */
function ApiKeys() {
  const { t, term, pick } = useI18n();
  const { shopsWith } = useAuth();
  const owned = shopsWith('owner');
  const keys = usePoll((signal) => api<{ items: ApiKey[] }>('/keys', { signal }), [], 30_000, { live: false });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [shops, setShops] = useState<string[]>(() => owned.slice(0, 1));
  const { error, setError, busy, run, invalid } = useApiForm();
  const [created, setCreated] = useState<NewApiKey | undefined>(undefined);
  const [revoked, setRevoked] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    setRevoked(undefined);
    setCopied(false);
    await run(async () => {
      setCreated(await api<NewApiKey>('/keys', { method: 'POST', body: { name: name.trim(), role, shops } }));
      setName('');
      await keys.refresh();
    });
  };

  const revoke = async (key: ApiKey) => {
    setError(undefined);
    setRevoked(undefined);
    try {
      await api(`/keys/${key.id}`, { method: 'DELETE' });
      setRevoked(key.prefix);
      await keys.refresh();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      /* no clipboard (an insecure page): the key is selectable in its field */
    }
  };

  const items = keys.data?.items ?? [];
  return (
    <Card title={t('keys.title')}>
      <p className="hint">{t('keys.hint')}</p>
      {items.length ? (
        <table className="compact" data-testid="api-keys">
          <thead>
            <tr>
              <th>{t('keys.name')}</th>
              <th>{t('keys.prefix')}</th>
              <th>{t('keys.role')}</th>
              <th>{t('keys.shops')}</th>
              <th>{t('keys.lastUsed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <tr key={k.id} data-key={k.prefix} className={k.revoked_at ? 'muted' : ''}>
                <td>{k.name}</td>
                <td className="url">{k.prefix}…</td>
                <td>{term('role', k.role)}</td>
                <td>{k.shops.join(', ')}</td>
                <td>{k.last_used_at ? <DateTime iso={k.last_used_at} /> : <span className="muted">{t('keys.never')}</span>}</td>
                <td>
                  {k.revoked_at ? (
                    <span className="muted">{t('keys.revoked')}</span>
                  ) : (
                    <button type="button" className="danger" onClick={() => void revoke(k)} data-testid="revoke-key">
                      {t('keys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : keys.data ? (
        <p className="muted">{t('keys.none')}</p>
      ) : null}
      {revoked ? (
        <p className="ok" role="status">
          {t('keys.revokedOk', { prefix: revoked })}
        </p>
      ) : null}
      {created ? (
        <div className="new-key-box" data-testid="new-key">
          <p className="warning" role="status">
            {t('keys.created', { prefix: created.prefix })} {pick(created.warning)}
          </p>
          <input className="new-key" readOnly value={created.key} onFocus={(e) => e.target.select()} aria-label={t('keys.prefix')} />
          <button type="button" onClick={() => void copy()}>
            {copied ? t('keys.copied') : t('keys.copy')}
          </button>
        </div>
      ) : null}
      <form className="form-grid" onSubmit={(e) => void create(e)} noValidate data-testid="key-form">
        <label htmlFor="key-name">{t('keys.name')}</label>
        <div>
          <input id="key-name" name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder={t('keys.namePlaceholder')} aria-invalid={invalid('name')} />
          <FieldError error={error} field="name" />
        </div>
        <label htmlFor="key-role">{t('keys.role')}</label>
        <div>
          <select id="key-role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {KEY_ROLES.map((r) => (
              <option key={r} value={r}>
                {term('role', r)}
              </option>
            ))}
          </select>
          <FieldError error={error} field="role" />
        </div>
        <span>{t('keys.shops')}</span>
        <div>
          {owned.map((id) => (
            <label key={id} className="check">
              <input type="checkbox" name="shops" value={id} checked={shops.includes(id)} onChange={(e) => setShops((s) => (e.target.checked ? [...s, id] : s.filter((x) => x !== id)))} /> {id}
            </label>
          ))}
          <FieldError error={error} field="shops" />
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy || !name.trim() || shops.length === 0} data-testid="create-key">
            {busy ? t('action.working') : t('keys.create')}
          </button>
        </div>
      </form>
      {error && !onlyFieldIssues(error, KEY_FIELDS) ? <ErrorText error={error} /> : null}
    </Card>
  );
}
