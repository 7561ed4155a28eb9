/**
 * Making the box plan: what is left to pack (the order's lines as seller SKUs, bundles expanded, less what its live
 * parcels hold) packed into the cheapest boxes of the shop's catalogue (core/packing.ts `chooseBoxes`), and the
 * parcels it makes (state `created`), each with what it holds and its expected gross weight (`parcel_packages`).
 * pack.ts answers with the plan; the scan session (pack-sessions.ts) makes sure there is one before it starts.
 */
import { chooseBoxes, type Box, type PackingResult } from '../core/packing';
import { missingSetting } from '../core/fix';
import { localized, type Localized } from '../core/i18n';
import { parcelMachine, type ParcelState } from '../core/order';
import type { ImportIssue } from '../core/order-input';
import { sellerUnits, subtractItems } from '../core/pack-station';
import { decide } from '../core/state-machine';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import * as packing from '../store/packing';
import * as packSessions from '../store/pack-sessions';
import type { NewOrderEventRow, OrderRow, ParcelRow } from '../store/schema';
import type { BoxRow, ParcelPackageRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { ConflictError, ValidationError } from './errors';
import { contentsOf } from './pack-order';
import { timelineEvent } from '../core/timeline';

function toBox(row: BoxRow): Box {
  return {
    code: row.code,
    innerMm: [row.inner_length_mm, row.inner_width_mm, row.inner_height_mm],
    ...(row.outer_length_mm !== null
      ? { outerMm: [row.outer_length_mm, row.outer_width_mm!, row.outer_height_mm!] as const }
      : {}),
    maxWeightG: row.max_weight_g,
    tareG: row.tare_g,
    cost: row.cost,
  };
}

/** Builds the plan for what is left to pack (ValidationError naming missing sizes or boxes; 409 when nothing fits). */
export async function choosePlan(
  trx: Executor,
  order: OrderRow,
  packages: ParcelPackageRow[],
  liveParcelIds: Set<number>,
): Promise<{ result: PackingResult; currency: string } | undefined> {
  const lines = await orderStore.getOrderLines(trx, order.id);
  const mappings = await packing.mappingsFor(
    trx,
    order.shop_id,
    lines.map((l) => l.sku),
  );
  const wanted = sellerUnits(lines, mappings);
  const taken = packages.filter((p) => liveParcelIds.has(p.parcel_id)).flatMap(contentsOf);
  const remaining = subtractItems(wanted, taken);
  if (remaining.length === 0) return undefined;
  const issues: ImportIssue[] = [];
  const dims = new Map(
    (
      await packing.getSkuDimensions(
        trx,
        remaining.map((i) => i.sku),
      )
    ).map((d) => [d.sku, d]),
  );
  const missing = remaining.filter((i) => !dims.has(i.sku)).map((i) => i.sku);
  if (missing.length) {
    issues.push(
      missingSetting(
        'sku',
        'settings/skus',
        localized(`No size and weight for ${missing.join(', ')}`, `缺少 ${missing.join('、')} 的尺寸和重量`),
        missing,
      ),
    );
  }
  const boxes = await packing.listBoxes(trx, order.shop_id, true);
  if (boxes.length === 0) {
    issues.push(
      missingSetting(
        'boxes',
        'settings/boxes',
        localized(`Shop ${order.shop_id} has no boxes to pack into`, `店铺 ${order.shop_id} 没有可用的箱子`),
      ),
    );
  }
  if (issues.length) throw new ValidationError(issues);
  const result = chooseBoxes(
    remaining.map((item) => {
      const d = dims.get(item.sku)!;
      return {
        sku: item.sku,
        dimsMm: [d.length_mm, d.width_mm, d.height_mm] as const,
        weightG: d.weight_g,
        quantity: item.quantity,
      };
    }),
    boxes.map(toBox),
  );
  if (result.unpackable.length > 0) {
    throw new ConflictError('pack.unpackable', result.message, order.status);
  }
  return { result, currency: boxes[0]!.currency };
}

/** Creates the parcels of a plan (state `created`), their packages and events. */
async function createPlannedParcels(
  trx: Executor,
  order: OrderRow,
  plan: { result: PackingResult; currency: string },
  now: number,
  actor: string,
): Promise<void> {
  const { result, currency } = plan;
  const inserted = await trx
    .insertInto('parcels')
    .values(result.parcels.map(() => packing.newParcelRow(order, now)))
    .returning('id')
    .execute();
  // Ids are drawn in VALUES order within one statement; RETURNING's row order is not promised.
  const ids = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
  const events: NewOrderEventRow[] = [];
  await packing.insertPackages(
    trx,
    result.parcels.map((parcel, i) => {
      const contents = new Map<string, number>();
      for (const p of parcel.placements) contents.set(p.sku, (contents.get(p.sku) ?? 0) + 1);
      const items = [...contents].map(([sku, quantity]) => ({ sku, quantity }));
      events.push(
        timelineEvent({
          orderId: order.id,
          parcelId: ids[i]!,
          at: now,
          actor,
          kind: 'parcel_created',
          to: 'created',
          reason: `box ${parcel.box.code}${result.parcels.length > 1 ? ` (${i + 1} of ${result.parcels.length})` : ''}`,
          data: JSON.stringify({
            box: parcel.box.code,
            contents: items,
            expected_gross_g: parcel.grossWeightG,
            message: localized(
              `box ${parcel.box.code}${result.parcels.length > 1 ? ` (${i + 1} of ${result.parcels.length})` : ''}`,
              `箱子 ${parcel.box.code}${result.parcels.length > 1 ? `（共 ${result.parcels.length} 个中的第 ${i + 1} 个）` : ''}`,
            ),
          }),
        }),
      );
      return {
        parcel_id: ids[i]!,
        order_id: order.id,
        box_code: parcel.box.code,
        outer_length_mm: parcel.outerMm[0],
        outer_width_mm: parcel.outerMm[1],
        outer_height_mm: parcel.outerMm[2],
        contents: JSON.stringify(items),
        content_weight_g: parcel.contentWeightG,
        expected_gross_g: parcel.grossWeightG,
        box_cost: parcel.box.cost,
        currency,
        measured_g: null,
        weight_status: 'pending',
        weight_note: null,
        created_at: now,
        updated_at: now,
      };
    }),
  );
  events.push(
    timelineEvent({
      orderId: order.id,
      at: now,
      actor,
      kind: 'packing_planned',
      reason: result.message.en,
      data: JSON.stringify({
        message: result.message,
        split: result.split,
        boxes: result.parcels.map((p) => p.box.code),
        box_cost: { amount: result.boxCost, currency },
        exact: result.exact,
      }),
    }),
  );
  await orderStore.appendEvents(trx, events);
}

/** Makes sure the order has planned parcels for everything not yet packed; returns the new plan's message if it made one. */
export async function ensurePlan(
  ctx: AppContext,
  trx: Executor,
  order: OrderRow,
  now: number,
  actor: string,
  replan: boolean,
): Promise<Localized | undefined> {
  let parcels = await orderStore.getParcels(trx, order.id);
  let packages = await packing.packagesOfOrder(trx, order.id);
  const packaged = new Set(packages.map((p) => p.parcel_id));
  if (replan) {
    await voidPlannedParcels(trx, order, parcels, packaged, now, actor);
    parcels = await orderStore.getParcels(trx, order.id);
    packages = await packing.packagesOfOrder(trx, order.id);
  } else if (parcels.some((p) => p.status === 'created' && packaged.has(p.id))) {
    return undefined;
  }
  const live = new Set(parcels.filter((p) => p.status !== 'voided').map((p) => p.id));
  const plan = await choosePlan(trx, order, packages, live);
  if (!plan) return undefined;
  await createPlannedParcels(trx, order, plan, now, actor);
  return plan.result.message;
}

/** A replan: the plan's parcels not yet packed are voided through the parcel machine (refused while a packer works). */
async function voidPlannedParcels(
  trx: Executor,
  order: OrderRow,
  parcels: ParcelRow[],
  packaged: ReadonlySet<number>,
  now: number,
  actor: string,
): Promise<void> {
  if (await packSessions.openSessionOfOrder(trx, order.id)) {
    throw new ConflictError(
      'pack.session_open',
      localized(
        'a packer is working on this order: finish or cancel the pack session first.',
        '该订单正在打包：请先完成或取消打包会话。',
      ),
      order.status,
    );
  }
  const events: NewOrderEventRow[] = [];
  for (const parcel of parcels.filter((p) => p.status === 'created' && packaged.has(p.id))) {
    const decision = decide(parcelMachine, parcel.status as ParcelState, 'void', {});
    if (!decision.ok) throw new ConflictError(decision.rule, decision.message, parcel.status);
    await trx
      .updateTable('parcels')
      .set({ status: decision.to, updated_at: now })
      .where('id', '=', parcel.id)
      .execute();
    events.push(
      timelineEvent({
        orderId: order.id,
        parcelId: parcel.id,
        at: now,
        actor,
        kind: 'transition',
        action: 'void',
        from: decision.from,
        to: decision.to,
        reason: 'packing planned again',
      }),
    );
  }
  await orderStore.appendEvents(trx, events);
}
