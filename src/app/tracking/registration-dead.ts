/**
 * A registration given up (dead after REGISTRATION_MAX_ATTEMPTS, store/tracking-registrations.ts) reaches the seller:
 * for each order whose parcel carries one of the numbers, ONE timeline event (`tracking_registration_dead`, shown on
 * the order's page) and ONE alert through `queueAlert`, written in the transaction of the settle that marked the
 * rows dead. Once per order and provider: a row is dead once, and an order whose other numbers die later with the
 * same provider (another batch, another run) was told already — the same account is at fault.
 */
import { localized } from '../../core/i18n';
import { toIso } from '../../core/time';
import { timelineEvent } from '../../core/timeline';
import { registrationDeadNotice } from '../../core/tracking/registration-retry';
import { appendEvents, type Executor } from '../../store/orders';
import { queueAlert } from '../alert-queue';

const REGISTRATION_DEAD_KIND = 'tracking_registration_dead';

/** Writes the event and queues the alert of each order carrying one of `numbers` not told yet; returns how many. */
export async function reportDeadRegistrations(
  trx: Executor,
  provider: string,
  numbers: readonly string[],
  now: number,
  actor: string,
): Promise<number> {
  if (numbers.length === 0) return 0;
  const byOrder = new Map<number, { shopId: string; parcels: Array<{ id: number; number: string }> }>();
  for (let i = 0; i < numbers.length; i += 1000) {
    const parcels = await trx
      .selectFrom('parcels')
      .select(['id', 'order_id', 'shop_id', 'tracking_number'])
      .where('tracking_number', 'in', numbers.slice(i, i + 1000))
      .orderBy('id')
      .execute();
    for (const p of parcels) {
      const entry = byOrder.get(p.order_id) ?? { shopId: p.shop_id, parcels: [] };
      entry.parcels.push({ id: p.id, number: p.tracking_number! });
      byOrder.set(p.order_id, entry);
    }
  }
  // Once per order and provider: an order whose numbers died in several batches (or runs) was told already.
  const told = new Set<number>();
  const orderIds = [...byOrder.keys()];
  for (let i = 0; i < orderIds.length; i += 1000) {
    const earlier = await trx
      .selectFrom('order_events')
      .select(['order_id', 'data'])
      .where('order_id', 'in', orderIds.slice(i, i + 1000))
      .where('kind', '=', REGISTRATION_DEAD_KIND)
      .execute();
    for (const e of earlier) if (providerOf(e.data) === provider) told.add(e.order_id);
  }
  const events = [];
  for (const [orderId, { shopId, parcels }] of byOrder) {
    if (told.has(orderId)) continue;
    const given = [...new Set(parcels.map((p) => p.number))].sort();
    const { message, action } = registrationDeadNotice(provider, given);
    const parcelId = parcels.length === 1 ? parcels[0]!.id : null;
    events.push(
      timelineEvent({
        orderId,
        parcelId,
        at: now,
        actor,
        kind: REGISTRATION_DEAD_KIND,
        reason: message.en,
        data: JSON.stringify({
          provider,
          tracking_numbers: given,
          // The timeline shows `message`: what happened and what to do.
          message: localized(`${message.en} ${action.en}`, `${message['zh-CN']}${action['zh-CN']}`),
          action,
        }),
      }),
    );
    await queueAlert(
      trx,
      shopId,
      `${REGISTRATION_DEAD_KIND}:${orderId}:${provider}`,
      {
        kind: REGISTRATION_DEAD_KIND,
        level: 'warning',
        shop_id: shopId,
        order_id: orderId,
        parcel_ids: parcels.map((p) => p.id),
        tracking_numbers: given,
        provider,
        at: toIso(now),
        message,
        what_to_do: action,
      },
      now,
    );
  }
  await appendEvents(trx, events);
  return events.length;
}

function providerOf(data: string | null): unknown {
  try {
    return data ? (JSON.parse(data) as { provider?: unknown }).provider : undefined;
  } catch {
    return undefined;
  }
}
