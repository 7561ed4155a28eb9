/**
 * What several screens share: the shops (with their policy choice) and the platform policies (their names,
 * time zones and warning thresholds). Loaded once, refreshed after a settings change.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, type Policy, type Shop } from './api';
import { useAuth } from './auth';
import { DEFAULT_WARNING_HOURS } from './format';
import { useStored } from './hooks';

interface SharedData {
  shops: Shop[];
  policies: Policy[];
  /** The newest version of each policy, by id. */
  latestPolicy: Map<string, Policy>;
  /** The shop the single-shop screens (performance, settings) show. */
  shopId: string;
  setShopId: (id: string) => void;
  reloadShops: () => Promise<void>;
  /** The time zone of the shop's platform policy: shown beside deadlines. */
  zoneOfShop: (shopId: string) => string | undefined;
  warningHoursOfShop: (shopId: string) => readonly number[];
  loaded: boolean;
}

const DataContext = createContext<SharedData | undefined>(undefined);

export function DataProvider({ children }: { children: ReactNode }) {
  const [shops, setShops] = useState<Shop[]>([]);
  const [policies, setPolicies] = useState<Policy[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [storedShop, setShopId] = useStored('shipby.shop', '');
  // Only what the session reaches: the shops it holds a role in, and the policies when its roles read settings
  // (a packer's would be refused).
  const { session, can } = useAuth();
  const readsPolicies = can('settings:read');
  const sessionShops = session?.shops;

  const reloadShops = useCallback(async () => {
    const answer = await api<{ items: Shop[] }>('/shops');
    setShops(answer.items.filter((shop) => !sessionShops || sessionShops.some((s) => s.id === shop.id)));
  }, [sessionShops]);

  // The shops and policies, read together; the screens showing one shop wait for them (`loaded`).
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const [shopAnswer, policyAnswer] = await Promise.all([
        api<{ items: Shop[] }>('/shops').catch(() => ({ items: [] as Shop[] })),
        readsPolicies ? api<Policy[]>('/policies').catch(() => [] as Policy[]) : Promise.resolve([] as Policy[]),
      ]);
      if (cancelled) return;
      setShops(shopAnswer.items.filter((shop) => !sessionShops || sessionShops.some((s) => s.id === shop.id)));
      setPolicies(policyAnswer);
      setLoaded(true);
    };
    void load();
    return () => {
      cancelled = true;
    };
  }, [readsPolicies, sessionShops]);

  const value = useMemo<SharedData>(() => {
    const latestPolicy = new Map<string, Policy>();
    for (const p of policies) if ((latestPolicy.get(p.id)?.version ?? -1) < p.version) latestPolicy.set(p.id, p);
    const policyOf = (shopId: string) => {
      const shop = shops.find((s) => s.id === shopId);
      return shop ? latestPolicy.get(shop.policy.policy_id) : undefined;
    };
    const shopId = shops.some((s) => s.id === storedShop) ? storedShop : (shops[0]?.id ?? '');
    return {
      shops,
      policies,
      latestPolicy,
      shopId,
      setShopId,
      reloadShops,
      zoneOfShop: (id) => policyOf(id)?.zone,
      warningHoursOfShop: (id) => policyOf(id)?.warningHoursBefore ?? DEFAULT_WARNING_HOURS,
      loaded,
    };
  }, [shops, policies, storedShop, setShopId, reloadShops, loaded]);
  return <DataContext.Provider value={value}>{children}</DataContext.Provider>;
}

export function useData(): SharedData {
  const value = useContext(DataContext);
  if (!value) throw new Error('useData outside DataProvider');
  return value;
}
