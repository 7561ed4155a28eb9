/**
 * The catalogue (issue 17): warehouses, seller SKUs with size, weight, barcode and customs, the shop's marketplace
 * SKU pairing (bundles too), and stock counts with their reasons — each with a form, and the SKUs and stock also as
 * an XLSX template to download, fill and upload (refused whole, naming each row and field). `#/catalogue/<part>`
 * opens the screen at that part (the checklist's links).
 */
import { useState } from 'react';
import { useAuth } from '../auth';
import { useData } from '../data';
import { useSectionInView } from '../hooks';
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
        <Warehouses writes={can('stock:write')} onChanged={changed} />
        <StockCounts writes={can('stock:write')} catalogueVersion={version} onChanged={setupChanged} />
        <CatalogueSkus writes={can('settings:write')} onChanged={changed} />
        {shopId ? <Pairing key={shopId} shopId={shopId} writes={can('settings:write', shopId)} /> : null}
      </div>
    </div>
  );
}
