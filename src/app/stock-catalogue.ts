/**
 * The stock catalogue's use cases (split from stock.ts along its own section): warehouses, seller SKUs and the
 * marketplace-SKU mapping with bundles. Each checks its input whole and opens one transaction.
 */
import { localized } from '../core/i18n';
import { isCutoffTime, nextCutoffAt, WAREHOUSE_KINDS } from '../core/inventory';
import { fieldIssue, type ImportIssue } from '../core/order-input';
import { isValidTimeZone } from '../core/time';
import * as orderStore from '../store/orders';
import * as stock from '../store/stock';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:\-/]{0,63}$/;

export interface WarehouseInput {
  id: string;
  name?: string;
  kind: string;
  country?: string | null;
  timeZone: string;
  cutoffTime: string;
}

export async function defineWarehouse(ctx: AppContext, input: WarehouseInput): Promise<void> {
  const issues: ImportIssue[] = [];
  if (!ID.test(input.id))
    issues.push(
      fieldIssue(
        'id',
        `warehouse id "${input.id}" must be 1–64 letters, digits or . _ : - /.`,
        `仓库编号「${input.id}」须为 1–64 个字母、数字或 . _ : - /。`,
      ),
    );
  if (!(WAREHOUSE_KINDS as readonly string[]).includes(input.kind))
    issues.push(
      fieldIssue(
        'kind',
        `kind must be ${WAREHOUSE_KINDS.join(' or ')}.`,
        `类型必须是 ${WAREHOUSE_KINDS.join(' 或 ')}。`,
      ),
    );
  if (!isValidTimeZone(input.timeZone))
    issues.push(
      fieldIssue(
        'time_zone',
        `"${input.timeZone}" is not an IANA time zone (e.g. Asia/Shanghai).`,
        `「${input.timeZone}」不是 IANA 时区（例如 Asia/Shanghai）。`,
      ),
    );
  if (!isCutoffTime(input.cutoffTime))
    issues.push(
      fieldIssue(
        'cutoff',
        `cut-off "${input.cutoffTime}" must be HH:MM (24 h).`,
        `截单时间「${input.cutoffTime}」须为 HH:MM（24 小时制）。`,
      ),
    );
  const country = input.country?.trim().toUpperCase() || null;
  if (country !== null && !/^[A-Z]{2}$/.test(country))
    issues.push(
      fieldIssue(
        'country',
        `country "${country}" must be ISO 3166 alpha-2.`,
        `国家「${country}」须为 ISO 3166 两位代码。`,
      ),
    );
  if (issues.length) throw new ValidationError(issues);
  await ctx.store.db.transaction().execute((trx) =>
    stock.upsertWarehouse(
      trx,
      {
        id: input.id,
        name: input.name?.trim() || input.id,
        kind: input.kind,
        country,
        time_zone: input.timeZone,
        cutoff_time: input.cutoffTime,
      },
      ctx.now(),
    ),
  );
}

export async function listWarehouses(ctx: AppContext) {
  const now = ctx.now();
  return (await stock.listWarehouses(ctx.store.db)).map((w) => ({
    ...w,
    next_cutoff_at: nextCutoffAt(now, w.time_zone, w.cutoff_time),
  }));
}

export interface SkuInput {
  sku: string;
  name?: string;
  productId?: string | null;
  productName?: string;
  leadDays?: number;
  safetyDays?: number;
  cycleDays?: number;
}

export const SKU_DEFAULTS = { leadDays: 7, safetyDays: 3, cycleDays: 14 };

/** Creates or updates a seller SKU (and its product); unspecified planning days keep their value. */
export async function defineSku(ctx: AppContext, input: SkuInput): Promise<void> {
  const issues: ImportIssue[] = [];
  if (!ID.test(input.sku))
    issues.push(
      fieldIssue(
        'sku',
        `SKU "${input.sku}" must be 1–64 letters, digits or . _ : - /.`,
        `SKU「${input.sku}」须为 1–64 个字母、数字或 . _ : - /。`,
      ),
    );
  if (input.productId && !ID.test(input.productId))
    issues.push(
      fieldIssue(
        'product',
        `product id "${input.productId}" must be 1–64 letters, digits or . _ : - /.`,
        `商品编号「${input.productId}」格式无效。`,
      ),
    );
  for (const [field, value] of [
    ['lead_days', input.leadDays],
    ['safety_days', input.safetyDays],
    ['cycle_days', input.cycleDays],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 365))
      issues.push(
        fieldIssue(field, `${field} must be a whole number of days from 0 to 365.`, `${field} 须为 0–365 的整数天数。`),
      );
  }
  if (issues.length) throw new ValidationError(issues);
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const existing = (await stock.getSkus(trx, [input.sku]))[0];
    if (input.productId)
      await stock.upsertProduct(trx, { id: input.productId, name: input.productName?.trim() || input.productId }, now);
    await stock.upsertSku(
      trx,
      {
        sku: input.sku,
        product_id: input.productId ?? existing?.product_id ?? null,
        name: input.name?.trim() || existing?.name || input.sku,
        lead_days: input.leadDays ?? existing?.lead_days ?? SKU_DEFAULTS.leadDays,
        safety_days: input.safetyDays ?? existing?.safety_days ?? SKU_DEFAULTS.safetyDays,
        cycle_days: input.cycleDays ?? existing?.cycle_days ?? SKU_DEFAULTS.cycleDays,
      },
      now,
    );
  });
}

export async function listSkus(ctx: AppContext) {
  return stock.getSkus(ctx.store.db);
}

/**
 * Maps a shop's marketplace SKU to seller SKUs: one component is a plain mapping (or a multipack with
 * units > 1), several make a bundle. An empty list removes the mapping. Without any mapping, a marketplace
 * SKU that is also a seller SKU means itself.
 */
export async function mapPlatformSku(
  ctx: AppContext,
  shopId: string,
  platformSku: string,
  components: Array<{ sku: string; units: number }>,
): Promise<void> {
  const issues: ImportIssue[] = [];
  if (!platformSku.trim()) issues.push(fieldIssue('platform_sku', 'the marketplace SKU is empty.', '平台 SKU 为空。'));
  const seen = new Set<string>();
  for (const c of components) {
    if (!(Number.isInteger(c.units) && c.units >= 1 && c.units <= 10_000))
      issues.push(
        fieldIssue(
          'units',
          `${c.sku}: units must be a whole number from 1 to 10000.`,
          `${c.sku}：件数须为 1–10000 的整数。`,
        ),
      );
    if (seen.has(c.sku))
      issues.push(
        fieldIssue(
          'sku',
          `${c.sku} is listed twice; give its units once.`,
          `${c.sku} 重复出现；请只写一次并注明件数。`,
        ),
      );
    seen.add(c.sku);
  }
  const known = await stock.existingSkus(
    ctx.store.db,
    components.map((c) => c.sku),
  );
  for (const c of components)
    if (!known.has(c.sku))
      issues.push(
        fieldIssue(
          'sku',
          `${c.sku} is not a seller SKU; add it first under Catalogue → SKUs.`,
          `${c.sku} 不是卖家 SKU；请先在「目录 → SKU」中添加。`,
        ),
      );
  if (issues.length) throw new ValidationError(issues);
  await ctx.store.db.transaction().execute(async (trx) => {
    const shop = await orderStore.findShop(trx, shopId);
    if (!shop) throw new NotFoundError(localized(`shop ${shopId} not found.`, `未找到店铺 ${shopId}。`));
    await stock.replaceMapping(trx, shopId, platformSku.trim(), components);
  });
}

export async function listMappings(ctx: AppContext, shopId?: string) {
  return stock.listMappings(ctx.store.db, shopId);
}
