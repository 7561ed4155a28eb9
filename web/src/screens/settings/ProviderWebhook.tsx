/**
 * Settings → Tracking provider: a provider's webhook URL (the server's public address when one is configured, else
 * this dashboard's origin, and the route that takes the provider's pushes) with a copy button, and what is said of
 * one kind of provider only (where its URL, key and secret are found in its own console).
 */
import { useState } from 'react';
import type { paths } from '../../api-types.gen';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';

/** The route that takes a provider's pushes (src/http/routes/tracking.ts): the address of a provider not saved yet. */
const WEBHOOK_ROUTE = '/tracking/webhooks/{provider}' satisfies keyof paths;

/** What is said of one kind (17TRACK or AfterShip) only: `provider.<what>.<kind>`; another kind has nothing. */
export function kindKey(what: 'apiKeyHint' | 'secretHint' | 'webhookWhere', kind: string): MessageKey | undefined {
  return kind === 'seventeen' || kind === 'aftership' ? `provider.${what}.${kind}` : undefined;
}

/**
 * The address a provider pushes to: the server's public address (`base`, GET /tracking/providers `webhook_base`) or,
 * when none is configured, this dashboard's origin; then the provider's webhook path.
 */
export function webhookUrl(path: string, base: string | null | undefined): string {
  return `${base ?? window.location.origin}${path}`;
}

/** The address of a provider not saved yet, by the name it will have. */
export function newProviderUrl(name: string, base: string | null | undefined): string {
  return webhookUrl(WEBHOOK_ROUTE.replace('{provider}', encodeURIComponent(name)), base);
}

/**
 * The webhook URL to paste into the provider, with a copy button and where it goes in that provider's console; when
 * no public address is configured, that the URL is this page's own address and what to do if the provider cannot
 * reach it.
 */
export function WebhookUrl({
  url,
  kind,
  base,
}: {
  url: string | undefined;
  kind: string;
  base: string | null | undefined;
}) {
  const { t } = useI18n();
  const where = kindKey('webhookWhere', kind);
  return (
    <div data-testid="webhook-url">
      {url ? <CopyText text={url} /> : null}
      {where ? <p data-testid="webhook-where">{t(where)}</p> : null}
      <p className="hint">{t('provider.webhookPublic')}</p>
      {base ? null : (
        <p className="hint" data-testid="webhook-origin">
          {t('provider.webhookOrigin', { origin: window.location.origin })}
        </p>
      )}
    </div>
  );
}

/** A text to paste elsewhere: shown whole (selected when focused) with a copy button. */
export function CopyText({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(text);
    } catch {
      /* no clipboard (an insecure page): the text is selectable in its field */
    }
  };
  return (
    <div className="copy-text">
      <input className="new-key" readOnly value={text} onFocus={(e) => e.target.select()} aria-label={text} />
      <button type="button" onClick={() => void copy()} data-testid="copy">
        {copied === text ? t('provider.copied') : t('provider.copy')}
      </button>
    </div>
  );
}
