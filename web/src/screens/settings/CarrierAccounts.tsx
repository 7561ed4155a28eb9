/**
 * Settings → carrier accounts: the account each carrier's labels are bought with (`GET /carrier/accounts`, secrets
 * never shown) and a form to add or replace one (`PUT /carrier/accounts/:carrier`, owners of the installation). A label
 * is refused while its carrier has no account (and no `*` account), with a link here. The platform's online logistics
 * (AliExpress 线上发货) buys through the order's shop connection: its form asks only the sender address id.
 */
import { useState, type FormEvent } from 'react';
import { api, type CarrierAccount } from '../../api';
import { useAuth } from '../../auth';
import { Card, ErrorText, FormRow, onlyFieldIssues } from '../../components';
import { clientError, useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';
import { setupChanged } from '../../SetupBanner';

/** The carrier APIs shipby speaks (integrations/carriers). */
const PROTOCOLS = ['yunexpress', '4px', 'aliexpress-online'] as const;
/** The platform's own logistics: no address or secret of its own, only the seller centre's sender address id. */
const ONLINE = 'aliexpress-online';
const FIELDS = ['carrier', 'url', 'account_id', 'api_key', 'protocol'];

export function CarrierAccounts() {
  const { t } = useI18n();
  const { can } = useAuth();
  const writes = can('owner');
  const accounts = usePoll((signal) => api<{ items: CarrierAccount[] }>('/carrier/accounts', { signal }), [], 300_000, {
    live: false,
  });
  const items = accounts.data?.items ?? [];
  const [carrier, setCarrier] = useState('');
  const [url, setUrl] = useState('');
  const [protocol, setProtocol] = useState<string>(PROTOCOLS[0]);
  const [accountId, setAccountId] = useState('');
  const [apiKey, setApiKey] = useState('');
  const { error, setError, busy, run, invalid } = useApiForm();
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const online = protocol === ONLINE;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const code = carrier.trim();
    if (!code) {
      setError(clientError('carrier', 'accounts.carrierRequired'));
      return;
    }
    await run(async () => {
      const body =
        protocol === ONLINE
          ? { protocol, account_id: accountId.trim() }
          : { protocol, url: url.trim(), account_id: accountId.trim(), api_key: apiKey };
      await api(`/carrier/accounts/${encodeURIComponent(code)}`, { method: 'PUT', body });
      setSaved(code);
      setCarrier('');
      setUrl('');
      setAccountId('');
      setApiKey('');
      await accounts.refresh();
      setupChanged();
    });
  };

  return (
    <Card id="settings-carrier-accounts" title={t('accounts.title')}>
      <p className="hint">{t('accounts.hint')}</p>
      {accounts.error ? <ErrorText error={accounts.error} /> : null}
      {items.length ? (
        <table className="compact" data-testid="carrier-accounts">
          <thead>
            <tr>
              <th>{t('accounts.carrier')}</th>
              <th>{t('accounts.protocol')}</th>
              <th>{t('accounts.url')}</th>
              <th>{t('accounts.accountId')}</th>
              <th>{t('accounts.apiKey')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.carrier} data-carrier={a.carrier}>
                <td>{a.carrier}</td>
                <td>{a.protocol}</td>
                <td className="url">{a.base_url}</td>
                <td>{a.account_id}</td>
                <td>
                  {a.secret === 'encrypted'
                    ? t('accounts.secretStored')
                    : a.secret === 'not needed'
                      ? t('accounts.secretNotNeeded')
                      : t('accounts.secretMissing')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : accounts.data ? (
        <p className="warning">{t('accounts.none')}</p>
      ) : null}
      {writes ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="carrier-account-form">
          <FormRow id="account-carrier" label={t('accounts.carrier')} field="carrier" error={error}>
            <input
              id="account-carrier"
              name="carrier"
              value={carrier}
              onChange={(e) => setCarrier(e.target.value)}
              placeholder="china-post, *"
              aria-invalid={invalid('carrier')}
            />
          </FormRow>
          <FormRow id="account-protocol" label={t('accounts.protocol')} field="protocol" error={error}>
            <select
              id="account-protocol"
              name="protocol"
              value={protocol}
              onChange={(e) => setProtocol(e.target.value)}
              aria-invalid={invalid('protocol')}
            >
              {PROTOCOLS.map((p) => (
                <option key={p} value={p}>
                  {t(`accounts.protocol.${p}`)}
                </option>
              ))}
            </select>
          </FormRow>
          {online ? null : (
            <>
              <FormRow id="account-url" label={t('accounts.url')} field="url" error={error}>
                <input
                  id="account-url"
                  name="url"
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                  placeholder="https://"
                  aria-invalid={invalid('url')}
                />
              </FormRow>
            </>
          )}
          <FormRow
            id="account-id"
            label={online ? t('accounts.senderAddressId') : t('accounts.accountId')}
            field="account_id"
            error={error}
          >
            <input
              id="account-id"
              name="account_id"
              autoComplete="off"
              inputMode={online ? 'numeric' : undefined}
              value={accountId}
              onChange={(e) => setAccountId(e.target.value)}
              aria-invalid={invalid('account_id')}
            />
            <small className="hint">{online ? t('accounts.senderAddressIdHint') : t('accounts.accountIdHint')}</small>
          </FormRow>
          {online ? null : (
            <>
              <FormRow id="account-key" label={t('accounts.apiKey')} field="api_key" error={error}>
                <input
                  id="account-key"
                  name="api_key"
                  type="password"
                  autoComplete="off"
                  value={apiKey}
                  onChange={(e) => setApiKey(e.target.value)}
                  aria-invalid={invalid('api_key')}
                />
              </FormRow>
            </>
          )}
          <div className="form-actions">
            <button type="submit" disabled={busy} data-testid="save-carrier-account">
              {busy ? t('action.working') : t('accounts.save')}
            </button>
            {saved ? (
              <span className="ok" role="status">
                {t('accounts.saved', { carrier: saved })}
              </span>
            ) : null}
          </div>
        </form>
      ) : (
        <p className="muted">{t('auth.readOnly')}</p>
      )}
      {error && !onlyFieldIssues(error, FIELDS) ? <ErrorText error={error} /> : null}
    </Card>
  );
}
