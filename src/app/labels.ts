/**
 * Labelling packed parcels.
 *
 * `labelParcels` holds the order's label lease (store/leases.ts) for its whole run, so two requests for one order (a
 * double click, a client retrying a slow request, two stations) never buy or use labels at once: the second waits
 * for the first, then finds the parcels labelled and answers with the first's labels (`repeatedAnswer`). Under
 * the lease:
 *   1. the request is checked (the order not settled nor held, a sender, packed and weighed parcels) and each
 *      parcel's service chosen: the one asked for, else the quote's choice (rules, then rate shopping); a service
 *      below the buyer's logistics class is refused before anything is bought, unless overridden with a reason
 *      (label-service.ts);
 *   2. each parcel runs its named steps (label-steps.ts, run by app/steps.ts), each write with its undo beside it:
 *      buy the label (the carrier adapter's `createLabel`, keyed `shipby-<parcel>-<n>-<order>`, or the label a dead
 *      process bought, resumed; label-purchase.ts) — check the number (core/tracking) — record the label (`issued`)
 *      — move the parcel and queue the upload (`markParcelsShipped`: one transaction with the outbox row) — activate
 *      the label — keep the carrier's PDF. A failure after the purchase voids the label at the carrier (unless its
 *      number is in use) and keeps its row as voided; a refused number is voided and the refusal on the timeline.
 * Printing is in label-printing.ts; buying from the carrier and voiding in label-purchase.ts.
 */
import { heldRefusal } from '../core/order-hold';
import { missingSetting } from '../core/fix';
import { localized } from '../core/i18n';
import { buyerLogisticsClassOf } from '../core/shipping-facts';
import { checkTrackingNumber } from '../core/tracking/number-check';
import { LeaseBusy, withLease } from '../store/leases';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import * as packing from '../store/packing';
import * as packSessions from '../store/pack-sessions';
import type { OrderRow } from '../store/schema';
import { loadShippingCatalog, storedCarrierResolver, type CarrierResolver } from './carrier-contracts';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { labelledParcel, serviceToCheck, type LabelledParcel, type ParcelLabelling } from './label-parcel';
import { PARCEL_LABEL_STEPS, recordUndoFailure } from './label-steps';
import { refuseSettledOrders } from './order-situation';
import { planView, previewPacking, type PlannedParcel } from './pack';
import { servicesForLabels } from './label-service';
import type { UploadPayload } from './shipments';
import { runSteps, type StepOptions } from './steps';

export interface LabelRequestInput {
  orderId: number;
  /** Label only these parcels (default: every packed parcel of the order without a label). */
  parcelIds?: number[];
  /** A service code of the catalogue; default: the quote's choice for each parcel. */
  service?: string;
  /** Ship below the buyer's logistics class anyway (e.g. the buyer agreed): recorded with the label. */
  overrideReason?: string;
  /** The packer confirmed a label that costs more than the shop's share of the order's value (label-service.ts). */
  confirmCost?: boolean;
}

export type { LabelledParcel } from './label-parcel';

/** True when, after `labelling` are labelled, nothing of the order is left unlabelled (the upload is then `all`). */
async function isLastOf(ctx: AppContext, order: OrderRow, labelling: Set<number>): Promise<boolean> {
  const parcels = (await orderStore.getParcels(ctx.store.db, order.id)).filter((p) => p.status !== 'voided');
  const unlabelled = parcels.filter((p) => (p.status === 'created' || p.status === 'packed') && !labelling.has(p.id));
  if (unlabelled.length) return false;
  // Items still to plan (or that cannot be planned yet: sizes missing) mean more parcels will follow.
  const more = await previewPacking(ctx.store.db, order).then(
    (plan) => plan !== undefined,
    () => true,
  );
  return !more;
}

/** How long one label request may hold its order, and how long a second request waits for the first. */
const LABEL_LEASE = { ttlMs: 60_000, waitMs: 45_000 };

export async function labelParcels(
  ctx: AppContext,
  input: LabelRequestInput,
  actor: string,
  resolver: CarrierResolver = storedCarrierResolver(ctx),
  /** `beforeStep`: called before each parcel step by name (a test makes a named step fail). */
  options: Pick<StepOptions, 'beforeStep'> = {},
): Promise<LabelledParcel[]> {
  const order = await orderStore.getOrder(ctx.store.db, undefined, input.orderId);
  if (!order) throw new NotFoundError(localized(`order ${input.orderId} not found.`, `未找到订单 ${input.orderId}。`));
  try {
    return await withLease(ctx.store.db, `label:order:${order.id}`, LABEL_LEASE, () =>
      labelUnderLease(ctx, order.id, input, actor, resolver, options),
    );
  } catch (error) {
    if (!(error instanceof LeaseBusy)) throw error;
    throw new ConflictError(
      'label.busy',
      localized(
        `Another label request for order ${order.platform_order_id} is still under way: wait a moment, then open the order to see its label.`,
        `订单 ${order.platform_order_id} 的另一个面单请求仍在处理中：请稍候，再打开订单查看面单。`,
      ),
      order.status,
    );
  }
}

/** The whole request, with the order's label lease held. */
async function labelUnderLease(
  ctx: AppContext,
  orderId: number,
  input: LabelRequestInput,
  actor: string,
  resolver: CarrierResolver,
  options: Pick<StepOptions, 'beforeStep'>,
): Promise<LabelledParcel[]> {
  const db = ctx.store.db;
  const order = (await orderStore.getOrder(db, undefined, orderId))!;
  const sender = await senderOfLabellableOrder(ctx, order);
  const asked = await parcelsToLabel(ctx, order, input);
  if ('repeat' in asked) return asked.repeat;
  const { targets } = asked;
  // 1. The service per parcel (asked for, else the quote's), its class and its cost checked (label-service.ts).
  const { chosen, catalog, servicesByCode } = await servicesForLabels(ctx, order, targets, input, resolver);
  const buyerClass = buyerLogisticsClassOf(order.logistics_service);
  const override = input.overrideReason?.trim();

  const connection = await marketplace.getConnection(db, order.shop_id);
  const last = await isLastOf(ctx, order, new Set(targets.map((t) => t.parcelId)));
  const results: LabelledParcel[] = [];
  for (const [index, parcel] of targets.entries()) {
    const wanted = chosen.get(parcel.parcelId)!;
    const adapter = await resolver(wanted.carrier, { shopId: order.shop_id });
    if (!adapter) {
      throw new ValidationError([
        missingSetting(
          'carrier',
          'settings/carrier-accounts',
          localized(
            `No carrier account for ${wanted.carrier} to buy its labels with`,
            `没有用于购买 ${wanted.carrier} 面单的承运商账号`,
          ),
        ),
      ]);
    }
    // 2. The parcel's steps (label-steps.ts): a failure undoes the ones done, voiding a label bought.
    const s: ParcelLabelling = {
      ctx,
      order,
      parcel,
      actor,
      wanted,
      adapter,
      sender,
      catalog,
      servicesByCode,
      buyerClass,
      override,
      connected: connection !== undefined,
      lastParcel: last && index === targets.length - 1,
      upload: 'not_connected',
      warnings: [],
    };
    await runSteps(s, PARCEL_LABEL_STEPS, {
      ...(options.beforeStep ? { beforeStep: options.beforeStep } : {}),
      onUndoFailure: (failure) => recordUndoFailure(s, failure),
    });
    results.push(labelledParcel(s));
  }
  return results;
}

/** The shop's sender address, once the order is known to take a label: not settled, not held, a sender on file. */
async function senderOfLabellableOrder(ctx: AppContext, order: OrderRow) {
  await refuseSettledOrders(ctx, [order.id], { en: 'buying a label', zh: '购买面单' });
  const held = heldRefusal(order);
  if (held) throw new ConflictError('order.held', held, order.status);
  const sender = await packing.getSender(ctx.store.db, order.shop_id);
  if (!sender) {
    throw new ValidationError([
      missingSetting(
        'sender',
        'settings/sender',
        localized(
          `Shop ${order.shop_id} has no sender address to print on its labels`,
          `店铺 ${order.shop_id} 没有印在面单上的寄件人地址`,
        ),
      ),
    ]);
  }
  return sender;
}

/**
 * The packed parcels the request labels, each weighed and not held; when none is left to label, the answer of the
 * request that labelled them (`repeat`), else a refusal.
 */
async function parcelsToLabel(
  ctx: AppContext,
  order: OrderRow,
  input: LabelRequestInput,
): Promise<{ targets: PlannedParcel[] } | { repeat: LabelledParcel[] }> {
  const db = ctx.store.db;
  const planned = await planView(db, order.id);
  if (input.parcelIds) {
    const unknown = input.parcelIds.filter((id) => !planned.some((p) => p.parcelId === id));
    if (unknown.length)
      throw new ValidationError([
        {
          row: 0,
          field: 'parcel',
          message: localized(
            `parcel ${unknown.join(', ')} is not a packed parcel of this order.`,
            `包裹 ${unknown.join('、')} 不是该订单已打包的包裹。`,
          ),
        },
      ]);
  }
  const asked = input.parcelIds ? planned.filter((p) => input.parcelIds!.includes(p.parcelId)) : planned;
  const targets = asked.filter((p) => p.status === 'packed');
  if (targets.length === 0) {
    const repeat = await repeatedAnswer(ctx, order, asked);
    if (repeat.length) return { repeat };
    const waiting = planned.some((p) => p.status === 'created');
    throw new ConflictError(
      'label.nothing_packed',
      waiting
        ? localized(
            'No packed parcel to label: scan-pack the planned parcels first.',
            '没有已打包的包裹可打印面单：请先扫描装箱。',
          )
        : localized(
            'No packed parcel to label (run pack, then scan-pack).',
            '没有已打包的包裹可打印面单（请先装箱计划并扫描装箱）。',
          ),
      order.status,
    );
  }
  const open = await packSessions.openSessionOfOrder(db, order.id);
  for (const parcel of targets) {
    if (parcel.weightStatus === 'held') {
      throw new ConflictError(
        'label.weight_held',
        localized(
          `parcel ${parcel.parcelId} is held for a weight check (${parcel.measuredG} g, expected ${parcel.expectedGrossG} g): re-weigh it or accept it with a reason first.`,
          `包裹 ${parcel.parcelId} 因重量异常暂停（${parcel.measuredG} 克，应为 ${parcel.expectedGrossG} 克）：请先重新称重或填写理由放行。`,
        ),
        'held',
      );
    }
    if (open && open.current_parcel_id === parcel.parcelId && parcel.weightStatus === 'pending') {
      throw new ConflictError(
        'label.not_weighed',
        localized(
          `parcel ${parcel.parcelId} is packed but not weighed yet: weigh it at the station first.`,
          `包裹 ${parcel.parcelId} 已装好但尚未称重：请先在工位称重。`,
        ),
        open.status,
      );
    }
  }
  return { targets };
}

/**
 * A request whose parcels are already labelled (the repeat of a request that went through, or that waited for it):
 * the answer the first request gave, read back from the parcels, their active labels and their uploads. A label
 * left `issued` whose number is on its parcel (the process died after the parcel changed) is made active here.
 */
async function repeatedAnswer(ctx: AppContext, order: OrderRow, asked: PlannedParcel[]): Promise<LabelledParcel[]> {
  const db = ctx.store.db;
  const parcels = new Map((await orderStore.getParcels(db, order.id)).map((p) => [p.id, p]));
  const withNumber = asked
    .map((p) => parcels.get(p.parcelId)!)
    .filter(
      (p) => p.tracking_number !== null && p.status !== 'voided' && p.status !== 'packed' && p.status !== 'created',
    );
  if (withNumber.length === 0) return [];
  const labels = await db
    .selectFrom('parcel_labels')
    .selectAll()
    .where(
      'parcel_id',
      'in',
      withNumber.map((p) => p.id),
    )
    .where('status', '!=', 'voided')
    .orderBy('id')
    .execute();
  const uploads = await outbox.uploadsOfOrders(db, [order.id]);
  const connected = (await marketplace.getConnection(db, order.shop_id)) !== undefined;
  const catalog = await loadShippingCatalog(ctx);
  const buyerClass = buyerLogisticsClassOf(order.logistics_service);
  const results: LabelledParcel[] = [];
  for (const parcel of withNumber) {
    const label = labels.find((l) => l.parcel_id === parcel.id && l.tracking_number === parcel.tracking_number);
    if (!label) continue; // numbered by hand (`ship`), not by a label request
    if (label.status === 'issued') await packing.setLabelStatus(db, label.id, 'active', null, ctx.now());
    const queued = uploads.find(
      (u) => (JSON.parse(u.payload) as UploadPayload).trackingNumber === parcel.tracking_number,
    );
    const upload: LabelledParcel['upload'] =
      !connected || !queued
        ? 'not_connected'
        : queued.status === 'held'
          ? 'held'
          : queued.status === 'done'
            ? 'uploaded'
            : 'pending';
    const service = catalog.services.find((s) => s.code === label.service);
    const usedBy = (await packing.numberUses(db, [label.tracking_number]))
      .filter((u) => u.order_id !== order.id)
      .map((u) => ({ orderId: u.platform_order_id, usedAt: u.used_at }));
    const report = checkTrackingNumber(label.tracking_number, {
      carrier: label.carrier,
      country: order.buyer_country,
      ...(service ? { service: serviceToCheck(service) } : {}),
      ...(buyerClass ? { buyerLogisticsClass: buyerClass } : {}),
      usedBy,
      now: label.created_at,
      reuseWindowDays: 365,
    });
    results.push({
      parcelId: parcel.id,
      trackingNumber: label.tracking_number,
      carrier: label.carrier,
      service: label.service,
      marketplaceService: label.marketplace_service,
      routingCode: label.routing_code,
      cost: label.cost !== null && label.currency ? { amount: label.cost, currency: label.currency } : null,
      upload,
      checks: report.checks,
      warnings: [
        localized(
          'This parcel was already labelled by an earlier request: this is that label.',
          '该包裹已由之前的请求打印面单：这是那张面单。',
        ),
      ],
    });
  }
  return results;
}
