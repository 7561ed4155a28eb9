/**
 * Settings → Tracking provider (issue 17; `#/settings/tracking`, loaded when opened): the tracking providers
 * (17TRACK, AfterShip) without their secrets (GET /tracking/providers) and, for the installation's owner (the only
 * one PUT /tracking/providers/:name lets through), a form to add or change one: its API key and webhook secret (a
 * change may leave them empty: the stored ones are kept), API version and polling. Each provider's webhook URL — the
 * server's public address (else the dashboard's origin) and the route that takes the provider's pushes — is shown
 * with a copy button and where it goes in the provider's own console. A refused field shows the API's message at that
 * field.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, type TrackingProvider as Provider, type TrackingProviders } from '../../api';
import { useAuth } from '../../auth';
import { Card, ErrorText, FormRow, onlyFieldIssues } from '../../components';
import { clientError, useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';
import { setupChanged } from '../../SetupBanner';
import { CopyText, kindKey, newProviderUrl, webhookUrl, WebhookUrl } from './ProviderWebhook';

type Kind = TrackingProviders['kinds'][number];

const FIELDS = ['name', 'kind', 'api_key', 'webhook_secret', 'api_version', 'polls'];

export function TrackingProvider() {
  const { t } = useI18n();
  const { session } = useAuth();
  const owner = session?.installation_owner === true;
  const providers = usePoll((signal) => api<TrackingProviders>('/tracking/providers', { signal }), [], 300_000, {
    live: false,
  });
  const [editing, setEditing] = useState<Provider | undefined>(undefined);
  const [saved, setSaved] = useState<Provider | undefined>(undefined);
  // Each save starts a new, empty form (the secrets typed are gone from the page).
  const [saves, setSaves] = useState(0);

  const onSaved = async (provider: Provider) => {
    setSaved(provider);
    setEditing(undefined);
    setSaves((n) => n + 1);
    await providers.refresh();
    setupChanged();
  };

  return (
    <div className="screen settings tracking-provider">
      <div className="screen-title">
        <h1>{t('provider.title')}</h1>
      </div>
      <p className="hint">
        <a href="#/settings" data-testid="back-to-settings">
          {t('provider.back')}
        </a>
      </p>
      <p className="hint">{t('provider.intro')}</p>
      {!owner ? (
        <p className="warning" data-testid="provider-owner-only">
          {t('provider.ownerOnly')}
        </p>
      ) : null}
      <ProviderList
        data={providers.data}
        error={providers.error}
        owner={owner}
        onEdit={(p) => {
          setSaved(undefined);
          setEditing(p);
        }}
      />
      {owner && providers.data ? (
        <ProviderForm
          key={editing ? `edit-${editing.name}` : `new-${saves}`}
          editing={editing}
          saved={saved}
          kinds={providers.data.kinds}
          base={providers.data.webhook_base}
          onSaved={onSaved}
          onAddInstead={() => setEditing(undefined)}
        />
      ) : null}
    </div>
  );
}

function ProviderList({
  data,
  error,
  owner,
  onEdit,
}: {
  data: TrackingProviders | undefined;
  error: unknown;
  owner: boolean;
  onEdit: (provider: Provider) => void;
}) {
  const { t, term } = useI18n();
  const items = data?.items ?? [];
  return (
    <Card title={t('provider.listTitle')}>
      {error ? <ErrorText error={error} /> : null}
      {items.length ? (
        <table className="compact" data-testid="tracking-providers">
          <thead>
            <tr>
              <th>{t('provider.name')}</th>
              <th>{t('provider.kind')}</th>
              <th>{t('provider.apiVersion')}</th>
              <th>{t('provider.polling')}</th>
              {owner ? <th>{t('provider.apiKey')}</th> : null}
              {owner ? <th>{t('provider.webhookUrl')}</th> : null}
              {owner ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.name} data-provider={p.name}>
                <td>{p.name}</td>
                <td>{term('provider.kind', p.kind)}</td>
                <td>{p.api_version ?? '—'}</td>
                <td>
                  {!p.polls
                    ? t('provider.pollingOff')
                    : p.cadence
                      ? t('provider.pollingOn', {
                          before: p.cadence.beforeFirstScanHours ?? '—',
                          after: p.cadence.afterFirstScanHours ?? '—',
                          daily: p.cadence.dailyAfterDays ?? '—',
                          stop: p.cadence.stopDaysAfterDelivery ?? '—',
                        })
                      : '✓'}
                </td>
                {owner ? <td>{p.api_key_stored ? t('provider.keyStored') : t('provider.keyNone')}</td> : null}
                {owner ? (
                  <td className="provider-url">
                    {p.webhook_path ? <CopyText text={webhookUrl(p.webhook_path, data?.webhook_base)} /> : null}
                  </td>
                ) : null}
                {owner ? (
                  <td>
                    <button type="button" onClick={() => onEdit(p)} data-testid="edit-provider">
                      {t('provider.edit')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : data ? (
        <p className="muted" data-testid="no-provider">
          {t('provider.none')}
        </p>
      ) : null}
    </Card>
  );
}

/** A random webhook secret: 24 bytes as 48 hex digits. */
function randomSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function ProviderForm({
  editing,
  saved,
  kinds,
  base,
  onSaved,
  onAddInstead,
}: {
  editing: Provider | undefined;
  saved: Provider | undefined;
  kinds: Kind[];
  base: string | null | undefined;
  onSaved: (provider: Provider) => Promise<void>;
  onAddInstead: () => void;
}) {
  const { t, term } = useI18n();
  const { error, setError, busy, run, invalid } = useApiForm();
  const [name, setName] = useState(editing?.name ?? '');
  const [kind, setKind] = useState(editing?.kind ?? kinds[0]?.kind ?? '');
  const [apiVersion, setApiVersion] = useState(editing?.api_version ?? '');
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [polls, setPolls] = useState(editing?.polls ?? false);
  const versions = kinds.find((k) => k.kind === kind)?.api_versions ?? [];
  const version = versions.includes(apiVersion) ? apiVersion : (versions[0] ?? '');
  const hint = (what: 'apiKeyHint' | 'secretHint') => {
    const key = kindKey(what, kind);
    return key ? <p className="hint">{t(key)}</p> : null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const id = editing?.name ?? name.trim();
    if (!id) {
      setError(clientError('name', 'provider.nameRequired'));
      return;
    }
    await run(async () => {
      const body = {
        kind,
        polls,
        ...(version ? { api_version: version } : {}),
        // A change may leave the secrets empty: the stored ones are kept. A new provider always sends its secret.
        ...(editing && !secret ? {} : { webhook_secret: secret }),
        ...(apiKey ? { api_key: apiKey } : {}),
        // What the form does not show stays as it is.
        ...(editing?.base_url ? { base_url: editing.base_url } : {}),
        ...(editing?.cadence ? { cadence: editing.cadence } : {}),
      };
      await onSaved(await api<Provider>(`/tracking/providers/${encodeURIComponent(id)}`, { method: 'PUT', body }));
    });
  };

  // The provider changed or just saved; typing a new name shows that one's address instead.
  const shown = editing ?? (name.trim() ? undefined : saved);
  const url = shown?.webhook_path
    ? webhookUrl(shown.webhook_path, base)
    : name.trim()
      ? newProviderUrl(name.trim(), base)
      : undefined;
  return (
    <div className="provider-grid">
      <Card title={editing ? t('provider.editTitle', { name: editing.name }) : t('provider.addTitle')}>
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="provider-form">
          <FormRow id="provider-name" label={t('provider.name')} field="name" error={error}>
            <input
              id="provider-name"
              name="name"
              value={name}
              readOnly={editing !== undefined}
              onChange={(e) => setName(e.target.value)}
              placeholder="17track"
              autoComplete="off"
              aria-invalid={invalid('name')}
            />
            <p className="hint">{t('provider.nameHint')}</p>
          </FormRow>
          <FormRow id="provider-kind" label={t('provider.kind')} field="kind" error={error}>
            <select
              id="provider-kind"
              name="kind"
              value={kind}
              onChange={(e) => setKind(e.target.value)}
              aria-invalid={invalid('kind')}
            >
              {kinds.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {term('provider.kind', k.kind)}
                </option>
              ))}
            </select>
          </FormRow>
          <FormRow id="provider-key" label={t('provider.apiKey')} field="api_key" error={error}>
            <input
              id="provider-key"
              name="api_key"
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              aria-invalid={invalid('api_key')}
            />
            {editing?.api_key_stored ? <p className="hint">{t('provider.apiKeyKeep')}</p> : null}
            {hint('apiKeyHint')}
          </FormRow>
          <SecretField
            secret={secret}
            onChange={setSecret}
            keeps={editing !== undefined}
            kindHint={hint('secretHint')}
            error={error}
            invalid={invalid('webhook_secret')}
          />
          <FormRow id="provider-version" label={t('provider.apiVersion')} field="api_version" error={error}>
            <select
              id="provider-version"
              name="api_version"
              value={version}
              onChange={(e) => setApiVersion(e.target.value)}
              aria-invalid={invalid('api_version')}
            >
              {versions.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </FormRow>
          <FormRow label={t('provider.polling')} field="polls" error={error}>
            <label className="check">
              <input
                type="checkbox"
                name="polls"
                checked={polls}
                onChange={(e) => setPolls(e.target.checked)}
                aria-invalid={invalid('polls')}
              />{' '}
              {t('provider.polls')}
            </label>
            <p className="hint">{t('provider.pollsHint')}</p>
          </FormRow>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy} data-testid="save-provider">
              {busy ? t('action.working') : t('provider.save')}
            </button>
            {editing ? (
              <button type="button" onClick={onAddInstead} data-testid="add-instead">
                {t('provider.addInstead')}
              </button>
            ) : null}
          </div>
        </form>
        {error && !onlyFieldIssues(error, FIELDS) ? <ErrorText error={error} /> : null}
      </Card>
      <Card title={shown ? t('provider.webhookTitle', { name: shown.name }) : t('provider.webhookUrl')}>
        {shown && shown === saved ? (
          <p className="ok" role="status" data-testid="provider-saved">
            {t('provider.saved', { name: saved.name })}
          </p>
        ) : !shown ? (
          <p className="hint">{t('provider.webhookPreview')}</p>
        ) : null}
        <WebhookUrl url={url} kind={shown?.kind ?? kind} base={base} />
      </Card>
    </div>
  );
}

/** The webhook secret: typed (hidden), or generated and shown so it can be pasted into a provider that takes one. */
function SecretField({
  secret,
  onChange,
  keeps,
  kindHint,
  error,
  invalid,
}: {
  secret: string;
  onChange: (secret: string) => void;
  /** A change: left empty, the stored secret is kept. */
  keeps: boolean;
  kindHint: ReactNode;
  error: unknown;
  invalid: boolean;
}) {
  const { t } = useI18n();
  const [showSecret, setShowSecret] = useState(false);
  return (
    <FormRow id="provider-secret" label={t('provider.secret')} field="webhook_secret" error={error}>
      <div className="input-with-button">
        <input
          id="provider-secret"
          name="webhook_secret"
          type={showSecret ? 'text' : 'password'}
          autoComplete="new-password"
          spellCheck={false}
          value={secret}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={invalid}
        />
        <button
          type="button"
          onClick={() => {
            onChange(randomSecret());
            // The seller copies a generated secret into the provider: it is shown.
            setShowSecret(true);
          }}
          data-testid="generate-secret"
        >
          {t('provider.generate')}
        </button>
      </div>
      {keeps ? <p className="hint">{t('provider.secretKeep')}</p> : null}
      {kindHint}
      <p className="hint">{t('provider.generateHint')}</p>
    </FormRow>
  );
}
