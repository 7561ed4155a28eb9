/**
 * The catalogue as the dashboard edits it (issue 17): one seller SKU whole (name, size, weight, barcode, customs),
 * the account's warehouses, and the account owner's first shop for file imports. Each writes through the existing
 * use cases (stock.ts defineSku / defineWarehouse, packing-catalog.ts setSkuDimensions) and checks everything before
 * the first write, so a refusal names its field and stores nothing.
 */
import { localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import { checkBin } from '../core/bin-location';
import { checkSkuCustoms, normaliseHsCode, type SkuCustoms } from '../core/sku-customs';
import * as packing from '../store/packing';
import * as stock from '../store/stock';
import { addShop, assignWarehouse } from './accounts';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { setSkuDimensions, type SkuDimensionsInput } from './packing-catalog';
import { defineWarehouse, SKU_DEFAULTS, type WarehouseInput } from './stock';

export interface CatalogueSkuInput extends SkuDimensionsInput {
  name?: string;
  customs: SkuCustoms;
  /** Its bin location (normalised, null: none); undefined leaves the SKU's bin as it is. */
  bin?: string | null;
}

/** The customs fields as typed: blanks are "not set", the HS code without its dots, the currency upper-case. */
export function customsOf(input: {
  hs_code?: string | null;
  customs_description?: string | null;
  customs_value?: number | null;
  customs_currency?: string | null;
}): SkuCustoms {
  const text = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v.trim());
  const hs = text(input.hs_code);
  return {
    hsCode: hs === null ? null : normaliseHsCode(hs),
    description: text(input.customs_description),
    value: input.customs_value ?? null,
    currency: text(input.customs_currency)?.toUpperCase() ?? null,
  };
}

/**
 * Adds or changes seller SKUs with their size, weight, barcode and customs, all or none. Steps: check the customs;
 * set the sizes and weights (which checks them and the barcodes, all or nothing); then the SKU rows with their
 * customs in one transaction. Should that last write fail, the first is undone (the sizes they had before, or none).
 * `rows`: the file's row of each item, for the refusals (default: 1, 2, … in the order given).
 */
export async function saveCatalogueSkus(
  ctx: AppContext,
  items: CatalogueSkuInput[],
  rows: number[] = items.map((_, i) => i + 1),
): Promise<void> {
  const issues: ImportIssue[] = items.flatMap((item, i) => [
    ...checkSkuCustoms(item.customs, rows[i]),
    ...checkBin(item.bin ?? null, rows[i] ?? 0),
  ]);
  if (issues.length) throw new ValidationError(issues);
  const skus = items.map((i) => i.sku);
  const before = await packing.getSkuDimensions(ctx.store.db, skus);
  try {
    await setSkuDimensions(ctx, items);
  } catch (error) {
    // setSkuDimensions numbers the items from 1: name the file's rows instead.
    if (error instanceof ValidationError)
      throw new ValidationError(
        error.issues.map((i) => ({ ...i, row: i.row > 0 ? (rows[i.row - 1] ?? i.row) : i.row })),
      );
    throw error;
  }
  try {
    const now = ctx.now();
    await ctx.store.db.transaction().execute(async (trx) => {
      const existing = new Map((await stock.getSkus(trx, skus)).map((s) => [s.sku, s]));
      for (const item of items) {
        const had = existing.get(item.sku);
        await stock.upsertSku(
          trx,
          {
            sku: item.sku,
            product_id: had?.product_id ?? null,
            name: item.name?.trim() || had?.name || item.sku,
            lead_days: had?.lead_days ?? SKU_DEFAULTS.leadDays,
            safety_days: had?.safety_days ?? SKU_DEFAULTS.safetyDays,
            cycle_days: had?.cycle_days ?? SKU_DEFAULTS.cycleDays,
          },
          now,
        );
        await trx
          .updateTable('skus')
          .set({
            hs_code: item.customs.hsCode,
            customs_description: item.customs.description,
            customs_value: item.customs.value,
            customs_currency: item.customs.currency,
            ...(item.bin !== undefined ? { bin_location: item.bin } : {}),
          })
          .where('sku', '=', item.sku)
          .execute();
      }
    });
  } catch (error) {
    // Undo the size step: what the SKUs had before, or no size at all.
    const had = new Set(before.map((b) => b.sku));
    if (before.length) await packing.upsertSkuDimensions(ctx.store.db, before);
    const added = skus.filter((s) => !had.has(s));
    if (added.length) await ctx.store.db.deleteFrom('sku_dimensions').where('sku', 'in', added).execute();
    throw error;
  }
}

/** Every seller SKU with its size and customs (null where not set), by SKU. */
export async function listCatalogueSkus(ctx: AppContext) {
  const db = ctx.store.db;
  const [skus, sizes] = await Promise.all([stock.getSkus(db), packing.getSkuDimensions(db)]);
  const bySku = new Map(sizes.map((s) => [s.sku, s]));
  return skus.map((s) => {
    const d = bySku.get(s.sku);
    return {
      sku: s.sku,
      name: s.name,
      dims_mm: d ? [d.length_mm, d.width_mm, d.height_mm] : null,
      weight_g: d?.weight_g ?? null,
      barcode: d?.barcode ?? null,
      hs_code: s.hs_code,
      bin_location: s.bin_location,
      customs_description: s.customs_description,
      customs_value:
        s.customs_value === null ? null : { amount: Number(s.customs_value), currency: s.customs_currency },
    };
  });
}

/**
 * Adds or changes a warehouse of the caller's account. A warehouse of another account is not there for the caller
 * (404, as for one that does not exist); a new one belongs to the caller's account.
 */
export async function warehouseOfAnotherAccount(ctx: AppContext, accountId: string, id: string): Promise<boolean> {
  const existing = await ctx.store.db
    .selectFrom('warehouses')
    .select('account_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return existing !== undefined && existing.account_id !== accountId;
}

export const notYours = (id: string) =>
  new NotFoundError(localized(`There is no warehouse "${id}" in your account.`, `您的账户中没有仓库「${id}」。`));

export async function saveAccountWarehouse(ctx: AppContext, accountId: string, input: WarehouseInput): Promise<void> {
  const existing = await ctx.store.db
    .selectFrom('warehouses')
    .select(['id', 'account_id'])
    .where('id', '=', input.id)
    .executeTakeFirst();
  if (existing && existing.account_id !== accountId) throw notYours(input.id);
  await defineWarehouse(ctx, input);
  if (!existing) await assignWarehouse(ctx, input.id, accountId);
}

/** The account owner's shop for order files ("no API, I import files"): the orders imported later go into it. */
export async function addFileShop(
  ctx: AppContext,
  accountId: string,
  input: { id: string; name?: string },
): Promise<void> {
  try {
    await addShop(ctx, {
      id: input.id.trim(),
      accountId,
      ...(input.name?.trim() ? { name: input.name.trim() } : {}),
      platform: 'aliexpress',
    });
  } catch (error) {
    // Shop codes are unique across the installation: a taken one is refused without saying whose it is.
    if (error instanceof ConflictError)
      throw new ConflictError(
        'shop_exists',
        localized(
          `The shop code ${input.id.trim()} is taken: choose another.`,
          `店铺代码 ${input.id.trim()} 已被使用：请换一个。`,
        ),
      );
    throw error;
  }
}
