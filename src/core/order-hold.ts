/**
 * A seller's hold on an order (issue 17) and the edit of its shipping address. The hold is its own small machine
 * beside the order's lifecycle: a held order keeps its state and its deadline (the clock runs on), but is neither
 * packed nor labelled until released. The address is the buyer's until a label carries it: after that a changed
 * address would ship the parcel to the old one, so the edit is refused (void the label first).
 */
import { localized, type Localized } from './i18n';
import { OPEN_ORDER_STATES, type OrderState } from './order';
import { defineMachine } from './state-machine';

const HOLD_STATES = ['released', 'held'] as const;
export type HoldState = (typeof HOLD_STATES)[number];

export interface HoldContext {
  status: string;
  reason?: string;
}

const OPEN = (status: string) => (OPEN_ORDER_STATES as readonly string[]).includes(status);

export const holdMachine = defineMachine({
  name: 'hold',
  label: { en: 'order hold', zh: '订单暂停' },
  states: HOLD_STATES,
  transitions: {
    hold: {
      from: ['released'],
      to: 'held',
      guard: (c: HoldContext) =>
        !OPEN(c.status)
          ? localized(
              `Only an order still to ship can be held; this one is ${c.status.replace(/_/g, ' ')}.`,
              `只有待发货的订单可以暂停；此订单当前为「${c.status}」。`,
            )
          : c.reason && c.reason.trim()
            ? undefined
            : localized(
                'A hold needs a reason (e.g. "buyer asked to change the address").',
                '暂停订单需要填写原因（例如“买家要求修改地址”）。',
              ),
    },
    release: { from: ['held'], to: 'released' },
  },
});
export type HoldAction = keyof typeof holdMachine.transitions;

export function holdState(order: { held_at: number | null }): HoldState {
  return order.held_at === null ? 'released' : 'held';
}

/** Why a held order is not packed or labelled now, or undefined when it is not held. */
export function heldRefusal(order: {
  held_at: number | null;
  hold_reason: string | null;
  platform_order_id: string;
}): Localized | undefined {
  if (order.held_at === null) return undefined;
  const why = order.hold_reason ? ` (${order.hold_reason})` : '';
  const whyZh = order.hold_reason ? `（${order.hold_reason}）` : '';
  return localized(
    `Order ${order.platform_order_id} is on hold${why}: release it on its order page in the dashboard, then scan it again.`,
    `订单 ${order.platform_order_id} 已暂停${whyZh}：请在后台的订单页面取消暂停，然后重新扫描。`,
  );
}

/** The parcel states in which a label exists (a void one does not count). */
const LABELLED: readonly string[] = [
  'labelled',
  'handed_over',
  'tracking_uploaded',
  'in_transit',
  'delivered',
  'returned',
];

/** Why the shipping address cannot change now, or undefined when it can. */
export function addressEditRefusal(
  order: { status: string },
  parcels: ReadonlyArray<{ status: string }>,
): Localized | undefined {
  if (parcels.some((p) => LABELLED.includes(p.status))) {
    return localized(
      "The address is printed on the parcel's label already, so it can no longer change in shipby: if the parcel has not left, ask the carrier to redirect it.",
      '地址已打印在包裹面单上，无法再在 shipby 中修改：如果包裹尚未寄出，请联系承运商改寄。',
    );
  }
  if (!OPEN(order.status as OrderState)) {
    return localized(
      `The order is ${order.status.replace(/_/g, ' ')}: its address can no longer change.`,
      `订单当前为「${order.status}」：地址已不能修改。`,
    );
  }
  return undefined;
}
