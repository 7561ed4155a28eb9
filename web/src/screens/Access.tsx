/**
 * Access (owners): the account's users with their role in each shop (GET /users), and the audit log (GET /audit:
 * newest first, a page at a time with `before`, narrowed to a shop or an order). The API keys live in Settings;
 * this screen links there. A lazy chunk: only owners open it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type AccountUser, type AuditLine } from '../api';
import { Card, DateTime, ErrorText, LiveBadge, ShopSelect } from '../components';
import { useNow, usePoll } from '../hooks';
import { useI18n } from '../i18n';

const PAGE = 50;

export function Access() {
  const { t } = useI18n();
  return (
    <div className="screen access">
      <div className="screen-title">
        <h1>{t('access.title')}</h1>
      </div>
      <p className="hint">
        {t('access.keysHint')}{' '}
        <a href="#/settings" data-testid="keys-link">
          {t('access.keysLink')}
        </a>
      </p>
      <Users />
      <AuditLog />
    </div>
  );
}

function Users() {
  const { t, term } = useI18n();
  const users = usePoll((signal) => api<{ items: AccountUser[] }>('/users', { signal }), [], 60_000, { live: false });
  const items = users.data?.items;
  return (
    <Card title={t('users.title')}>
      <ErrorText error={users.error} />
      {items && items.length > 0 ? (
        <table className="compact" data-testid="users">
          <thead>
            <tr>
              <th>{t('auth.email')}</th>
              <th>{t('users.roles')}</th>
              <th>{t('users.state')}</th>
              <th>{t('users.since')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id} data-user={u.email}>
                <td>
                  {u.email} {u.name && u.name !== u.email ? <span className="muted">{u.name}</span> : null}
                </td>
                <td data-testid="user-roles">
                  {u.account_owner ? <span className="strong">{t('users.accountOwner')}</span> : null}
                  {u.shops.map((s, i) => (
                    <span key={s.shop_id}>
                      {i || u.account_owner ? ', ' : ''}
                      {t('users.shopRole', { shop: s.shop_id, role: term('role', s.role) })}
                    </span>
                  ))}
                  {!u.account_owner && u.shops.length === 0 ? <span className="muted">{t('users.noRole')}</span> : null}
                </td>
                <td>
                  {u.disabled_at ? (
                    <span className="muted">{t('users.disabled')}</span>
                  ) : u.locked_until && Date.parse(u.locked_until) > Date.now() ? (
                    <span className="error">
                      {t('users.locked')} <DateTime iso={u.locked_until} />
                    </span>
                  ) : (
                    t('users.active')
                  )}
                </td>
                <td>
                  <DateTime iso={u.created_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : items ? (
        <p className="muted">{t('users.none')}</p>
      ) : null}
    </Card>
  );
}

/** The audit log: the newest page follows changes; "older" reads the next page with `before` (the last id shown). */
function AuditLog() {
  const { t, term } = useI18n();
  const now = useNow(1000);
  const [shop, setShop] = useState('');
  const [orderText, setOrderText] = useState('');
  const [orderId, setOrderId] = useState<number | undefined>(undefined);
  const [older, setOlder] = useState<AuditLine[]>([]);
  const [end, setEnd] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const query = (before?: number) => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (shop) q.set('shop', shop);
    if (orderId) q.set('order_id', String(orderId));
    if (before) q.set('before', String(before));
    return `/audit?${q.toString()}`;
  };
  const first = usePoll((signal) => api<{ items: AuditLine[] }>(query(), { signal }), [shop, orderId], 15_000);
  // A new filter starts from the newest page again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter (shop, order) is the trigger, not an input
  useEffect(() => {
    setOlder([]);
    setEnd(false);
    setOlderError(undefined);
  }, [shop, orderId]);
  const newest = first.data?.items ?? [];
  const lines = [...newest, ...older.filter((o) => !newest.some((n) => n.id === o.id))];
  const more = !end && (older.length > 0 || newest.length === PAGE);

  const loadOlder = async () => {
    const last = lines[lines.length - 1];
    if (!last) return;
    setBusy(true);
    setOlderError(undefined);
    try {
      const page = await api<{ items: AuditLine[] }>(query(last.id));
      setOlder((o) => [...o, ...page.items]);
      if (page.items.length < PAGE) setEnd(true);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setOlderError(e);
    } finally {
      setBusy(false);
    }
  };

  const applyOrder = () => {
    const id = Number(orderText.trim());
    setOrderId(Number.isInteger(id) && id > 0 ? id : undefined);
  };

  return (
    <Card title={t('audit.title')} actions={<LiveBadge receivedAt={first.receivedAt} error={first.error} now={now} />}>
      <p className="hint">{t('audit.hint')}</p>
      <form
        className="toolbar"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          applyOrder();
        }}
      >
        <label>
          {t('filter.shop')}
          <ShopSelect id="audit-shop" value={shop} onChange={setShop} allowAll />
        </label>
        <label>
          {t('audit.orderId')}
          <input
            id="audit-order"
            inputMode="numeric"
            value={orderText}
            onChange={(e) => setOrderText(e.target.value)}
            onBlur={applyOrder}
            size={8}
          />
        </label>
      </form>
      <ErrorText error={first.error} />
      {first.data && lines.length === 0 ? <p className="muted">{t('audit.none')}</p> : null}
      {lines.length > 0 ? (
        <table className="compact" data-testid="audit">
          <thead>
            <tr>
              <th>{t('audit.when')}</th>
              <th>{t('audit.who')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.target')}</th>
              <th>{t('audit.outcome')}</th>
              <th>{t('audit.ip')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.id} data-audit={line.id} data-outcome={line.outcome}>
                <td>
                  <DateTime iso={line.at} />
                </td>
                <td data-testid="audit-who">
                  {line.actor_kind === 'key' ? t('audit.byKey', { name: line.actor_name }) : line.actor_name}
                </td>
                <td>
                  <code data-testid="audit-action">{line.action}</code>
                </td>
                <td data-testid="audit-target">
                  {line.order_id ? (
                    <a href={`#/orders/${line.order_id}`}>{t('audit.order', { id: line.order_id })}</a>
                  ) : null}{' '}
                  {line.target ? <span className="muted">{line.target}</span> : null}
                  {line.shop_id ? <span className="muted"> · {line.shop_id}</span> : null}
                </td>
                <td>
                  <span className={`badge outcome-${line.outcome}`}>{term('auditOutcome', line.outcome)}</span>
                </td>
                <td>{line.ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ErrorText error={olderError} />
      {more ? (
        <button type="button" disabled={busy} onClick={() => void loadOlder()} data-testid="audit-older">
          {busy ? t('action.working') : t('audit.older')}
        </button>
      ) : null}
    </Card>
  );
}
