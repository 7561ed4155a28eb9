/**
 * Settings → Shops: the shop's AliExpress connection (GET /marketplace/authorisations) — not connected, connected
 * (as which seller account, until when; renewed automatically), connected with a pasted token, or paused because
 * the platform refused to renew it (the reason, in the reader's language) — and, for the shop's owner, Connect: a
 * plain navigation to the authorisation start, which sends the browser to AliExpress's consent page and back here
 * (`#/settings/shops?for=<shop>` once connected).
 */
import { api, type Authorisation } from '../../api';
import { useAuth } from '../../auth';
import { Card, DateTime, ErrorText } from '../../components';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';

export function Shops({ shopId, justConnected }: { shopId: string; justConnected?: boolean }) {
  const { t, locale } = useI18n();
  const { can } = useAuth();
  const owner = can('owner', shopId);
  // Every few seconds: the first sync lands in the background after Connect.
  const { data, error } = usePoll(
    (signal) => api<{ items: Authorisation[] }>('/marketplace/authorisations', { signal }),
    [shopId],
    5_000,
    { live: false },
  );
  const view = data?.items.find((a) => a.shop_id === shopId);
  return (
    <Card id="settings-shops" title={t('shopsAuth.title')}>
      <p className="hint">{t('shopsAuth.hint')}</p>
      {error ? <ErrorText error={error} /> : null}
      {justConnected ? (
        <p className="ok" role="status" data-testid="shop-just-connected">
          {t('shopsAuth.justConnected', { shop: shopId })}
        </p>
      ) : null}
      {view ? (
        <div data-testid="shop-connection" data-state={view.connected ? view.state : 'not_connected'}>
          {!view.connected ? <p className="warning">{t('shopsAuth.notConnected')}</p> : null}
          {view.state === 'paused' ? (
            <p className="warning" role="alert" data-testid="shop-paused">
              {t('shopsAuth.paused')} {view.paused_reason?.[locale] ?? view.paused_reason?.en}
            </p>
          ) : null}
          {view.state === 'authorised' && view.source === 'platform' ? (
            <p data-testid="shop-connected">
              {t('shopsAuth.connected', { account: view.account ?? '—' })} <DateTime iso={view.access_expires_at} />
            </p>
          ) : null}
          {view.state === 'authorised' && view.source === 'pasted' ? (
            <p className="warning">{t('shopsAuth.pasted')}</p>
          ) : null}
          {view.connected ? (
            <p data-testid="shop-last-sync" data-synced={view.last_sync_at ? 'yes' : 'no'}>
              {t('shopsAuth.lastSync')}{' '}
              {view.last_sync_at ? (
                <DateTime iso={view.last_sync_at} />
              ) : (
                <span className="muted">{t('shopsAuth.neverSynced')}</span>
              )}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="form-actions">
        {owner ? (
          <a
            className="button primary"
            href={`/shops/${encodeURIComponent(shopId)}/marketplace/authorise`}
            data-testid="connect-shop"
          >
            {view?.connected ? t('shopsAuth.reconnect') : t('shopsAuth.connect')}
          </a>
        ) : (
          <span className="muted">{t('shopsAuth.ownerOnly')}</span>
        )}
      </div>
    </Card>
  );
}
