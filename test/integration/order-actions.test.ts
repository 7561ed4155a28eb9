import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { ConflictError } from '../../src/app/errors';
import { applyOrderAction, upsertOrders } from '../../src/app/orders';
import { type ImportIssue } from '../../src/core/order-input';
import { parseJsonOrder } from '../../src/core/order-input-json';
import { orderMachine, type OrderState } from '../../src/core/order';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';

const API_ACTIONS = [
  'accept',
  'cancel',
  'ship_part',
  'ship_all',
  'report_in_transit',
  'report_delivered',
  'confirm_receipt',
  'close_unfulfilled',
];

function jsonOrder(id: string, status: string) {
  const issues: ImportIssue[] = [];
  const order = parseJsonOrder(
    {
      order_id: id,
      platform: 'aliexpress',
      status,
      paid_at: '2026-11-20T10:00:00Z',
      buyer_name: 'B',
      buyer_country: 'FR',
      address_line1: 'a',
      city: 'Paris',
      currency: 'EUR',
      handling_days: 3,
      lines: [{ sku: 'S', quantity: 1, unit_price: '5.00' }],
    },
    '',
    1,
    issues,
  );
  if (!order) throw new Error(JSON.stringify(issues));
  return order;
}

describe.each(backends)('order actions on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const clock = manualClock();
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
  });
  afterAll(() => dispose());

  it('writes exactly one event per accepted transition, none per refusal, and only declared transitions', async () => {
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('RISK_CONTROL', 'WAIT_SELLER_SEND_GOODS'),
        fc.array(
          fc.record({ action: fc.constantFrom(...API_ACTIONS), reason: fc.constantFrom(undefined, '', 'buyer asked') }),
          { minLength: 1, maxLength: 8 },
        ),
        async (status, attempts) => {
          const platformId = `P${++counter}`;
          const { ids } = await upsertOrders(
            ctx,
            'prop-shop',
            [{ order: jsonOrder(platformId, status), row: 1 }],
            'test',
          );
          const id = ids.get(platformId)!;
          let state = (status === 'RISK_CONTROL' ? 'new' : 'awaiting_shipment') as OrderState;
          let accepted = 0;
          for (const attempt of attempts) {
            clock.advance(1000);
            try {
              const after = await applyOrderAction(ctx, id, {
                action: attempt.action,
                reason: attempt.reason,
                actor: 'prop',
              });
              const rule = orderMachine.transitions[attempt.action as keyof typeof orderMachine.transitions];
              expect(rule.from).toContain(state);
              expect(after.status).toBe(rule.to);
              state = after.status as OrderState;
              accepted++;
            } catch (error) {
              expect(error).toBeInstanceOf(ConflictError);
            }
          }
          const events = await store.db
            .selectFrom('order_events')
            .selectAll()
            .where('order_id', '=', id)
            .orderBy('id')
            .execute();
          const transitions = events.filter((e) => e.kind === 'transition');
          expect(transitions).toHaveLength(accepted);
          // The timeline replays to the stored state.
          const stored = await store.db
            .selectFrom('orders')
            .select(['status'])
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          expect(transitions.at(-1)?.to_state ?? (status === 'RISK_CONTROL' ? 'new' : 'awaiting_shipment')).toBe(
            stored.status,
          );
          for (let i = 1; i < transitions.length; i++)
            expect(transitions[i]!.from_state).toBe(transitions[i - 1]!.to_state);
        },
      ),
      { numRuns: backend.name === 'postgres' ? 25 : 60 },
    );
  });

  it('refuses an illegal action with 409-style rule and changes nothing', async () => {
    const { ids } = await upsertOrders(
      ctx,
      'shop-x',
      [{ order: jsonOrder('X1', 'WAIT_SELLER_SEND_GOODS'), row: 1 }],
      'test',
    );
    const id = ids.get('X1')!;
    await expect(applyOrderAction(ctx, id, { action: 'accept', actor: 't' })).rejects.toMatchObject({
      rule: 'order.accept.from',
      state: 'awaiting_shipment',
    });
    const cancelled = await applyOrderAction(ctx, id, { action: 'cancel', reason: 'out of stock', actor: 't' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_at: clock.now() });
  });
});
