/**
 * The ONE way an order changes state (Vendure's order process): `transitionOrders` decides each move through the
 * order machine (core/order.ts `orderMachine`, `decide`), writes the new state and the milestone it reaches (first
 * time only) at the version the caller read (optimistic concurrency: a stale version is refused with
 * `order.version`, which the callers' retry loops take up), appends one `transition` event per step, and then runs
 * the after-hooks declared for the actions taken (order-hooks.ts, `afterOrderTransition`) — stock settle, queued
 * uploads of a closed order settled. The pure machine stays in core; its hooks are declared in app beside this file.
 *
 * Set-based: a batch of orders moving the same way is written with one statement per distinct change, and each
 * hook runs once for all the orders that took an action naming it, so the upload worker's hot path stays cheap.
 */
import { localized } from '../core/i18n';
import {
  ORDER_MILESTONE,
  orderMachine,
  type OrderAction,
  type OrderDecision,
  type OrderGuardContext,
  type OrderState,
} from '../core/order';
import { decide } from '../core/state-machine';
import type { Store } from '../store/database';
import * as orderStore from '../store/orders';
import type { NewOrderEventRow, OrderRow, OrderUpdate } from '../store/schema';
import { ConflictError, orderChangedMeanwhile } from './errors';
import { afterOrderTransition, type OrderHookContext, type OrderMove } from './order-hooks';
import { timelineEvent } from '../core/timeline';

/** What the transition needs of an order: where the path starts, the version written at, the shop for the hooks. */
export type OrderRef = Pick<OrderRow, 'id' | 'shop_id' | 'status' | 'version'>;

export interface OrderTransitionRequest<O extends OrderRef = OrderRow> {
  /** The order as read in this transaction: its status is where the path starts, its version the one written at. */
  order: O;
  /** One action, or a path of actions taken in turn (the platform may report several steps at once). */
  actions: readonly OrderAction[];
  /** The reason written on each step's event. */
  reason: string | null;
  /** A reason of its own for some actions of the path (else `reason`). */
  reasons?: Partial<Record<OrderAction, string>>;
  guard?: OrderGuardContext;
  parcelId?: number | null;
  data?: string | null;
  /** When the milestones were reached (default: now), e.g. the receipt's computed confirmation time. */
  milestoneAt?: number;
  /** Other columns written in the same statement (they win over a milestone of the same name). */
  set?: OrderUpdate;
  /** Other columns set only where still empty. */
  setIfNull?: OrderUpdate;
}

export type OrderTransitionOutcome<O extends OrderRef = OrderRow> =
  | { ok: true; order: O; from: OrderState; to: OrderState; actions: OrderAction[] }
  | { ok: false; order: O; refusal: Extract<OrderDecision, { ok: false }> };

export interface TransitionMeta {
  store: Store;
  now: number;
  actor: string;
  /** The events are pushed here for the caller to append in this transaction (to keep its timeline order); else appended now. */
  events?: NewOrderEventRow[];
}

/**
 * Moves each order along its actions. A refused step leaves that order untouched and is returned as a refusal (the
 * caller throws it or records it); the others are written. Throws ConflictError `order.version` when an order
 * changed since it was read.
 */
export async function transitionOrders<O extends OrderRef = OrderRow>(
  trx: orderStore.Executor,
  requests: readonly OrderTransitionRequest<O>[],
  meta: TransitionMeta,
): Promise<OrderTransitionOutcome<O>[]> {
  const outcomes: OrderTransitionOutcome<O>[] = [];
  const events: NewOrderEventRow[] = [];
  const writes: orderStore.OrderWrite[] = [];
  const moves: OrderMove[] = [];
  for (const request of requests) {
    const planned = plan(request, meta);
    if (!planned.ok) {
      outcomes.push(planned);
      continue;
    }
    const { set, setIfNull, stepEvents } = planned;
    writes.push({ id: request.order.id, version: request.order.version, set, setIfNull });
    events.push(...stepEvents);
    moves.push({
      orderId: request.order.id,
      shopId: request.order.shop_id,
      from: planned.from,
      to: planned.to,
      actions: planned.actions,
    });
    outcomes.push({
      ok: true,
      order: { ...request.order, ...set, status: planned.to, version: request.order.version + 1 } as O,
      from: planned.from,
      to: planned.to,
      actions: planned.actions,
    });
  }
  if ((await orderStore.writeOrdersAtVersions(trx, writes, meta.store)) !== writes.length) {
    throw orderChangedMeanwhile();
  }
  if (meta.events) meta.events.push(...events);
  else await orderStore.appendEvents(trx, events);
  if (moves.length) await runHooks(trx, moves, meta);
  return outcomes;
}

/** One order, one path: the refusal is thrown as a 409 naming its rule. */
export async function transitionOrder<O extends OrderRef = OrderRow>(
  trx: orderStore.Executor,
  request: OrderTransitionRequest<O>,
  meta: TransitionMeta,
): Promise<Extract<OrderTransitionOutcome<O>, { ok: true }>> {
  const outcome = (await transitionOrders(trx, [request], meta))[0]!;
  if (!outcome.ok) throw new ConflictError(outcome.refusal.rule, outcome.refusal.message, outcome.order.status);
  return outcome;
}

function plan<O extends OrderRef>(request: OrderTransitionRequest<O>, meta: TransitionMeta) {
  const { order } = request;
  let state = order.status as OrderState;
  const stepEvents: NewOrderEventRow[] = [];
  const milestones: OrderUpdate = {};
  for (const action of request.actions) {
    const decision = decide(orderMachine, state, action, request.guard ?? {});
    if (!decision.ok) return { ok: false as const, order, refusal: decision };
    stepEvents.push(
      timelineEvent({
        orderId: order.id,
        parcelId: request.parcelId ?? null,
        at: meta.now,
        actor: meta.actor,
        kind: 'transition',
        action,
        from: decision.from,
        to: decision.to,
        reason: request.reasons?.[action] ?? request.reason,
        data: request.data ?? null,
      }),
    );
    const milestone = ORDER_MILESTONE[decision.to];
    if (milestone) (milestones as Record<string, unknown>)[milestone] = request.milestoneAt ?? meta.now;
    state = decision.to;
  }
  const set: OrderUpdate = { ...request.set, updated_at: meta.now, status: state };
  // A milestone keeps its first time; a column the caller sets explicitly is not stamped again.
  const setIfNull: OrderUpdate = Object.fromEntries(
    Object.entries({ ...milestones, ...request.setIfNull }).filter(([column]) => !(column in set)),
  ) as OrderUpdate;
  return {
    ok: true as const,
    from: order.status as OrderState,
    to: state,
    actions: [...request.actions],
    set,
    setIfNull,
    stepEvents,
  };
}

/** Each hook once, for every order that took an action declaring it (in the order the table declares them). */
async function runHooks(trx: orderStore.Executor, moves: readonly OrderMove[], meta: TransitionMeta): Promise<void> {
  const byHook = new Map<string, { hook: (typeof afterOrderTransition)[OrderAction][number]; moves: OrderMove[] }>();
  for (const move of moves) {
    for (const action of move.actions) {
      for (const hook of afterOrderTransition[action]) {
        const entry = byHook.get(hook.name) ?? { hook, moves: [] };
        if (!entry.moves.includes(move)) entry.moves.push(move);
        byHook.set(hook.name, entry);
      }
    }
  }
  const context: OrderHookContext = { store: meta.store, now: meta.now, actor: meta.actor };
  for (const { hook, moves: taken } of byHook.values()) await hook.run(trx, taken, context);
}
