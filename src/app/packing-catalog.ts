/**
 * What packing needs to know, set by the seller: the shop's boxes (inner size, max gross weight, tare, cost), each
 * seller SKU's size, weight and item barcode, the shop's sender address (printed on labels), and buyers' notes
 * (printed on packing slips). Each call validates everything first and writes in one transaction.
 */
import { localized } from '../core/i18n';
import { BATTERY_KINDS } from '../core/carrier/types';
import { isCurrency } from '../core/money';
import type { ImportIssue } from '../core/order-input';
import * as orderStore from '../store/orders';
import * as packing from '../store/packing';
import type { BoxRow, ShopSenderRow, SkuDimensionsRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';

const CODE = /^[A-Za-z0-9][A-Za-z0-9._:\-/]{0,63}$/;
const MAX_MM = 3_000;
const MAX_G = 1_000_000;

function issue(field: string, en: string, zh: string, row = 0): ImportIssue {
  return { row, field, message: localized(en, zh) };
}

function checkDims(field: string, dims: readonly number[] | undefined, issues: ImportIssue[], row = 0): void {
  if (!dims || dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d > 0 && d <= MAX_MM)) {
    issues.push(
      issue(
        field,
        `${field} must be three whole millimetres from 1 to ${MAX_MM} (length, width, height).`,
        `${field} 须为 3 个 1–${MAX_MM} 的整数毫米值（长、宽、高）。`,
        row,
      ),
    );
  }
}

function checkGrams(
  field: string,
  value: number | undefined,
  issues: ImportIssue[],
  allowZero: boolean,
  row = 0,
): void {
  if (value === undefined || !Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > MAX_G) {
    issues.push(
      issue(
        field,
        `${field} must be whole grams from ${allowZero ? 0 : 1} to ${MAX_G}.`,
        `${field} 须为 ${allowZero ? 0 : 1}–${MAX_G} 的整数克。`,
        row,
      ),
    );
  }
}

async function requireShop(ctx: AppContext, shopId: string): Promise<void> {
  if (!(await orderStore.findShop(ctx.store.db, shopId)))
    throw new NotFoundError(localized(`shop ${shopId} not found.`, `未找到店铺 ${shopId}。`));
}

export interface BoxInput {
  code: string;
  innerMm: [number, number, number];
  outerMm?: [number, number, number] | null;
  maxWeightG: number;
  tareG: number;
  /** Minor units of `currency`. */
  cost: number;
  currency: string;
  active?: boolean;
}

export async function defineBox(ctx: AppContext, shopId: string, input: BoxInput): Promise<BoxRow> {
  const issues: ImportIssue[] = [];
  if (!CODE.test(input.code))
    issues.push(
      issue(
        'code',
        `box code "${input.code}" must be 1–64 letters, digits or . _ : - /.`,
        `箱子编号「${input.code}」须为 1–64 个字母、数字或 . _ : - /。`,
      ),
    );
  checkDims('inner_mm', input.innerMm, issues);
  if (input.outerMm) {
    checkDims('outer_mm', input.outerMm, issues);
    const inner = [...input.innerMm].sort((a, b) => a - b);
    const outer = [...input.outerMm].sort((a, b) => a - b);
    if (!issues.length && outer.some((o, i) => o < inner[i]!))
      issues.push(issue('outer_mm', 'the outer size cannot be smaller than the inner size.', '外尺寸不能小于内尺寸。'));
  }
  checkGrams('max_weight_g', input.maxWeightG, issues, false);
  checkGrams('tare_g', input.tareG, issues, true);
  if (!issues.length && input.tareG >= input.maxWeightG)
    issues.push(issue('tare_g', 'the tare must be below the maximum gross weight.', '箱子自重必须小于最大毛重。'));
  if (!Number.isSafeInteger(input.cost) || input.cost < 0)
    issues.push(
      issue(
        'cost',
        'cost must be whole minor units (e.g. 150 = 1.50).',
        '成本须为整数最小货币单位（例如 150 = 1.50）。',
      ),
    );
  if (!isCurrency(input.currency))
    issues.push(
      issue(
        'currency',
        `"${input.currency}" is not an ISO 4217 currency.`,
        `「${input.currency}」不是 ISO 4217 币种。`,
      ),
    );
  if (issues.length) throw new ValidationError(issues);
  await requireShop(ctx, shopId);
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const others = (await packing.listBoxes(trx, shopId)).filter((b) => b.code !== input.code);
    if (others.length && others[0]!.currency !== input.currency) {
      throw new ValidationError([
        issue(
          'currency',
          `the shop's boxes are priced in ${others[0]!.currency}: one catalogue, one currency, so costs compare.`,
          `该店铺的箱子以 ${others[0]!.currency} 计价：同一目录须使用同一币种，成本才能比较。`,
        ),
      ]);
    }
    const row: BoxRow = {
      shop_id: shopId,
      code: input.code,
      inner_length_mm: input.innerMm[0],
      inner_width_mm: input.innerMm[1],
      inner_height_mm: input.innerMm[2],
      outer_length_mm: input.outerMm?.[0] ?? null,
      outer_width_mm: input.outerMm?.[1] ?? null,
      outer_height_mm: input.outerMm?.[2] ?? null,
      max_weight_g: input.maxWeightG,
      tare_g: input.tareG,
      cost: input.cost,
      currency: input.currency,
      active: input.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await packing.upsertBox(trx, row);
    return row;
  });
}

export async function listBoxes(ctx: AppContext, shopId: string): Promise<BoxRow[]> {
  return packing.listBoxes(ctx.store.db, shopId);
}

export function presentBox(b: BoxRow) {
  return {
    code: b.code,
    inner_mm: [b.inner_length_mm, b.inner_width_mm, b.inner_height_mm],
    outer_mm: b.outer_length_mm !== null ? [b.outer_length_mm, b.outer_width_mm, b.outer_height_mm] : null,
    max_weight_g: b.max_weight_g,
    tare_g: b.tare_g,
    cost: { amount: b.cost, currency: b.currency },
    active: b.active === 1,
  };
}

export interface SkuDimensionsInput {
  sku: string;
  dimsMm: [number, number, number];
  weightG: number;
  barcode?: string | null;
  batteries?: string;
  liquids?: boolean;
}

/** Sets sizes and weights of seller SKUs, all or none; rows are numbered from 1 in the order given. */
export async function setSkuDimensions(ctx: AppContext, inputs: SkuDimensionsInput[]): Promise<number> {
  const issues: ImportIssue[] = [];
  const barcodes = new Map<string, string>();
  inputs.forEach((input, i) => {
    const row = i + 1;
    if (!CODE.test(input.sku))
      issues.push(
        issue(
          'sku',
          `SKU "${input.sku}" must be 1–64 letters, digits or . _ : - /.`,
          `SKU「${input.sku}」须为 1–64 个字母、数字或 . _ : - /。`,
          row,
        ),
      );
    checkDims('dims_mm', input.dimsMm, issues, row);
    checkGrams('weight_g', input.weightG, issues, false, row);
    if (input.batteries !== undefined && !(BATTERY_KINDS as readonly string[]).includes(input.batteries)) {
      issues.push(
        issue(
          'batteries',
          `batteries must be ${BATTERY_KINDS.join(', ')}.`,
          `batteries 须为 ${BATTERY_KINDS.join('、')}。`,
          row,
        ),
      );
    }
    const barcode = input.barcode?.trim();
    if (barcode) {
      if (!/^[\x21-\x7e]{1,64}$/.test(barcode))
        issues.push(
          issue('barcode', 'a barcode is 1–64 printable ASCII characters.', '条码须为 1–64 个可打印 ASCII 字符。', row),
        );
      const other = barcodes.get(barcode);
      if (other && other !== input.sku)
        issues.push(
          issue(
            'barcode',
            `barcode ${barcode} is given to ${other} and ${input.sku}: one barcode, one SKU.`,
            `条码 ${barcode} 同时给了 ${other} 和 ${input.sku}：一个条码只能对应一个 SKU。`,
            row,
          ),
        );
      barcodes.set(barcode, input.sku);
    }
  });
  if (issues.length) throw new ValidationError(issues);
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    // A barcode already on another SKU would make a scan ambiguous.
    // No barcode given: nothing to clash with (a NUL placeholder is refused by PostgreSQL's UTF-8 text).
    const existing = barcodes.size
      ? await trx
          .selectFrom('sku_dimensions')
          .select(['sku', 'barcode'])
          .where('barcode', 'in', [...barcodes.keys()])
          .execute()
      : [];
    const clashes = existing.filter((e) => {
      if (barcodes.get(e.barcode!) === e.sku) return false;
      // Fine when the same request moves that SKU to another barcode.
      const moved = inputs.find((i) => i.sku === e.sku);
      return !(moved && (moved.barcode?.trim() || null) !== e.barcode);
    });
    if (clashes.length) {
      throw new ValidationError(
        clashes.map((c) =>
          issue(
            'barcode',
            `barcode ${c.barcode} already belongs to ${c.sku}.`,
            `条码 ${c.barcode} 已属于 ${c.sku}。`,
            inputs.findIndex((i) => i.barcode?.trim() === c.barcode) + 1,
          ),
        ),
      );
    }
    await packing.upsertSkuDimensions(
      trx,
      inputs.map((input) => ({
        sku: input.sku,
        length_mm: input.dimsMm[0],
        width_mm: input.dimsMm[1],
        height_mm: input.dimsMm[2],
        weight_g: input.weightG,
        barcode: input.barcode?.trim() || null,
        batteries: input.batteries ?? 'none',
        liquids: input.liquids ? 1 : 0,
        updated_at: now,
      })),
    );
  });
  return inputs.length;
}

export async function listSkuDimensions(ctx: AppContext, skus?: string[]): Promise<SkuDimensionsRow[]> {
  return packing.getSkuDimensions(ctx.store.db, skus);
}

export function presentSkuDimensions(s: SkuDimensionsRow) {
  return {
    sku: s.sku,
    dims_mm: [s.length_mm, s.width_mm, s.height_mm],
    weight_g: s.weight_g,
    barcode: s.barcode,
    batteries: s.batteries,
    liquids: s.liquids === 1,
  };
}

export interface SenderInput {
  name: string;
  addressLine1: string;
  addressLine2?: string | null;
  city: string;
  postcode?: string | null;
  country: string;
  phone?: string | null;
}

export async function setSender(ctx: AppContext, shopId: string, input: SenderInput): Promise<ShopSenderRow> {
  const issues: ImportIssue[] = [];
  for (const [field, value] of [
    ['name', input.name],
    ['address_line1', input.addressLine1],
    ['city', input.city],
  ] as const) {
    if (!value?.trim() || value.length > 200)
      issues.push(
        issue(field, `${field} is required (at most 200 characters).`, `${field} 为必填项（最多 200 个字符）。`),
      );
  }
  const country = input.country?.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country ?? ''))
    issues.push(
      issue('country', 'country must be ISO 3166-1 alpha-2 (e.g. CN).', '国家须为 ISO 3166-1 两位代码（例如 CN）。'),
    );
  if (issues.length) throw new ValidationError(issues);
  await requireShop(ctx, shopId);
  const row: ShopSenderRow = {
    shop_id: shopId,
    name: input.name.trim(),
    address_line1: input.addressLine1.trim(),
    address_line2: input.addressLine2?.trim() || null,
    city: input.city.trim(),
    postcode: input.postcode?.trim() || null,
    country: country!,
    phone: input.phone?.trim() || null,
    updated_at: ctx.now(),
  };
  await ctx.store.db.transaction().execute((trx) => packing.upsertSender(trx, row));
  return row;
}

export async function getSender(ctx: AppContext, shopId: string): Promise<ShopSenderRow | undefined> {
  await requireShop(ctx, shopId);
  return packing.getSender(ctx.store.db, shopId);
}

export function presentSender(row: ShopSenderRow) {
  return {
    shop_id: row.shop_id,
    name: row.name,
    address_line1: row.address_line1,
    address_line2: row.address_line2,
    city: row.city,
    postcode: row.postcode,
    country: row.country,
    phone: row.phone,
  };
}

/** The buyer's note to the seller, printed on the packing slip; an empty note removes it. */
export async function setBuyerNote(ctx: AppContext, orderId: number, note: string): Promise<void> {
  if (note.length > 2_000)
    throw new ValidationError([issue('note', 'a note is at most 2000 characters.', '备注最多 2000 个字符。')]);
  const order = await orderStore.getOrder(ctx.store.db, undefined, orderId);
  if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  await ctx.store.db.transaction().execute((trx) => packing.setBuyerNote(trx, orderId, note.trim(), ctx.now()));
}
