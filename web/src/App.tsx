import { Component, lazy, Suspense, type ReactNode } from 'react';
import { DataProvider, useData } from './data';
import { useRoute, type Route } from './hooks';
import { DICTIONARIES, I18nProvider, LOCALES, useI18n } from './i18n';
import { AtRisk } from './screens/AtRisk';
import { ComingSoon } from './screens/ComingSoon';
import { Order } from './screens/Order';
import { Settings } from './screens/Settings';
import { Stock } from './screens/Stock';

// The charting library loads only with the performance screen, so the first visit stays small.
const Performance = lazy(() => import('./screens/Performance').then((m) => ({ default: m.Performance })));
// The pack station and the parcels load with their screens too: the first visit carries what the seller opens first.
const PackStation = lazy(() => import('./screens/PackStation').then((m) => ({ default: m.PackStation })));
const Parcels = lazy(() => import('./screens/Parcels').then((m) => ({ default: m.Parcels })));

export function App() {
  return (
    <I18nProvider>
      <DataProvider>
        <Shell />
      </DataProvider>
    </I18nProvider>
  );
}

const NAV: Array<{ screen: Route['screen']; href: string; label: 'nav.atRisk' | 'nav.performance' | 'nav.settings' | 'nav.stock' | 'nav.pack' | 'nav.parcels' }> = [
  { screen: 'at-risk', href: '#/', label: 'nav.atRisk' },
  { screen: 'stock', href: '#/stock', label: 'nav.stock' },
  { screen: 'pack', href: '#/pack', label: 'nav.pack' },
  { screen: 'parcels', href: '#/parcels', label: 'nav.parcels' },
  { screen: 'performance', href: '#/performance', label: 'nav.performance' },
  { screen: 'settings', href: '#/settings', label: 'nav.settings' },
];

function Shell() {
  const { t, locale, setLocale, userZone } = useI18n();
  const route = useRoute();
  const active = route.screen === 'order' ? 'at-risk' : route.screen;
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          shipby
        </a>
        <nav aria-label={t('nav.label')}>
          {NAV.map((item) => (
            <a key={item.screen} href={item.href} className={active === item.screen ? 'active' : ''} aria-current={active === item.screen ? 'page' : undefined}>
              {t(item.label)}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        <span className="zone" title={t('time.zoneHint')}>
          {t('time.yourZone', { zone: userZone })}
        </span>
        <div className="lang" role="group" aria-label={t('lang.label')}>
          {LOCALES.map((l) => (
            <button key={l} type="button" lang={l} className={l === locale ? 'active' : ''} aria-pressed={l === locale} onClick={() => setLocale(l)} data-locale={l}>
              {DICTIONARIES[l]['lang.name']}
            </button>
          ))}
        </div>
      </header>
      <main>
        <ErrorBoundary key={route.screen === 'parcels' ? route.screen : JSON.stringify(route)}>
          <Screen route={route} />
        </ErrorBoundary>
      </main>
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  const { t } = useI18n();
  const { apiPaths } = useData();
  const offers = (prefix: string) => (apiPaths ? [...apiPaths].some((p) => p === prefix || p.startsWith(`${prefix}/`)) : false);
  switch (route.screen) {
    case 'order':
      return <Order key={route.id} id={route.id} />;
    case 'performance':
      return (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <Performance />
        </Suspense>
      );
    case 'settings':
      return <Settings />;
    case 'stock':
      return apiPaths && !offers('/stock') ? <ComingSoon title={t('nav.stock')} waitsFor={t('soon.stock')} apiReady={false} /> : <Stock />;
    case 'pack':
      return apiPaths && !offers('/pack') ? (
        <ComingSoon title={t('nav.pack')} waitsFor={t('soon.pack')} apiReady={false} />
      ) : (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <PackStation />
        </Suspense>
      );
    case 'parcels':
      return apiPaths && !offers('/parcels') ? (
        <ComingSoon title={t('nav.parcels')} waitsFor={t('soon.parcels')} apiReady={false} />
      ) : (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <Parcels parcelId={route.parcel} />
        </Suspense>
      );
    default:
      return <AtRisk />;
  }
}

/** A screen that throws shows a message and the rest of the dashboard keeps working. */
class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <ScreenFailed /> : this.props.children;
  }
}

function ScreenFailed() {
  const { t } = useI18n();
  return (
    <p className="error" role="alert">
      {t('error.screen')}
    </p>
  );
}
