/**
 * The at-risk list's filters: shop, state, warehouse, carrier, country and the deadline window (useAtRiskOrders.ts
 * keeps them); the toolbar holds them beside the bulk actions.
 */
import { FilterSelect, ShopSelect } from '../../components';
import { useI18n } from '../../i18n';
import { OPEN_STATES, type useAtRiskOrders } from './useAtRiskOrders';

const WINDOWS = ['6h', '24h', '48h', '7d', '30d', '365d'] as const;

type Orders = ReturnType<typeof useAtRiskOrders>;

export function AtRiskFilters({ filters, choices }: Pick<Orders, 'filters' | 'choices'>) {
  const { t, term } = useI18n();
  return (
    <>
      <label>
        {t('filter.shop')}
        <ShopSelect value={filters.shop} onChange={filters.setShop} allowAll />
      </label>
      <label>
        {t('filter.state')}
        <FilterSelect
          name="state"
          value={filters.state}
          onChange={filters.setState}
          allLabel={t('filter.allOpen')}
          choices={OPEN_STATES}
          label={(s) => term('state', s)}
        />
      </label>
      <label title={t('filter.warehouseHint')}>
        {t('filter.warehouse')}
        <FilterSelect
          name="warehouse"
          value={filters.warehouse}
          onChange={filters.setWarehouse}
          allLabel={t('filter.allWarehouses')}
          choices={choices.warehouses}
        />
      </label>
      <label title={t('filter.carrierHint')}>
        {t('filter.carrier')}
        <FilterSelect
          name="carrier"
          value={filters.carrier}
          onChange={filters.setCarrier}
          allLabel={t('filter.allCarriers')}
          choices={choices.carriers}
        />
      </label>
      <label>
        {t('filter.country')}
        <FilterSelect
          name="country"
          value={filters.country}
          onChange={filters.setCountry}
          allLabel={t('filter.allCountries')}
          choices={choices.countries}
        />
      </label>
      <label>
        {t('filter.dueWithin')}
        <select value={filters.window} onChange={(e) => filters.setWindow(e.target.value)} name="window">
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              {t(`window.${w}`)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
