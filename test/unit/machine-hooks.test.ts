/**
 * The declared machines (order, outbox row, pack session): every action has its after-hooks declared (an empty list
 * is a declaration too), every table names only its machine's states, and `decide` refuses an illegal move with the
 * rule `<machine>.<action>.from` in both languages — checked for every state and action, and as a property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterOrderTransition } from '../../src/app/order-hooks';
import { afterOutboxTransition } from '../../src/app/outbox-hooks';
import { afterPackSessionTransition } from '../../src/app/pack-session-hooks';
import { ORDER_STATES, orderMachine } from '../../src/core/order';
import { OUTBOX_STATES, outboxMachine } from '../../src/core/outbox-row';
import { PACK_SESSION_STATES, packSessionMachine, OPEN_PACK_SESSION_STATES } from '../../src/core/pack-station';
import { decide, type MachineDefinition } from '../../src/core/state-machine';
import { OPEN_PACK_SESSION_STATES as MIGRATED_OPEN_STATES } from '../../src/store/migrations/0006-packing';

type AnyMachine = MachineDefinition<string, string, Record<string, unknown>>;

const machines: Array<{
  name: string;
  machine: AnyMachine;
  states: readonly string[];
  hooks: Record<string, ReadonlyArray<{ name: string }>>;
}> = [
  { name: 'order', machine: orderMachine as unknown as AnyMachine, states: ORDER_STATES, hooks: afterOrderTransition },
  {
    name: 'outbox',
    machine: outboxMachine as unknown as AnyMachine,
    states: OUTBOX_STATES,
    hooks: afterOutboxTransition,
  },
  {
    name: 'pack_session',
    machine: packSessionMachine as unknown as AnyMachine,
    states: PACK_SESSION_STATES,
    hooks: afterPackSessionTransition,
  },
];

describe.each(machines)('the $name machine', ({ name, machine, states, hooks }) => {
  it('declares the hooks of every action, and of no other', () => {
    expect(Object.keys(hooks).sort()).toEqual(Object.keys(machine.transitions).sort());
    for (const list of Object.values(hooks)) {
      for (const hook of list) expect(hook.name).toMatch(/^[a-z_]+$/);
      // A hook is declared once per action.
      expect(new Set(list.map((h) => h.name)).size).toBe(list.length);
    }
  });

  it('refuses every illegal move with its rule, in both languages, and allows every legal one', () => {
    for (const from of states) {
      for (const [action, rule] of Object.entries(machine.transitions)) {
        const decision = decide(machine, from, action, { reason: 'a reason' });
        if (rule.from.includes(from)) {
          expect(decision).toMatchObject({ ok: true, from, to: rule.to });
        } else {
          expect(decision).toMatchObject({ ok: false, rule: `${name}.${action}.from` });
          if (!decision.ok) {
            expect(decision.message.en).toContain(from.replace(/_/g, ' '));
            expect(decision.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
          }
        }
      }
    }
  });

  it('keeps every walk of legal moves among its states (property)', () => {
    const actions = Object.keys(machine.transitions);
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        fc.array(fc.constantFrom(...actions), { maxLength: 30 }),
        (start, walk) => {
          let state = start;
          for (const action of walk) {
            const decision = decide(machine, state, action, { reason: 'r' });
            if (decision.ok) {
              expect(states).toContain(decision.to);
              expect(decision.to).toBe(machine.transitions[action]!.to);
              state = decision.to;
            } else {
              // A refusal names the rule and leaves the state where it was.
              expect(decision.rule.startsWith(`${name}.${action}.`)).toBe(true);
              expect(decision.from).toBe(state);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the declarations agree with what the store and the order rules rely on', () => {
  it('the open pack-session states are the ones the unique index of migration 0006 covers', () => {
    expect([...OPEN_PACK_SESSION_STATES].sort()).toEqual([...MIGRATED_OPEN_STATES].sort());
  });

  it('shipping, cancelling and closing settle stock; a closed or cancelled order settles its queued uploads', () => {
    const names = (action: keyof typeof afterOrderTransition) => afterOrderTransition[action].map((h) => h.name);
    expect(names('ship_all')).toContain('settle_stock');
    expect(names('accept')).toContain('settle_stock');
    for (const action of ['cancel', 'close_unfulfilled'] as const)
      expect(names(action)).toEqual(['settle_stock', 'settle_queued_uploads']);
    // A partial shipment settles too: the engine keeps what the order holds for the parcels still to come and drops a
    // shortfall it no longer waits on (test/integration/stock.test.ts holds the invariant over random interleavings).
    expect(names('ship_part')).toEqual(['settle_stock']);
    expect(afterOutboxTransition.accept.map((h) => h.name)).toEqual(['apply_accepted_uploads']);
    expect(afterOutboxTransition.dead_letter.map((h) => h.name)).toEqual(['alert_dead_upload']);
  });

  it('a cancellation without a reason is refused by its guard rule', () => {
    const decision = decide(orderMachine, 'awaiting_shipment', 'cancel', { reason: '  ' });
    expect(decision).toMatchObject({ ok: false, rule: 'order.cancel.guard' });
  });
});
