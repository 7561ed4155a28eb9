/**
 * Above every screen while the installation lacks something that blocks work (no shop, no warehouse, SKUs without
 * a size, no stock, no sender address, box or carrier account): what is missing, and the link to the checklist.
 * Re-read on every screen change, so a step set elsewhere clears it.
 */
import { api } from './api';
import { usePoll, useRoute } from './hooks';
import { useI18n } from './i18n';
import type { SetupStatus } from './setup-shapes';

export function SetupBanner() {
  const { t } = useI18n();
  const route = useRoute();
  const status = usePoll((signal) => api<SetupStatus>('/setup', { signal }), [JSON.stringify(route)], 120_000, { live: false });
  const blocking = (status.data?.steps ?? []).filter((s) => !s.done && s.blocks.length > 0);
  if (!blocking.length) return null;
  return (
    <p className="notice notice-warn setup-banner" role="status" data-testid="setup-banner">
      {t('setup.banner', { steps: blocking.map((s) => t(`setup.step.${s.step}`)).join(t('setup.separator')) })}{' '}
      <a href="#/setup" data-testid="setup-banner-link">
        {t('setup.bannerLink')}
      </a>
    </p>
  );
}
