import { Component, lazy, Suspense, useEffect, type ReactNode } from 'react';
import { AuthProvider, useAuth } from './auth';
import { DataProvider, useData } from './data';
import { useRoute, type Route } from './hooks';
import { LanguageSwitch, Notices } from './components';
import { SetupBanner } from './SetupBanner';
import { I18nProvider, useI18n } from './i18n';
import { AtRisk } from './screens/AtRisk';
import { Order } from './screens/Order';
import { Settings } from './screens/Settings';
import { SignIn } from './screens/SignIn';
import { Stock } from './screens/Stock';

// The charting library loads only with the performance screen, so the first visit stays small.
const Performance = lazy(() => import('./screens/Performance').then((m) => ({ default: m.Performance })));
// The pack station and the parcels load with their screens too: the first visit carries what the seller opens first.
const PackStation = lazy(() => import('./screens/PackStation').then((m) => ({ default: m.PackStation })));
const Parcels = lazy(() => import('./screens/Parcels').then((m) => ({ default: m.Parcels })));
// The first run's screens load when opened: the checklist and the catalogue.
const Setup = lazy(() => import('./screens/Setup').then((m) => ({ default: m.Setup })));
const Catalogue = lazy(() => import('./screens/Catalogue').then((m) => ({ default: m.Catalogue })));
// Only owners open the access screen (users and the audit log).
const Access = lazy(() => import('./screens/Access').then((m) => ({ default: m.Access })));
// Settings → Tracking provider (#/settings/tracking): set once, by the installation's owner.
const TrackingProvider = lazy(() =>
  import('./screens/settings/TrackingProvider').then((m) => ({ default: m.TrackingProvider })),
);

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <Gate />
      </AuthProvider>
    </I18nProvider>
  );
}

/** The sign-in screen until GET /auth/session (or a sign-in) says who is there; then the dashboard for that session. */
function Gate() {
  const { t } = useI18n();
  const { state } = useAuth();
  if (state.status === 'checking') return <p className="empty">{t('live.loading')}</p>;
  if (state.status === 'signed-out') return <SignIn unreachable={state.unreachable} />;
  return (
    <DataProvider key={`${state.session.account_id}/${state.session.name}`}>
      <Shell />
    </DataProvider>
  );
}

type ScreenName = Route['screen'];
type NavLabel =
  | 'nav.atRisk'
  | 'nav.performance'
  | 'nav.settings'
  | 'nav.stock'
  | 'nav.catalogue'
  | 'nav.pack'
  | 'nav.parcels'
  | 'nav.access'
  | 'nav.setup';

const NAV: Array<{ screen: ScreenName; href: string; label: NavLabel }> = [
  { screen: 'at-risk', href: '#/', label: 'nav.atRisk' },
  { screen: 'stock', href: '#/stock', label: 'nav.stock' },
  { screen: 'catalogue', href: '#/catalogue', label: 'nav.catalogue' },
  { screen: 'pack', href: '#/pack', label: 'nav.pack' },
  { screen: 'parcels', href: '#/parcels', label: 'nav.parcels' },
  { screen: 'performance', href: '#/performance', label: 'nav.performance' },
  { screen: 'settings', href: '#/settings', label: 'nav.settings' },
  { screen: 'access', href: '#/access', label: 'nav.access' },
];

/**
 * Which screens the session's roles open. The seller's screens (orders, performance, settings) are for the roles
 * that read the settings (owner, manager, viewer); a packer gets the pack station and the parcels only.
 */
function useScreens(): { allowed: (screen: ScreenName) => boolean; inNav: (screen: ScreenName) => boolean } {
  const { can } = useAuth();
  const seller = can('settings:read');
  const allowed = (screen: ScreenName): boolean => {
    switch (screen) {
      case 'at-risk':
      case 'order':
      case 'performance':
        return seller && can('orders:read');
      case 'stock':
      case 'catalogue':
        return seller && can('stock:read');
      case 'setup':
        return seller;
      case 'pack':
        return can('pack');
      case 'parcels':
        return can('parcels:read');
      case 'settings':
        return true; // everyone's own password is there; the shop's settings only for those who read them
      case 'access':
        return can('owner'); // the users and the audit log: an owner in some shop
    }
  };
  // The checklist is not a menu entry: Settings links to it, and the banner while something is missing.
  return { allowed, inNav: (screen) => allowed(screen) && screen !== 'setup' && (screen !== 'settings' || seller) };
}

function Shell() {
  const { t, userZone } = useI18n();
  const { session, signOut } = useAuth();
  const asked = useRoute();
  const { allowed, inNav } = useScreens();
  // A screen the role does not open shows the first one it does (a packer at #/ gets the pack station).
  const fallback = NAV.find((item) => inNav(item.screen))?.screen ?? 'settings';
  const { shops, loaded } = useData();
  // An owner on an empty installation starts at the setup checklist: there is nothing else to see yet.
  const firstRun =
    loaded &&
    shops.length === 0 &&
    asked.screen === 'at-risk' &&
    window.location.hash.replace(/^#\/?/, '') === '' &&
    allowed('setup');
  useEffect(() => {
    // The address says where the owner is, so adding the first shop does not leave the checklist.
    if (firstRun) window.location.replace('#/setup');
  }, [firstRun]);
  const route: Route = firstRun
    ? { screen: 'setup' }
    : allowed(asked.screen)
      ? asked
      : fallback === 'parcels'
        ? { screen: 'parcels' }
        : ({ screen: fallback } as Route);
  const active = route.screen === 'order' ? 'at-risk' : route.screen;
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          shipby
        </a>
        <nav aria-label={t('nav.label')}>
          {NAV.filter((item) => inNav(item.screen)).map((item) => (
            <a
              key={item.screen}
              href={item.href}
              className={active === item.screen ? 'active' : ''}
              aria-current={active === item.screen ? 'page' : undefined}
            >
              {t(item.label)}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        <span className="zone" title={t('time.zoneHint')}>
          {t('time.yourZone', { zone: userZone })}
        </span>
        <LanguageSwitch />
        <div className="who">
          <a href="#/settings" title={t('auth.signedInAs', { name: session?.name ?? '' })} data-testid="signed-in-as">
            {session?.name}
          </a>
          <button type="button" onClick={() => void signOut()} data-testid="sign-out">
            {t('auth.signOut')}
          </button>
        </div>
      </header>
      <Notices />
      {route.screen !== 'setup' && allowed('setup') ? <SetupBanner /> : null}
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
  const { can } = useAuth();
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
      // The tracking provider is for the roles that read the settings; anyone else gets Settings (own password).
      return route.section === 'tracking' && can('settings:read') ? (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <TrackingProvider />
        </Suspense>
      ) : (
        <Settings section={route.section} subjects={route.subjects} />
      );
    case 'stock':
      return <Stock />;
    case 'pack':
      return (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <PackStation />
        </Suspense>
      );
    case 'parcels':
      return (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <Parcels parcelId={route.parcel} />
        </Suspense>
      );
    case 'access':
      return (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <Access />
        </Suspense>
      );
    case 'setup':
      return (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <Setup section={route.section} />
        </Suspense>
      );
    case 'catalogue':
      return (
        <Suspense fallback={<p className="empty">{t('live.loading')}</p>}>
          <Catalogue section={route.section} />
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
