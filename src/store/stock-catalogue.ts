/**
 * The stock catalogue's persistence: warehouses, products, seller SKUs and the marketplace-SKU mapping (a bundle is
 * several components). Every function takes the transaction it runs in (only the app layer opens them).
 */
import { chunks, IN_CHUNK } from './statement-chunks';
import type { Executor } from './stock';

export async function catalogIsEmpty(db: Executor): Promise<boolean> {
  return (await db.selectFrom('skus').select('sku').limit(1).executeTakeFirst()) === undefined;
}

export async function upsertWarehouse(
  db: Executor,
  w: { id: string; name: string; kind: string; country: string | null; time_zone: string; cutoff_time: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('warehouses')
    .values({ ...w, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        name: w.name,
        kind: w.kind,
        country: w.country,
        time_zone: w.time_zone,
        cutoff_time: w.cutoff_time,
        updated_at: now,
      }),
    )
    .execute();
}

export async function listWarehouses(db: Executor) {
  return db.selectFrom('warehouses').selectAll().orderBy('id').execute();
}

export async function upsertProduct(db: Executor, p: { id: string; name: string }, now: number): Promise<void> {
  await db
    .insertInto('products')
    .values({ ...p, created_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: p.name }))
    .execute();
}

export async function upsertSku(
  db: Executor,
  s: {
    sku: string;
    product_id: string | null;
    name: string;
    lead_days: number;
    safety_days: number;
    cycle_days: number;
  },
  now: number,
): Promise<void> {
  await db
    .insertInto('skus')
    .values({ ...s, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('sku').doUpdateSet({
        product_id: s.product_id,
        name: s.name,
        lead_days: s.lead_days,
        safety_days: s.safety_days,
        cycle_days: s.cycle_days,
        updated_at: now,
      }),
    )
    .execute();
}

export async function getSkus(db: Executor, skus?: readonly string[]) {
  if (skus && skus.length === 0) return [];
  let query = db.selectFrom('skus').selectAll();
  if (skus) query = query.where('sku', 'in', [...skus]);
  return query.orderBy('sku').execute();
}

export async function existingSkus(db: Executor, skus: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks([...new Set(skus)], IN_CHUNK)) {
    for (const r of await db.selectFrom('skus').select('sku').where('sku', 'in', part).execute()) found.add(r.sku);
  }
  return found;
}

export async function replaceMapping(
  db: Executor,
  shopId: string,
  platformSku: string,
  components: Array<{ sku: string; units: number }>,
): Promise<void> {
  await db.deleteFrom('sku_mappings').where('shop_id', '=', shopId).where('platform_sku', '=', platformSku).execute();
  if (components.length) {
    await db
      .insertInto('sku_mappings')
      .values(components.map((c) => ({ shop_id: shopId, platform_sku: platformSku, sku: c.sku, units: c.units })))
      .execute();
  }
}

export async function listMappings(db: Executor, shopId?: string) {
  let query = db.selectFrom('sku_mappings').selectAll();
  if (shopId) query = query.where('shop_id', '=', shopId);
  return query.orderBy('shop_id').orderBy('platform_sku').orderBy('sku').execute();
}
