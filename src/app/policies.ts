/**
 * Which policy an order follows, and its ship-by deadline under it.
 *
 * A shop picks a default policy (else its platform's usual one), optionally one per order type, and may
 * override any parameter of a policy (e.g. a stricter internal deadline): stored on the shop, validated
 * against every version of the policy when set. The version in force when the order was paid is the one
 * it follows, so a later policy version never rewrites the past.
 */
import { sql, type Transaction } from 'kysely';
import { computeShipBy, DeadlineInputError, type BuyerExtension, type ShipBy } from '../core/deadline';
import { localized } from '../core/i18n';
import { OPEN_ORDER_STATES } from '../core/order';
import type { OrderInput } from '../core/order-input';
import { builtInRegistry } from '../core/policy/built-in';
import { type Policy, type PolicyOverrides, PolicyValidationError } from '../core/policy/policy-types';
import { PolicyLookupError, ShopPolicyResolver, type ShopPolicyChoice } from '../core/policy/registry';
import type { Executor } from '../store/orders';
import type { Database, OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';
import { timelineEvent } from '../core/timeline';

/** The policy a shop gets until it chooses one. */
const DEFAULT_POLICY_BY_PLATFORM: Record<string, string> = {
  aliexpress: 'aliexpress_pop',
  amazon: 'amazon_seller_fulfilled',
  shopee: 'shopee',
  tiktok: 'tiktok_shop',
  temu: 'temu',
};

interface ShopPolicyColumns {
  id: string;
  platform: string;
  policy_id: string | null;
  policy_by_type: string | null;
  policy_overrides: string | null;
}

function shopPolicyChoice(shop: ShopPolicyColumns): ShopPolicyChoice {
  return {
    defaultPolicyId: shop.policy_id ?? DEFAULT_POLICY_BY_PLATFORM[shop.platform] ?? 'aliexpress_pop',
    byOrderType: shop.policy_by_type ? JSON.parse(shop.policy_by_type) : undefined,
    overrides: shop.policy_overrides ? JSON.parse(shop.policy_overrides) : undefined,
  };
}

const resolverCache = new Map<string, ShopPolicyResolver>();

/**
 * The resolver for a shop's current choice (cached by the choice itself, so a change is seen at once). The schema
 * (zod), which validates overrides, is loaded only for a shop that has some.
 */
export async function resolverFor(shop: ShopPolicyColumns): Promise<ShopPolicyResolver> {
  const key = `${shop.platform}|${shop.policy_id}|${shop.policy_by_type}|${shop.policy_overrides}`;
  let resolver = resolverCache.get(key);
  if (!resolver) {
    const choice = shopPolicyChoice(shop);
    const hasOverrides = Object.keys(choice.overrides ?? {}).length > 0;
    const applyOverrides = hasOverrides ? (await import('../core/policy/schema')).applyOverrides : undefined;
    resolver = new ShopPolicyResolver(builtInRegistry(), choice, applyOverrides);
    if (resolverCache.size > 1000) resolverCache.clear();
    resolverCache.set(key, resolver);
  }
  return resolver;
}

export async function loadShopResolver(db: Executor, shopId: string): Promise<ShopPolicyResolver> {
  const shop = await db
    .selectFrom('shops')
    .select(['id', 'platform', 'policy_id', 'policy_by_type', 'policy_overrides'])
    .where('id', '=', shopId)
    .executeTakeFirst();
  if (!shop) throw new NotFoundError(localized(`shop ${shopId} not found.`, `未找到店铺 ${shopId}。`));
  return resolverFor(shop);
}

export interface DeadlineFacts {
  paidAt: number;
  riskPassedAt: number | null;
  platformShipByAt: number | null;
  handlingDays: number | null;
  orderType?: string | null;
}

export interface OrderDeadline {
  policy: Policy;
  shipBy: ShipBy | null;
  /** Why there is no deadline (missing facts), when `shipBy` is null. */
  problem?: string;
}

export function extensionFromRow(row: {
  hours: number | null;
  new_deadline_at: number | null;
  agreed_by: string;
  agreed_at: number;
  note: string | null;
}): BuyerExtension {
  return row.hours !== null
    ? { hours: row.hours, agreedBy: row.agreed_by, agreedAt: row.agreed_at, note: row.note ?? undefined }
    : {
        newDeadlineAt: row.new_deadline_at!,
        agreedBy: row.agreed_by,
        agreedAt: row.agreed_at,
        note: row.note ?? undefined,
      };
}

/** The deadline of an order under its shop's policy; missing facts give no deadline, with the reason. */
export function deadlineFor(
  resolver: ShopPolicyResolver,
  facts: DeadlineFacts,
  extensions: readonly BuyerExtension[] = [],
): OrderDeadline {
  const policy = resolver.forOrder(facts.paidAt, facts.orderType ?? undefined);
  try {
    const shipBy = computeShipBy(
      {
        paidAt: facts.paidAt,
        riskPassedAt: facts.riskPassedAt ?? undefined,
        platformShipByAt: facts.platformShipByAt ?? undefined,
        handlingDays: facts.handlingDays ?? undefined,
        extensions,
      },
      policy,
    );
    return { policy, shipBy };
  } catch (error) {
    if (error instanceof DeadlineInputError) return { policy, shipBy: null, problem: error.message };
    throw error;
  }
}

export function deadlineFactsOf(order: OrderInput | OrderRow): DeadlineFacts {
  if ('platformOrderId' in order) {
    return {
      paidAt: order.paidAt,
      riskPassedAt: order.riskPassedAt,
      platformShipByAt: order.platformShipByAt,
      handlingDays: order.handlingDays,
      orderType: order.orderType ?? null,
    };
  }
  return {
    paidAt: order.paid_at,
    riskPassedAt: order.risk_passed_at,
    platformShipByAt: order.platform_ship_by_at,
    handlingDays: order.handling_days,
    orderType: order.order_type,
  };
}

export interface PolicyChoiceInput {
  policy_id?: string;
  by_order_type?: Record<string, string>;
  overrides?: Record<string, PolicyOverrides>;
}

/**
 * Sets a shop's policy choice after validating it whole (a bad choice changes nothing and the running one
 * stays), then recomputes the deadlines of the shop's open orders, recording each change.
 */
export async function setShopPolicy(
  ctx: AppContext,
  shopId: string,
  input: PolicyChoiceInput,
  actor: string,
): Promise<{ recomputed: number; changed: number }> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const shop = await trx.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst();
    if (!shop) throw new NotFoundError(localized(`shop ${shopId} not found.`, `未找到店铺 ${shopId}。`));
    const next = {
      ...shop,
      policy_id: input.policy_id ?? shop.policy_id,
      policy_by_type: input.by_order_type ? JSON.stringify(input.by_order_type) : shop.policy_by_type,
      policy_overrides: input.overrides ? JSON.stringify(input.overrides) : shop.policy_overrides,
    };
    try {
      await resolverFor(next);
    } catch (error) {
      if (error instanceof PolicyValidationError) {
        throw new ValidationError(
          error.issues.map((i) => ({ row: 0, field: `overrides.${i.path}`, message: i.message })),
        );
      }
      if (error instanceof PolicyLookupError)
        throw new ValidationError([{ row: 0, field: 'policy_id', message: error.localized }]);
      throw error;
    }
    await trx
      .updateTable('shops')
      .set({ policy_id: next.policy_id, policy_by_type: next.policy_by_type, policy_overrides: next.policy_overrides })
      .where('id', '=', shopId)
      .execute();
    return recomputeOpenDeadlines(trx, shopId, ctx.now(), actor, `policy changed`);
  });
}

/** Recomputes ship_by_at for a shop's open orders (or one order), writing a `deadline_changed` event for each change. */
async function recomputeOpenDeadlines(
  trx: Transaction<Database>,
  shopId: string,
  now: number,
  actor: string,
  reason: string,
  orderId?: number,
): Promise<{ recomputed: number; changed: number }> {
  const resolver = await loadShopResolver(trx, shopId);
  let query = trx
    .selectFrom('orders')
    .selectAll()
    .where('shop_id', '=', shopId)
    .where('status', 'in', [...OPEN_ORDER_STATES]);
  if (orderId !== undefined) query = query.where('id', '=', orderId);
  const open = await query.execute();
  const extensionRows = open.length
    ? await trx
        .selectFrom('order_extensions')
        .selectAll()
        .where(
          'order_id',
          'in',
          open.map((o) => o.id),
        )
        .execute()
    : [];
  let changed = 0;
  for (const order of open) {
    const extensions = extensionRows.filter((e) => e.order_id === order.id).map(extensionFromRow);
    const deadline = deadlineFor(resolver, deadlineFactsOf(order), extensions);
    const shipByAt = deadline.shipBy?.shipByAt ?? null;
    const source = deadline.shipBy?.source ?? null;
    if (shipByAt === order.ship_by_at && source === order.ship_by_source && order.policy_id === deadline.policy.id)
      continue;
    changed++;
    await trx
      .updateTable('orders')
      .set({
        ship_by_at: shipByAt,
        ship_by_source: source,
        policy_id: deadline.policy.id,
        policy_version: deadline.policy.version,
        updated_at: now,
        version: order.version + 1,
      })
      .where('id', '=', order.id)
      .execute();
    await trx
      .insertInto('order_events')
      .values(
        timelineEvent({
          orderId: order.id,
          at: now,
          actor,
          kind: 'deadline_changed',
          reason,
          data: JSON.stringify({
            from: order.ship_by_at,
            to: shipByAt,
            source,
            policy: `${deadline.policy.id}@${deadline.policy.version}`,
          }),
        }),
      )
      .execute();
  }
  return { recomputed: open.length, changed };
}

export async function recordExtension(
  ctx: AppContext,
  orderId: number,
  extension: { hours?: number; newDeadlineAt?: number; agreedBy: string; agreedAt?: number; note?: string },
  actor: string,
) {
  if ((extension.hours === undefined) === (extension.newDeadlineAt === undefined)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'hours',
        message: localized('give either hours or new_deadline_at.', '请提供 hours 或 new_deadline_at 其中之一。'),
      },
    ]);
  }
  if (
    extension.hours !== undefined &&
    !(Number.isInteger(extension.hours) && extension.hours > 0 && extension.hours <= 24 * 90)
  ) {
    throw new ValidationError([
      {
        row: 0,
        field: 'hours',
        message: localized('hours must be a whole number from 1 to 2160.', 'hours 必须是 1 到 2160 之间的整数。'),
      },
    ]);
  }
  if (!extension.agreedBy.trim()) {
    throw new ValidationError([
      { row: 0, field: 'agreed_by', message: localized('say who agreed to the extension.', '请填写同意延期的人。') },
    ]);
  }
  return ctx.store.db.transaction().execute(async (trx) => {
    const order = await trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
    if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
    const now = ctx.now();
    await trx
      .insertInto('order_extensions')
      .values({
        order_id: orderId,
        hours: extension.hours ?? null,
        new_deadline_at: extension.newDeadlineAt ?? null,
        agreed_by: extension.agreedBy.trim(),
        agreed_at: extension.agreedAt ?? now,
        note: extension.note ?? null,
        created_at: now,
      })
      .execute();
    await trx
      .insertInto('order_events')
      .values(
        timelineEvent({
          orderId,
          at: now,
          actor,
          kind: 'extension_recorded',
          reason: extension.note ?? null,
          data: JSON.stringify(extension),
        }),
      )
      .execute();
    await recomputeOpenDeadlines(trx, order.shop_id, now, actor, 'buyer extension', orderId);
    return trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
  });
}

/** The shops (all, or those given) with their policy choice, for the dashboard's settings. */
export async function listShopsWithPolicy(ctx: AppContext, shopIds?: readonly string[]) {
  let query = ctx.store.db.selectFrom('shops').selectAll().orderBy('id');
  if (shopIds) query = shopIds.length ? query.where('id', 'in', [...shopIds]) : query.where(sql<boolean>`1 = 0`);
  const shops = await query.execute();
  return shops.map((shop) => ({ shop, choice: shopPolicyChoice(shop) }));
}
