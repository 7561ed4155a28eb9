/**
 * The catalogue (issue 17): warehouses, seller SKUs with size, weight, barcode and customs, the shop's marketplace
 * SKU pairing (bundles too), and stock counts with their reasons — each with a form, and the SKUs and stock also as
 * an XLSX template to download, fill and upload (refused whole, naming each row and field). `#/catalogue/<part>`
 * opens the screen at that part (the checklist's links).
 */
import { useState } from 'react';
import { api, type CatalogueSku, type Warehouse } from '../api';
import { useAuth } from '../auth';
import { useData } from '../data';
import { usePoll, useSectionInView } from '../hooks';
import { setupChanged } from '../SetupBanner';
import { useI18n } from '../i18n';
import { CatalogueSkus } from './catalogue/Skus';
import { Pairing } from './catalogue/Pairing';
import { StockCounts } from './catalogue/Counts';
import { Warehouses } from './catalogue/Warehouses';

export function Catalogue({ section }: { section?: string | undefined }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { shopId, loaded } = useData();
  useSectionInView('catalogue', section, loaded);
  // A warehouse or SKU saved in one card is there to count in the other at once.
  const [version, setVersion] = useState(0);
  // The warehouses and the SKUs, read once for their cards and the counts' form (not once per card), both at once.
  const warehouses = usePoll((signal) => api<{ items: Warehouse[] }>('/warehouses', { signal }), [], 300_000, {
    live: false,
  });
  const skus = usePoll((signal) => api<{ items: CatalogueSku[] }>('/catalogue/skus', { signal }), [], 300_000, {
    live: false,
  });
  const changed = () => {
    setVersion((v) => v + 1);
    setupChanged();
  };
  return (
    <div className="screen catalogue">
      <div className="screen-title">
        <h1>{t('catalogue.title')}</h1>
      </div>
      <div className="catalogue-grid">
        <Warehouses list={warehouses} writes={can('stock:write')} onChanged={changed} />
        <StockCounts
          writes={can('stock:write')}
          warehouses={warehouses.data?.items}
          skus={skus.data?.items}
          catalogueVersion={version}
          onChanged={setupChanged}
        />
        <CatalogueSkus list={skus} writes={can('settings:write')} onChanged={changed} />
        {shopId ? <Pairing key={shopId} shopId={shopId} writes={can('settings:write', shopId)} /> : null}
      </div>
    </div>
  );
}
