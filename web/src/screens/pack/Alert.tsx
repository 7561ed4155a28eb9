/**
 * The pack station's message line: a wrong scan or a refusal, loud, in the packer's language; when the refusal is a
 * missing setting (no sender address, no SKU size), a link to the Settings part that fixes it.
 */
import { ApiError, NetworkError } from '../../api';
import { FixLinks } from '../../components';
import { useI18n, type Translate } from '../../i18n';

type Tone = 'ok' | 'error' | 'info';
/** A text said in the language chosen when it shows, not when it came: switching language re-says the line. */
export type Say = (t: Translate, pick: (text: ApiError['messages']) => string) => string;
export type Notice = { tone: Tone; say: Say; rule?: string | undefined; error?: ApiError | undefined } | undefined;

/** A refusal the station makes itself (already in the user's language), shown as loud as the API's. */
export class Refusal extends Error {}

/** What an error says at the station: the API's message and its issues, the station's own refusal, or a failure. */
export function noticeOf(error: unknown): Notice {
  if (error instanceof ApiError) {
    const say: Say = (_, pick) =>
      pick(error.messages) +
      (error.issues.length ? ` ${error.issues.map((i) => (i.messages ? pick(i.messages) : i.message)).join(' ')}` : '');
    return { tone: 'error', say, rule: error.rule, error };
  }
  if (error instanceof Refusal) return { tone: 'error', say: () => error.message };
  return { tone: 'error', say: (t) => t(error instanceof NetworkError ? 'error.network' : 'error.unexpected') };
}

export function PackAlert({ notice }: { notice: Notice }) {
  const { t, pick } = useI18n();
  if (!notice) return null;
  return (
    <div
      className={`pack-alert pack-alert-${notice.tone}`}
      role={notice.tone === 'error' ? 'alert' : 'status'}
      data-testid="pack-alert"
      data-tone={notice.tone}
    >
      {notice.tone === 'error' ? <strong>{t('pack.wrong')} </strong> : null}
      {notice.say(t, pick)}
      {notice.rule ? <span className="rule"> [{notice.rule}]</span> : null}
      <FixLinks error={notice.error} />
    </div>
  );
}
