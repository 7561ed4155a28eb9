/**
 * The stock settle's plan as it is drawn up (stock-settle-plan.ts puts the steps in order): the locked stock rows as
 * they will be, in memory, and the writes planned so far: ledger movements, reservations, order transitions with
 * their timeline rows, shortfalls, and at the end the net change of each row. Pure: `now` and the actor are given.
 */
import { Availability, describeShortfalls, stockKey, type LineNeed, type Placement } from './inventory';
import { orderMachine, type OrderAction, type OrderState } from './order';
import { decide } from './state-machine';
import type { NewMovementRow, SettlementPlan } from './stock-settle-plan';
import {
  emptySettleReport,
  group,
  type Demand,
  type LevelRow,
  type RecordedShortfall,
  type SettleHead,
  type SortedOrders,
  type StockChange,
} from './stock-settle';
import { timelineEvent } from './timeline';

function sameShortfalls(a: readonly RecordedShortfall[], b: readonly RecordedShortfall[]): boolean {
  if (a.length !== b.length) return false;
  const key = (s: RecordedShortfall) => `${s.sku}\u0001${s.warehouse_id}\u0001${s.needed}\u0001${s.missing}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

export class SettlementDraft {
  readonly plan: SettlementPlan = {
    report: emptySettleReport(),
    refusals: [],
    deleteReservations: [],
    partlyConsumed: [],
    reservations: [],
    movements: [],
    events: [],
    clearShortfalls: [],
    shortfalls: [],
    transitions: [],
    deltas: [],
  };
  private readonly now: number;
  private readonly actor: string;
  /** The rows as read, and as they will be. */
  private readonly original: Map<string, LevelRow>;
  private readonly current: Map<string, { on_hand: number; reserved: number }>;
  private readonly thresholds = new Map<string, number>();
  /** "from\u0001to" → order ids */
  private readonly transitions = new Map<string, number[]>();

  constructor(now: number, actor: string, levels: readonly LevelRow[]) {
    this.now = now;
    this.actor = actor;
    this.original = new Map(levels.map((l) => [stockKey(l.warehouse_id, l.sku), l]));
    this.current = new Map(
      levels.map((l) => [stockKey(l.warehouse_id, l.sku), { on_hand: l.on_hand, reserved: l.reserved }]),
    );
  }

  /** Releases of what orders held, then consumptions of what they shipped. */
  releaseAndConsume(sorted: SortedOrders): void {
    const { plan } = this;
    for (const { res, reason } of sorted.toRelease) {
      this.level(res.warehouse_id, res.sku).reserved -= res.quantity;
      plan.deleteReservations.push(res.id);
      this.movement({
        warehouse_id: res.warehouse_id,
        sku: res.sku,
        kind: 'release',
        on_hand_delta: 0,
        reserved_delta: -res.quantity,
        reason,
        order_id: res.order_id,
        purchase_order_id: null,
        note: null,
      });
      plan.report.releasedUnits += res.quantity;
    }
    for (const { res, units } of sorted.toConsume) {
      if (units <= 0) continue;
      const row = this.level(res.warehouse_id, res.sku);
      row.on_hand -= units;
      row.reserved -= units;
      if (units >= res.quantity) plan.deleteReservations.push(res.id);
      else plan.partlyConsumed.push({ id: res.id, quantity: res.quantity - units });
      this.movement({
        warehouse_id: res.warehouse_id,
        sku: res.sku,
        kind: 'ship',
        on_hand_delta: -units,
        reserved_delta: -units,
        reason: 'shipped',
        order_id: res.order_id,
        purchase_order_id: null,
        note: null,
      });
      plan.report.consumedUnits += units;
    }
  }

  /** The stock changes; one that would leave less on hand than is reserved is refused (`plan.refusals`). */
  applyStockChanges(changes: readonly StockChange[]): void {
    for (const c of changes) {
      const row = this.level(c.warehouseId, c.sku);
      const next = c.set ?? row.on_hand + (c.delta ?? 0);
      if (next < row.reserved) {
        this.plan.refusals.push({
          warehouseId: c.warehouseId,
          sku: c.sku,
          ...(c.row !== undefined ? { row: c.row } : {}),
          onHandAfter: next,
          reserved: row.reserved,
        });
        continue;
      }
      if (next !== row.on_hand) {
        this.movement({
          warehouse_id: c.warehouseId,
          sku: c.sku,
          kind: c.kind,
          on_hand_delta: next - row.on_hand,
          reserved_delta: 0,
          reason: c.reason,
          order_id: null,
          purchase_order_id: c.purchaseOrderId,
          note: c.note,
        });
        row.on_hand = next;
      }
      if (c.lowStockThreshold !== undefined) this.thresholds.set(stockKey(c.warehouseId, c.sku), c.lowStockThreshold);
    }
  }

  /** The free units of each row as it is now. */
  availability(): Availability {
    const available = new Availability();
    for (const [key, row] of this.current) {
      const o = this.original.get(key)!;
      available.set(o.warehouse_id, o.sku, row.on_hand - row.reserved);
    }
    return available;
  }

  /** An order's placement: its reservation, its wait with the shortfalls, or nothing to stock. */
  applyPlacement(head: SettleHead, placement: Placement, recorded: readonly RecordedShortfall[], served: boolean) {
    const { plan } = this;
    if (placement.kind === 'reserve') {
      const items = this.reserveItems(head, placement.warehouseId, placement.items);
      // A plain reservation is in the ledger (stock ledger --order); the timeline gets the change of state.
      if (head.status === 'awaiting_stock') {
        const text = `reserved ${items.map((i) => `${i.quantity} × ${i.sku}`).join(', ')} at ${placement.warehouseId}`;
        this.transition(head, 'reserve_stock', text, {
          warehouse: placement.warehouseId,
          items,
          meets_deadline: placement.meetsDeadline,
        });
      }
      if (recorded.length) plan.clearShortfalls.push(head.id);
      plan.report.reserved.push(head.id);
      if (served) plan.report.served.push(head.id);
    } else if (placement.kind === 'wait') {
      this.wait(head, placement, recorded);
    } else {
      if (head.status === 'awaiting_stock')
        this.transition(head, 'reserve_stock', 'no item of the order is stocked in shipby', { untracked: true });
      if (recorded.length) plan.clearShortfalls.push(head.id);
    }
  }

  /** The parcels still to come keep the units they held, as far as the new lines still ask for them. */
  carryHeld({ head, held }: SortedOrders['toCarry'][number], demand: Demand, available: Availability): void {
    const items: LineNeed[] = [];
    for (const h of held) {
      const line = demand.lines.find((l) => l.sku === h.platformSku);
      const units = line ? (demand.componentsOf(line.sku) ?? []).find((c) => c.sku === h.sku)?.units : undefined;
      if (!line || units === undefined) continue;
      const quantity = Math.min(h.quantity, line.quantity * units, available.get(h.warehouseId, h.sku));
      if (quantity <= 0) continue;
      available.take(h.warehouseId, h.sku, quantity);
      items.push({ lineId: line.id, sku: h.sku, quantity });
    }
    for (const [warehouseId, list] of group(items, (i) => held.find((h) => h.sku === i.sku)!.warehouseId))
      this.reserveItems(head, warehouseId, list);
  }

  /** The plan with the net change of each stock row and the transitions grouped by their states. */
  finish(): SettlementPlan {
    const { plan } = this;
    for (const [key, row] of this.current) {
      const o = this.original.get(key)!;
      const threshold = this.thresholds.get(key);
      const thresholdChanged = threshold !== undefined && threshold !== o.low_stock_threshold;
      if (row.on_hand !== o.on_hand || row.reserved !== o.reserved || thresholdChanged) {
        plan.deltas.push({
          warehouse_id: o.warehouse_id,
          sku: o.sku,
          on_hand: row.on_hand - o.on_hand,
          reserved: row.reserved - o.reserved,
          ...(thresholdChanged ? { low_stock_threshold: threshold } : {}),
        });
      }
    }
    plan.transitions = [...this.transitions].map(([key, ids]) => {
      const [from, to] = key.split('\u0001') as [string, string];
      return { from, to, ids };
    });
    return plan;
  }

  /** Waiting for stock: the order moves to waiting, or its changed shortfalls go on the timeline and are recorded. */
  private wait(
    head: SettleHead,
    placement: Extract<Placement, { kind: 'wait' }>,
    recorded: readonly RecordedShortfall[],
  ) {
    const { plan, now } = this;
    const rows = placement.shortfalls.map((s) => ({
      order_id: head.id,
      sku: s.sku,
      warehouse_id: placement.warehouseId,
      needed: s.needed,
      missing: s.missing,
      recorded_at: now,
    }));
    const data = {
      warehouse: placement.warehouseId,
      missing: placement.shortfalls.filter((s) => s.missing > 0),
      needs: placement.shortfalls,
    };
    const text = describeShortfalls(placement.shortfalls, placement.warehouseId).en;
    const changed = !sameShortfalls(recorded, rows);
    if (head.status === 'awaiting_shipment') this.transition(head, 'wait_for_stock', text, data);
    else if (changed)
      plan.events.push(
        timelineEvent({
          orderId: head.id,
          at: now,
          actor: this.actor,
          kind: 'stock_short',
          reason: text,
          data: JSON.stringify(data),
        }),
      );
    if (changed) {
      if (recorded.length) plan.clearShortfalls.push(head.id);
      plan.shortfalls.push(...rows);
    }
    plan.report.waiting.push(head.id);
  }

  private level(warehouseId: string, sku: string) {
    const row = this.current.get(stockKey(warehouseId, sku));
    if (!row) throw new Error(`stock row ${warehouseId}/${sku} missing for a reservation that names it`);
    return row;
  }

  private movement(m: Omit<NewMovementRow, 'at' | 'actor'>): void {
    this.plan.movements.push({ at: this.now, actor: this.actor, ...m });
  }

  private transition(head: SettleHead, action: OrderAction, reason: string, data: unknown): void {
    const decision = decide(orderMachine, head.status as OrderState, action, {});
    if (!decision.ok) throw new Error(`stock: ${decision.message.en}`);
    const key = `${decision.from}\u0001${decision.to}`;
    const list = this.transitions.get(key) ?? [];
    list.push(head.id);
    this.transitions.set(key, list);
    this.plan.events.push(
      timelineEvent({
        orderId: head.id,
        at: this.now,
        actor: this.actor,
        kind: 'transition',
        action,
        from: decision.from,
        to: decision.to,
        reason,
        data: JSON.stringify(data),
      }),
    );
  }

  private reserveItems(head: SettleHead, warehouseId: string, items: readonly LineNeed[]) {
    const bySku = new Map<string, number>();
    for (const item of items) {
      this.plan.reservations.push({
        order_id: head.id,
        order_line_id: item.lineId,
        warehouse_id: warehouseId,
        sku: item.sku,
        quantity: item.quantity,
        created_at: this.now,
      });
      bySku.set(item.sku, (bySku.get(item.sku) ?? 0) + item.quantity);
    }
    for (const [sku, quantity] of bySku) {
      this.level(warehouseId, sku).reserved += quantity;
      this.movement({
        warehouse_id: warehouseId,
        sku,
        kind: 'reserve',
        on_hand_delta: 0,
        reserved_delta: quantity,
        reason: null,
        order_id: head.id,
        purchase_order_id: null,
        note: null,
      });
    }
    return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
  }
}
