/**
 * Sign in with e-mail and password (POST /auth/login). A refusal shows the API's message: a field's at the field,
 * a wrong password or the lockout (429, with the time it lasts) in the form.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, NetworkError } from '../api';
import { useAuth } from '../auth';
import { ErrorText, FieldError, LanguageSwitch, onlyFieldIssues } from '../components';
import { useI18n } from '../i18n';

const FIELDS = ['email', 'password'];

export function SignIn({ unreachable }: { unreachable?: boolean }) {
  const { t } = useI18n();
  const { signIn } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await signIn(email.trim(), password);
    } catch (e) {
      if (!(e instanceof ApiError || e instanceof NetworkError)) throw e;
      setError(e);
      setBusy(false);
    }
  };

  const locked = error instanceof ApiError && error.status === 429;
  return (
    <div className="sign-in-page">
      <form className="card sign-in" onSubmit={(e) => void submit(e)} noValidate data-testid="sign-in">
        <div className="sign-in-head">
          <span className="brand">shipby</span>
          <LanguageSwitch />
        </div>
        <h1>{t('auth.title')}</h1>
        {unreachable && !error ? <p className="error">{t('error.network')}</p> : null}
        <label htmlFor="sign-in-email">{t('auth.email')}</label>
        <input
          id="sign-in-email"
          name="email"
          type="email"
          autoComplete="username"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error instanceof ApiError && error.issuesAt('email').length > 0}
        />
        <FieldError error={error} field="email" />
        <label htmlFor="sign-in-password">{t('auth.password')}</label>
        <input
          id="sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error instanceof ApiError && error.issuesAt('password').length > 0}
        />
        <FieldError error={error} field="password" />
        <div data-testid="sign-in-error" data-locked={locked ? 'true' : 'false'}>
          {error && !onlyFieldIssues(error, FIELDS) ? <ErrorText error={error} /> : null}
        </div>
        <button
          type="submit"
          className="primary"
          disabled={busy || !email.trim() || !password}
          data-testid="sign-in-submit"
        >
          {busy ? t('action.working') : t('auth.signIn')}
        </button>
        <p className="hint">{t('auth.hint')}</p>
      </form>
    </div>
  );
}
