import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ORDER_STATES,
  orderMachine,
  PARCEL_STATES,
  parcelMachine,
  type OrderAction,
  type OrderState,
} from '../../src/core/order';
import { platformStatusChange } from '../../src/core/order-facts';
import { actionsFrom, decide } from '../../src/core/state-machine';

const orderActions = Object.keys(orderMachine.transitions) as OrderAction[];

describe('order state machine', () => {
  it('only ever passes through declared transitions, whatever actions are tried', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDER_STATES),
        fc.array(
          fc.record({ action: fc.constantFrom(...orderActions), reason: fc.option(fc.string(), { nil: undefined }) }),
          { maxLength: 40 },
        ),
        (start, attempts) => {
          let state: OrderState = start;
          for (const attempt of attempts) {
            const decision = decide(orderMachine, state, attempt.action, { reason: attempt.reason });
            const rule = orderMachine.transitions[attempt.action];
            if (decision.ok) {
              expect(rule.from).toContain(state);
              expect(decision.to).toBe(rule.to);
              state = decision.to;
            } else {
              // A refusal names the rule and leaves the state where it was.
              expect(decision.rule).toMatch(/^order\.[a-z_]+\.(from|guard)$/);
              expect(decision.message.en.length).toBeGreaterThan(0);
              expect(decision.message['zh-CN'].length).toBeGreaterThan(0);
            }
          }
        },
      ),
    );
  });

  it('refuses to cancel without a reason, with the guard as the rule', () => {
    const refused = decide(orderMachine, 'awaiting_shipment', 'cancel', { reason: '  ' });
    expect(refused).toMatchObject({ ok: false, rule: 'order.cancel.guard' });
    expect(decide(orderMachine, 'awaiting_shipment', 'cancel', { reason: 'buyer asked' })).toMatchObject({
      ok: true,
      to: 'cancelled',
    });
    expect(decide(orderMachine, 'shipped', 'cancel', { reason: 'too late' })).toMatchObject({
      ok: false,
      rule: 'order.cancel.from',
    });
  });

  it('has no way out of a terminal state', () => {
    for (const terminal of ['completed', 'cancelled', 'closed_unfulfilled'] as const)
      expect(actionsFrom(orderMachine, terminal)).toEqual([]);
  });

  it('declares only known parcel states', () => {
    for (const rule of Object.values(parcelMachine.transitions)) {
      for (const s of [...rule.from, rule.to]) expect(PARCEL_STATES).toContain(s);
    }
    expect(decide(parcelMachine, 'created', 'pack', {})).toMatchObject({ ok: true, to: 'packed' });
    expect(decide(parcelMachine, 'delivered', 'void', {})).toMatchObject({ ok: false });
  });
});

describe('platform status changes', () => {
  it('walks the shortest legal path, ignores a lagging platform and refuses the impossible', () => {
    expect(platformStatusChange('new', 'awaiting_shipment')).toEqual({ kind: 'transitions', actions: ['accept'] });
    expect(platformStatusChange('new', 'shipped')).toEqual({ kind: 'transitions', actions: ['accept', 'ship_all'] });
    expect(platformStatusChange('shipped', 'awaiting_shipment')).toEqual({ kind: 'stale' });
    expect(platformStatusChange('completed', 'cancelled')).toEqual({ kind: 'illegal' });
    expect(platformStatusChange('delivered', 'delivered')).toEqual({ kind: 'same' });
  });

  it('every path it proposes is legal step by step', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_STATES), fc.constantFrom(...ORDER_STATES), (from, to) => {
        const change = platformStatusChange(from, to);
        if (change.kind !== 'transitions') return;
        let state: OrderState = from;
        for (const action of change.actions) {
          const d = decide(orderMachine, state, action, { reason: 'platform' });
          expect(d.ok).toBe(true);
          if (d.ok) state = d.to;
        }
        expect(state).toBe(to);
      }),
    );
  });
});
