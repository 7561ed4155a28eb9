/**
 * The pack station's message line: a wrong scan or a refusal, loud, in the packer's language; when the refusal is a
 * missing setting (no sender address, no SKU size), a link to the Settings part that fixes it.
 */
import { ApiError, NetworkError } from '../../api';
import { FixLinks } from '../../components';
import { useI18n, type Translate } from '../../i18n';

type Tone = 'ok' | 'error' | 'info';
export type Notice = { tone: Tone; text: string; rule?: string | undefined; error?: ApiError | undefined } | undefined;

/** A refusal the station makes itself (already in the user's language), shown as loud as the API's. */
export class Refusal extends Error {}

/** What an error says at the station: the API's message and its issues, the station's own refusal, or a failure. */
export function noticeOf(error: unknown, pick: (text: ApiError['messages']) => string, t: Translate): Notice {
  if (error instanceof ApiError) {
    const issues = error.issues.length
      ? ` ${error.issues.map((i) => (i.messages ? pick(i.messages) : i.message)).join(' ')}`
      : '';
    return { tone: 'error', text: pick(error.messages) + issues, rule: error.rule, error };
  }
  return {
    tone: 'error',
    text:
      error instanceof Refusal
        ? error.message
        : t(error instanceof NetworkError ? 'error.network' : 'error.unexpected'),
  };
}

export function PackAlert({ notice }: { notice: Notice }) {
  const { t } = useI18n();
  if (!notice) return null;
  return (
    <div
      className={`pack-alert pack-alert-${notice.tone}`}
      role={notice.tone === 'error' ? 'alert' : 'status'}
      data-testid="pack-alert"
      data-tone={notice.tone}
    >
      {notice.tone === 'error' ? <strong>{t('pack.wrong')} </strong> : null}
      {notice.text}
      {notice.rule ? <span className="rule"> [{notice.rule}]</span> : null}
      <FixLinks error={notice.error} />
    </div>
  );
}
