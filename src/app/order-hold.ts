/**
 * Hold and release an order, and edit its shipping address before a label (issue 17). Each is one transaction of
 * named steps: read the order (and its parcels), decide in core (order-hold.ts), write the order row at the version
 * read (a concurrent change makes it a 409, not a lost write), append the timeline event. A refusal changes nothing.
 */
import { decide } from '../core/state-machine';
import { localized } from '../core/i18n';
import { addressEditRefusal, holdMachine, holdState, type HoldAction } from '../core/order-hold';
import { parseBuyerFields, type ImportIssue, type RawRow } from '../core/order-input';
import * as orderStore from '../store/orders';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { timelineEvent } from '../core/timeline';

const notFound = (id: number) => new NotFoundError(localized(`order ${id} not found.`, `未找到订单 ${id}。`));
const changedMeanwhile = () =>
  new ConflictError(
    'order.version',
    localized(
      'The order changed while you edited it: open it again and repeat.',
      '编辑期间订单已被更改：请重新打开订单后再试。',
    ),
  );

/** Holds (`hold`, with a reason) or releases (`release`) an order; answers the order as stored after. */
export async function setOrderHold(
  ctx: AppContext,
  orderId: number,
  request: { action: HoldAction; reason?: string; actor: string },
): Promise<OrderRow> {
  return ctx.store.db.transaction().execute(async (trx) => {
    // 1. Read.
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order) throw notFound(orderId);
    // 2. Decide.
    const reason = request.reason?.trim() || null;
    const decision = decide(holdMachine, holdState(order), request.action, {
      status: order.status,
      reason: reason ?? undefined,
    });
    if (!decision.ok) throw new ConflictError(decision.rule, decision.message, decision.from);
    // 3. Write the order (undo: the transaction rolls back if the event cannot be written).
    const now = ctx.now();
    const set =
      request.action === 'hold'
        ? { held_at: now, hold_reason: reason, updated_at: now }
        : { held_at: null, hold_reason: null, updated_at: now };
    if (!(await orderStore.updateOrder(trx, order.id, order.version, set))) throw changedMeanwhile();
    // 4. The timeline.
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        at: now,
        actor: request.actor,
        kind: request.action === 'hold' ? 'held' : 'released',
        reason: reason ?? order.hold_reason,
      }),
    ]);
    return (await orderStore.getOrder(trx, undefined, orderId))!;
  });
}

const ADDRESS_FIELDS = [
  'buyer_name',
  'buyer_country',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postcode',
  'phone',
] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** Changes the shipping address of an order that has no label yet; the timeline keeps the old and the new address. */
export async function editShippingAddress(
  ctx: AppContext,
  orderId: number,
  input: Partial<Record<AddressField, string | null>>,
  actor: string,
): Promise<OrderRow> {
  // 1. Validate with the import's rules for the buyer's columns (field named, nothing stored).
  const issues: ImportIssue[] = [];
  const raw: RawRow = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, input[f] ?? undefined]));
  const buyer = parseBuyerFields(raw, issues);
  if (!buyer) throw new ValidationError(issues);
  return ctx.store.db.transaction().execute(async (trx) => {
    // 2. Read the order and its parcels; decide.
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order) throw notFound(orderId);
    const refusal = addressEditRefusal(order, await orderStore.getParcels(trx, orderId));
    if (refusal) throw new ConflictError('order.address.labelled', refusal, order.status);
    const before = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, order[f]]));
    // The second line and the state change only when the edit names them (a form without them keeps the order's).
    const after = {
      buyer_name: buyer.name,
      buyer_country: buyer.country,
      address_line1: buyer.addressLine1,
      address_line2: 'address_line2' in input ? (buyer.addressLine2 ?? null) : order.address_line2,
      city: buyer.city,
      state: 'state' in input ? (buyer.state ?? null) : order.state,
      postcode: buyer.postcode,
      phone: buyer.phone,
    };
    if (ADDRESS_FIELDS.every((f) => before[f] === after[f])) return order;
    // 3. Write the order at the version read (undo: the transaction rolls back).
    const now = ctx.now();
    if (!(await orderStore.updateOrder(trx, order.id, order.version, { ...after, updated_at: now })))
      throw changedMeanwhile();
    // 4. The timeline: what changed, from what to what.
    const changed = ADDRESS_FIELDS.filter((f) => before[f] !== after[f]);
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        at: now,
        actor,
        kind: 'address_changed',
        reason: `changed: ${changed.join(', ')}`,
        data: JSON.stringify({ before: pick(before, changed), after: pick(after, changed) }),
      }),
    ]);
    return (await orderStore.getOrder(trx, undefined, orderId))!;
  });
}

function pick(values: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, values[k]]));
}
