/**
 * The catalogue (issue 17): warehouses, seller SKUs with size, weight, barcode and customs, the shop's marketplace
 * SKU pairing (bundles too), and stock counts with their reasons — each with a form, and the SKUs and stock also as
 * an XLSX template to download, fill and upload (refused whole, naming each row and field). `#/catalogue/<part>`
 * opens the screen at that part (the checklist's links).
 */
import { useAuth } from '../auth';
import { useData } from '../data';
import { useSectionInView } from '../hooks';
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
  return (
    <div className="screen catalogue">
      <div className="screen-title">
        <h1>{t('catalogue.title')}</h1>
      </div>
      <div className="catalogue-grid">
        <Warehouses writes={can('stock:write')} />
        <StockCounts writes={can('stock:write')} />
        <CatalogueSkus writes={can('settings:write')} />
        {shopId ? <Pairing key={shopId} shopId={shopId} writes={can('settings:write', shopId)} /> : null}
      </div>
    </div>
  );
}
