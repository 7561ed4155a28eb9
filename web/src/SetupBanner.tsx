/**
 * Above every screen while the installation lacks something that blocks work (no shop, no warehouse, SKUs without
 * a size, no stock, no sender address, box or carrier account): what is missing, and the link to the checklist.
 * Read when it appears and again whenever a screen says it changed part of the setup (`setupChanged`).
 */
import { useEffect } from 'react';
import { api } from './api';
import { usePoll } from './hooks';
import { useI18n } from './i18n';
import type { SetupStatus } from './setup-shapes';

const CHANGED = 'shipby:setup-changed';

/** A form saved something the checklist reads (a warehouse, a SKU, a count): the banner reads it again. */
export function setupChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

export function SetupBanner() {
  const { t } = useI18n();
  const status = usePoll((signal) => api<SetupStatus>('/setup', { signal }), [], 120_000, { live: false });
  const { refresh } = status;
  useEffect(() => {
    const onChange = () => void refresh();
    window.addEventListener(CHANGED, onChange);
    return () => window.removeEventListener(CHANGED, onChange);
  }, [refresh]);
  const blocking = (status.data?.steps ?? []).filter((s) => !s.done && s.blocks.length > 0);
  if (!blocking.length) return null;
  return (
    <p className="notice notice-warn setup-banner" role="note" data-testid="setup-banner">
      {t('setup.banner', { steps: blocking.map((s) => t(`setup.step.${s.step}`)).join(t('setup.separator')) })}{' '}
      <a href="#/setup" data-testid="setup-banner-link">
        {t('setup.bannerLink')}
      </a>
    </p>
  );
}
