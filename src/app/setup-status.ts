/**
 * The first-run checklist of one shop (or of an account with no shop yet): the facts read here, the verdict per
 * step decided by core/setup-checklist.ts. Read-only.
 */
import { setupChecklist, setupComplete, type SetupStepState } from '../core/setup-checklist';
import * as packing from '../store/packing';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import type { AppContext } from './context';

export interface SetupStatus {
  shopId: string | null;
  steps: SetupStepState[];
  complete: boolean;
}

/**
 * `shops`: the shops the caller sees (undefined: all); the checklist is for `shopId` or the first of them. The
 * tracking provider's step is there for the installation's owner only (`installationOwner`): no one else sets it.
 */
export async function setupStatus(
  ctx: AppContext,
  input: { shopId?: string; shops?: readonly string[]; warehouses?: readonly string[]; installationOwner?: boolean },
): Promise<SetupStatus> {
  const db = ctx.store.db;
  const visible = (await orderStore.listShops(db)).filter((s) => !input.shops || input.shops.includes(s.id));
  const shop = visible.find((s) => s.id === input.shopId) ?? (input.shopId === undefined ? visible[0] : undefined);
  const [warehouses, skus, sized, levels, accounts, providers] = await Promise.all([
    db.selectFrom('warehouses').select('id').execute(),
    db.selectFrom('skus').select('sku').execute(),
    packing.getSkuDimensions(db),
    db.selectFrom('stock_levels').select(['warehouse_id', 'sku']).where('on_hand', '>', 0).execute(),
    packing.listCarrierAccounts(db),
    input.installationOwner ? db.selectFrom('tracking_providers').select('name').execute() : null,
  ]);
  const ownWarehouses = warehouses.map((w) => w.id).filter((id) => !input.warehouses || input.warehouses.includes(id));
  const sizedSkus = new Set(sized.map((s) => s.sku));
  const shopFacts = shop
    ? {
        id: shop.id,
        connected: (await marketplace.getConnection(db, shop.id)) !== undefined,
        policyChosen: shop.policy_id !== null,
        hasSender: (await packing.getSender(db, shop.id)) !== undefined,
        activeBoxes: (await packing.listBoxes(db, shop.id, true)).length,
      }
    : null;
  const steps = setupChecklist({
    shop: shopFacts,
    warehouses: ownWarehouses.length,
    skus: skus.length,
    unsizedSkus: skus
      .map((s) => s.sku)
      .filter((s) => !sizedSkus.has(s))
      .sort(),
    stockedLevels: levels.filter((l) => ownWarehouses.includes(l.warehouse_id)).length,
    carrierAccounts: accounts.length,
    trackingProviders: providers?.length ?? null,
  });
  return { shopId: shop?.id ?? null, steps, complete: setupComplete(steps) };
}
