/**
 * Step 1 of buying labels (labels.ts): the service per parcel and the checks made before anything is bought.
 *   - the service the packer picked, else the quote's choice (the seller's rules, then rate shopping); when the
 *     quote chooses none, 409 `label.no_service`: the pack station and the order page then show the candidates
 *     with cost and arrival (GET /orders/:id/quotes) and the packer picks one;
 *   - a service below the buyer's logistics class is refused unless overridden with a reason;
 *   - a label costing more than the shop's share of the order's value (core/label-cost.ts; default 30 %) is
 *     refused with 409 `label.cost_confirm` until the packer confirms it (`confirmCost`).
 */
import { LOGISTICS_CLASS_LABELS, meetsLogisticsClass } from '../core/carrier/logistics-class';
import type { CarrierService } from '../core/carrier/types';
import { localized } from '../core/i18n';
import { DEFAULT_LABEL_COST_SHARE_PERCENT, isCostSharePercent, labelCostVerdict } from '../core/label-cost';
import type { Money } from '../core/money';
import { buyerLogisticsClassOf } from '../core/shipping-facts';
import * as orderStore from '../store/orders';
import type { OrderRow } from '../store/schema';
import { loadShippingCatalog, type CarrierResolver, type ShippingCatalog } from './carrier-contracts';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import type { PlannedParcel } from './pack';
import { quoteOrder } from './quotes';

export interface LabelServiceRequest {
  service?: string;
  overrideReason?: string;
  confirmCost?: boolean;
}

export interface ChosenServices {
  chosen: Map<number, CarrierService>;
  catalog: ShippingCatalog;
  servicesByCode: Map<string, CarrierService>;
}

export async function servicesForLabels(
  ctx: AppContext,
  order: OrderRow,
  targets: readonly PlannedParcel[],
  input: LabelServiceRequest,
  resolver?: CarrierResolver,
): Promise<ChosenServices> {
  const catalog = await loadShippingCatalog(ctx);
  const servicesByCode = new Map(catalog.services.map((s) => [s.code, s]));
  // The carriers' live prices where they quote (the cost check below reads them), else the contract's.
  const quotes = await quoteOrder(ctx, order.id, { parcelIds: targets.map((t) => t.parcelId) }, resolver);

  // The service per parcel.
  const chosen = new Map<number, CarrierService>();
  if (input.service) {
    const service = servicesByCode.get(input.service);
    if (!service)
      throw new ValidationError([
        {
          row: 0,
          field: 'service',
          message: localized(
            `no service "${input.service}" (have: ${[...servicesByCode.keys()].join(', ')}).`,
            `没有服务「${input.service}」（可用：${[...servicesByCode.keys()].join('、')}）。`,
          ),
        },
      ]);
    for (const parcel of targets) chosen.set(parcel.parcelId, service);
  } else {
    for (const q of quotes.parcels) {
      if (!q.choice.service) {
        throw new ConflictError(
          'label.no_service',
          localized(
            `${q.choice.explanation.en} Choose one of the services listed with their cost and arrival, then buy the label.`,
            `${q.choice.explanation['zh-CN']} 请从列出的服务（含费用和预计送达）中选择一个，然后购买面单。`,
          ),
          order.status,
        );
      }
      chosen.set(q.parcelId!, servicesByCode.get(q.choice.service)!);
    }
  }

  // Not below the class the buyer paid for, unless the buyer agreed.
  const buyerClass = buyerLogisticsClassOf(order.logistics_service);
  const override = input.overrideReason?.trim();
  for (const service of new Set(chosen.values())) {
    if (buyerClass && !meetsLogisticsClass(service.logisticsClass, buyerClass) && !override) {
      const mine = LOGISTICS_CLASS_LABELS[service.logisticsClass];
      const theirs = LOGISTICS_CLASS_LABELS[buyerClass];
      throw new ConflictError(
        'label.below_buyer_class',
        localized(
          `${service.name.en} is ${mine.en}, below the ${theirs.en} shipping the buyer chose (${order.logistics_service}): ship the class the buyer chose, or give the buyer's agreement as the override reason.`,
          `${service.name['zh-CN']}为${mine['zh-CN']}，低于买家选择的${theirs['zh-CN']}（${order.logistics_service}）：请按买家所选方式发货，或填写买家同意的理由。`,
        ),
        order.status,
      );
    }
  }

  // Not an expensive label without the packer's yes.
  if (!input.confirmCost) {
    const costs: Money[] = [];
    for (const q of quotes.parcels) {
      const service = chosen.get(q.parcelId!);
      const quote = q.choice.candidates.find((c) => c.service === service?.code)?.quote;
      if (quote) costs.push({ amount: quote.total, currency: quote.currency });
    }
    if (costs.length) {
      const shop = await orderStore.findShop(ctx.store.db, order.shop_id);
      const limit = shop?.label_cost_confirm_percent ?? DEFAULT_LABEL_COST_SHARE_PERCENT;
      const verdict = labelCostVerdict(
        costs,
        { amount: order.total_amount, currency: order.currency },
        limit,
        ctx.now(),
      );
      if (verdict.needsConfirmation) throw new ConflictError('label.cost_confirm', verdict.message, order.status);
    }
  }
  return { chosen, catalog, servicesByCode };
}

/** The shop's share of the order's value above which a label asks first (percent, 1–1000; default 30). */
export async function labelCostShareOf(
  ctx: AppContext,
  shopId: string,
): Promise<{ percent: number; isDefault: boolean }> {
  const shop = await orderStore.findShop(ctx.store.db, shopId);
  if (!shop) throw new NotFoundError(localized(`shop ${shopId} not found.`, `未找到店铺 ${shopId}。`));
  return {
    percent: shop.label_cost_confirm_percent ?? DEFAULT_LABEL_COST_SHARE_PERCENT,
    isDefault: shop.label_cost_confirm_percent === null,
  };
}

/** Sets the shop's share (null: back to the default); a value out of range is refused at its field, nothing changed. */
export async function setLabelCostShare(
  ctx: AppContext,
  shopId: string,
  percent: number | null,
): Promise<{ percent: number; isDefault: boolean }> {
  if (percent !== null && !isCostSharePercent(percent)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'percent',
        message: localized(
          `percent ${percent} must be a whole number from 1 to 1000.`,
          `percent ${percent} 必须是 1 到 1000 之间的整数。`,
        ),
      },
    ]);
  }
  await labelCostShareOf(ctx, shopId);
  await ctx.store.db
    .updateTable('shops')
    .set({ label_cost_confirm_percent: percent })
    .where('id', '=', shopId)
    .execute();
  return labelCostShareOf(ctx, shopId);
}
