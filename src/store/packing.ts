/**
 * Reads and writes of pack and ship (tables in schema-packing.ts): the catalogue, carrier contracts, parcel packages
 * and labels; the pack sessions and their scans are pack-sessions.ts. The app opens the transactions.
 */
import { sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { Executor } from './orders';
import type { ParcelsTable } from './schema';
import type {
  BoxesTable,
  BoxRow,
  CarrierAccountRow,
  CarrierServiceRow,
  ParcelLabelRow,
  ParcelPackageRow,
  ShopSenderRow,
  SkuDimensionsRow,
  SkuDimensionsTable,
} from './schema-packing';

/** A new parcel of an order, not yet packed: created, with no carrier, number, weight or milestone yet. */
export function newParcelRow(order: { id: number; shop_id: string }, now: number): Insertable<ParcelsTable> {
  return {
    order_id: order.id,
    shop_id: order.shop_id,
    status: 'created',
    carrier: null,
    service: null,
    tracking_number: null,
    weight_g: null,
    packed_at: null,
    labelled_at: null,
    handed_over_at: null,
    tracking_uploaded_at: null,
    first_scan_at: null,
    delivered_at: null,
    created_at: now,
    updated_at: now,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Catalogue: boxes, SKU sizes, senders, notes

export async function upsertBox(db: Executor, row: Insertable<BoxesTable>): Promise<void> {
  const { shop_id: _shop, code: _code, created_at: _created, ...changes } = row;
  await db
    .insertInto('boxes')
    .values(row)
    .onConflict((oc) => oc.columns(['shop_id', 'code']).doUpdateSet(changes))
    .execute();
}

export async function listBoxes(db: Executor, shopId: string, activeOnly = false): Promise<BoxRow[]> {
  let query = db.selectFrom('boxes').selectAll().where('shop_id', '=', shopId);
  if (activeOnly) query = query.where('active', '=', 1);
  return query.orderBy('cost').orderBy('code').execute();
}

export async function upsertSkuDimensions(db: Executor, rows: Array<Insertable<SkuDimensionsTable>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('sku_dimensions')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('sku').doUpdateSet((eb) => ({
          length_mm: eb.ref('excluded.length_mm'),
          width_mm: eb.ref('excluded.width_mm'),
          height_mm: eb.ref('excluded.height_mm'),
          weight_g: eb.ref('excluded.weight_g'),
          barcode: eb.ref('excluded.barcode'),
          batteries: eb.ref('excluded.batteries'),
          liquids: eb.ref('excluded.liquids'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function getSkuDimensions(db: Executor, skus?: readonly string[]): Promise<SkuDimensionsRow[]> {
  if (skus && skus.length === 0) return [];
  let query = db.selectFrom('sku_dimensions').selectAll();
  if (skus) query = query.where('sku', 'in', [...skus]);
  return query.orderBy('sku').execute();
}

/** The SKU a scanned code names: the SKU itself (case-insensitive) or an item barcode. */
export async function skuForCode(db: Executor, code: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sku_dimensions')
    .select('sku')
    .where((eb) => eb.or([eb('barcode', '=', code), eb(eb.fn('upper', ['sku']), '=', code.toUpperCase())]))
    .orderBy('sku')
    .executeTakeFirst();
  return row?.sku;
}

/** Whether the code is a seller SKU of the stock catalogue (known even without dimensions). */
export async function isCatalogueSku(db: Executor, code: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('skus')
    .select('sku')
    .where(sql<boolean>`upper(sku) = ${code.toUpperCase()}`)
    .executeTakeFirst();
  return row?.sku;
}

export async function upsertSender(db: Executor, row: ShopSenderRow): Promise<void> {
  const { shop_id: _shop, ...changes } = row;
  await db
    .insertInto('shop_senders')
    .values(row)
    .onConflict((oc) => oc.column('shop_id').doUpdateSet(changes))
    .execute();
}

export async function getSender(db: Executor, shopId: string): Promise<ShopSenderRow | undefined> {
  return db.selectFrom('shop_senders').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
}

export async function setBuyerNote(db: Executor, orderId: number, note: string, now: number): Promise<void> {
  if (!note) {
    await db.deleteFrom('order_notes').where('order_id', '=', orderId).execute();
    return;
  }
  await db
    .insertInto('order_notes')
    .values({ order_id: orderId, buyer_note: note, updated_at: now })
    .onConflict((oc) => oc.column('order_id').doUpdateSet({ buyer_note: note, updated_at: now }))
    .execute();
}

export async function getBuyerNotes(db: Executor, orderIds: readonly number[]): Promise<Map<number, string>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('order_notes')
    .select(['order_id', 'buyer_note'])
    .where('order_id', 'in', [...orderIds])
    .execute();
  return new Map(rows.map((r) => [r.order_id, r.buyer_note]));
}

/** The shop's mapping of marketplace SKUs to seller SKUs (bundles), for the given marketplace SKUs. */
export async function mappingsFor(
  db: Executor,
  shopId: string,
  platformSkus: readonly string[],
): Promise<Map<string, Array<{ sku: string; units: number }>>> {
  const map = new Map<string, Array<{ sku: string; units: number }>>();
  if (platformSkus.length === 0) return map;
  const rows = await db
    .selectFrom('sku_mappings')
    .select(['platform_sku', 'sku', 'units'])
    .where('shop_id', '=', shopId)
    .where('platform_sku', 'in', [...platformSkus])
    .orderBy('platform_sku')
    .orderBy('sku')
    .execute();
  for (const row of rows) {
    const list = map.get(row.platform_sku) ?? [];
    list.push({ sku: row.sku, units: row.units });
    map.set(row.platform_sku, list);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------------------
// Carrier contracts, rules, accounts

export async function listCarrierServices(db: Executor): Promise<CarrierServiceRow[]> {
  return db.selectFrom('carrier_services').selectAll().orderBy('code').execute();
}

export async function replaceCarrierServices(
  db: Executor,
  rows: CarrierServiceRow[],
  replaceAll: boolean,
): Promise<void> {
  if (replaceAll) await db.deleteFrom('carrier_services').execute();
  else if (rows.length)
    await db
      .deleteFrom('carrier_services')
      .where(
        'code',
        'in',
        rows.map((r) => r.code),
      )
      .execute();
  if (rows.length) await db.insertInto('carrier_services').values(rows).execute();
}

export async function listShippingRules(
  db: Executor,
): Promise<Array<{ position: number; rule_id: string; definition: string }>> {
  return db.selectFrom('shipping_rules').select(['position', 'rule_id', 'definition']).orderBy('position').execute();
}

export async function replaceShippingRules(
  db: Executor,
  rules: Array<{ rule_id: string; definition: string }>,
  now: number,
): Promise<void> {
  await db.deleteFrom('shipping_rules').execute();
  if (rules.length)
    await db
      .insertInto('shipping_rules')
      .values(rules.map((r, position) => ({ position, ...r, updated_at: now })))
      .execute();
}

export async function upsertCarrierAccount(db: Executor, row: CarrierAccountRow): Promise<void> {
  const { carrier: _carrier, created_at: _created, ...changes } = row;
  await db
    .insertInto('carrier_accounts')
    .values(row)
    .onConflict((oc) => oc.column('carrier').doUpdateSet(changes))
    .execute();
}

export async function listCarrierAccounts(db: Executor): Promise<CarrierAccountRow[]> {
  return db.selectFrom('carrier_accounts').selectAll().orderBy('carrier').execute();
}

// ---------------------------------------------------------------------------------------------------------
// Parcel packages

export async function packagesOfOrder(db: Executor, orderId: number): Promise<ParcelPackageRow[]> {
  return db.selectFrom('parcel_packages').selectAll().where('order_id', '=', orderId).orderBy('parcel_id').execute();
}

export async function packagesOf(db: Executor, parcelIds: readonly number[]): Promise<ParcelPackageRow[]> {
  if (parcelIds.length === 0) return [];
  return db
    .selectFrom('parcel_packages')
    .selectAll()
    .where('parcel_id', 'in', [...parcelIds])
    .orderBy('parcel_id')
    .execute();
}

export async function insertPackages(db: Executor, rows: ParcelPackageRow[]): Promise<void> {
  if (rows.length) await db.insertInto('parcel_packages').values(rows).execute();
}

export async function updatePackageWeight(
  db: Executor,
  parcelId: number,
  measuredG: number,
  status: string,
  note: string | null,
  now: number,
): Promise<void> {
  await db
    .updateTable('parcel_packages')
    .set({ measured_g: measuredG, weight_status: status, weight_note: note, updated_at: now })
    .where('parcel_id', '=', parcelId)
    .execute();
}

// ---------------------------------------------------------------------------------------------------------
// Labels

export async function insertLabel(db: Executor, row: Omit<ParcelLabelRow, 'id'>): Promise<number> {
  const inserted = await db.insertInto('parcel_labels').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function setLabelStatus(
  db: Executor,
  id: number,
  status: string,
  problem: string | null,
  now: number,
): Promise<void> {
  await db
    .updateTable('parcel_labels')
    .set({ status, problem, updated_at: now, ...(status === 'voided' ? { voided_at: now } : {}) })
    .where('id', '=', id)
    .execute();
}

/** Other orders' parcels and labels that carry these numbers (the re-use check). */
export async function numberUses(
  db: Executor,
  numbers: readonly string[],
): Promise<Array<{ tracking_number: string; order_id: number; platform_order_id: string; used_at: number }>> {
  if (numbers.length === 0) return [];
  const parcels = await db
    .selectFrom('parcels')
    .innerJoin('orders', 'orders.id', 'parcels.order_id')
    .select([
      'parcels.tracking_number',
      'parcels.order_id',
      'orders.platform_order_id',
      'parcels.updated_at as used_at',
    ])
    .where('parcels.tracking_number', 'in', [...numbers])
    .execute();
  const labels = await db
    .selectFrom('parcel_labels')
    .innerJoin('orders', 'orders.id', 'parcel_labels.order_id')
    .select([
      'parcel_labels.tracking_number',
      'parcel_labels.order_id',
      'orders.platform_order_id',
      'parcel_labels.created_at as used_at',
    ])
    .where('parcel_labels.tracking_number', 'in', [...numbers])
    .where('parcel_labels.status', '!=', 'voided')
    .execute();
  return [...parcels, ...labels].map((r) => ({
    tracking_number: r.tracking_number!,
    order_id: r.order_id,
    platform_order_id: r.platform_order_id,
    used_at: r.used_at,
  }));
}
