import { useI18n } from '../i18n';

/** A screen whose API is not there yet (or is there, and its screen comes next): says so plainly. */
export function ComingSoon({ title, waitsFor, apiReady }: { title: string; waitsFor: string; apiReady: boolean }) {
  const { t } = useI18n();
  return (
    <div className="screen coming-soon" data-testid="coming-soon">
      <h1>{title}</h1>
      <div className="card coming-soon-card">
        <p className="coming-soon-label">{t('soon.label')}</p>
        <p>{apiReady ? t('soon.apiReady', { feature: waitsFor }) : t('soon.waiting', { feature: waitsFor })}</p>
        <p className="muted">
          {t('soon.meanwhile')} <a href="/docs">/docs</a>
        </p>
      </div>
    </div>
  );
}
