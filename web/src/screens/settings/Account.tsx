/**
 * Settings → one's own password (PUT /auth/password) and the account's API keys (owners): listed without the key,
 * a new one shown once, revoking immediate.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type ApiKey, type NewApiKey, type Role } from '../../api';
import { useAuth } from '../../auth';
import { Card, DateTime, ErrorText, FieldError, FormRow, onlyFieldIssues } from '../../components';
import { useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';

const PASSWORD_FIELDS = ['current_password', 'new_password'];

/** One's own password (PUT /auth/password). A user who came in through a sign-in link has none yet and sets one. */
export function PasswordForm() {
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
      await api('/auth/password', {
        method: 'PUT',
        body: { ...(current ? { current_password: current } : {}), new_password: next },
      });
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
          <input
            id="current-password"
            name="current_password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            aria-invalid={invalid('current_password')}
          />
          <FieldError error={error} field="current_password" />
          <p className="hint">{t('password.currentHint')}</p>
        </div>
        <label htmlFor="new-password">{t('password.new')}</label>
        <div>
          <input
            id="new-password"
            name="new_password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            aria-invalid={invalid('new_password')}
          />
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
export function ApiKeys() {
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
                <td>
                  {k.last_used_at ? (
                    <DateTime iso={k.last_used_at} />
                  ) : (
                    <span className="muted">{t('keys.never')}</span>
                  )}
                </td>
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
          <input
            className="new-key"
            readOnly
            value={created.key}
            onFocus={(e) => e.target.select()}
            aria-label={t('keys.prefix')}
          />
          <button type="button" onClick={() => void copy()}>
            {copied ? t('keys.copied') : t('keys.copy')}
          </button>
        </div>
      ) : null}
      <form className="form-grid" onSubmit={(e) => void create(e)} noValidate data-testid="key-form">
        <FormRow id="key-name" label={t('keys.name')} field="name" error={error}>
          <input
            id="key-name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={t('keys.namePlaceholder')}
            aria-invalid={invalid('name')}
          />
        </FormRow>
        <FormRow id="key-role" label={t('keys.role')} field="role" error={error}>
          <select id="key-role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {KEY_ROLES.map((r) => (
              <option key={r} value={r}>
                {term('role', r)}
              </option>
            ))}
          </select>
        </FormRow>
        <FormRow label={t('keys.shops')} field="shops" error={error}>
          {owned.map((id) => (
            <label key={id} className="check">
              <input
                type="checkbox"
                name="shops"
                value={id}
                checked={shops.includes(id)}
                onChange={(e) => setShops((s) => (e.target.checked ? [...s, id] : s.filter((x) => x !== id)))}
              />{' '}
              {id}
            </label>
          ))}
        </FormRow>
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
