/**
 * The outbox row's lifecycle (an upload of a tracking number, or a buyer's notice), declared as one table like the
 * order's: `decide` (state-machine.ts) is the only place a row's move is checked, and the store's claim and settle
 * statements take their status lists from here. The after-hooks are declared in app/outbox-hooks.ts.
 */
import { defineMachine } from './state-machine';

export const OUTBOX_STATES = [
  'held', // waits for the carrier's first scan (upload timing `first_scan`)
  'pending', // due at next_attempt_at
  'in_flight', // claimed by a worker until lease_until
  'delivered', // accepted by the platform (or found there by reading back); a notice sent
  'dead', // dead-lettered: refused by the platform, or failing past the order's closing point
  'refused', // not sent, and never will be: the order is closed or cancelled, or fully declared without it
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const outboxMachine = defineMachine({
  name: 'outbox',
  label: { en: 'outbox entry', zh: '待发送记录' },
  states: OUTBOX_STATES,
  transitions: {
    /** The carrier's first scan: the held upload becomes due. */
    release: { from: ['held'], to: 'pending' },
    /** A worker takes a due row, or takes over one whose worker's lease ran out. */
    claim: { from: ['pending', 'in_flight'], to: 'in_flight' },
    accept: { from: ['in_flight'], to: 'delivered' },
    /** A transient failure: due again later. */
    retry: { from: ['in_flight'], to: 'pending' },
    /** The worker stopped before sending: handed back, the attempt not counted. */
    interrupt: { from: ['in_flight'], to: 'pending' },
    dead_letter: { from: ['in_flight'], to: 'dead' },
    /** Settled unsent: by the worker, or at once when the order is cancelled or closed while the row waits. */
    refuse: { from: ['held', 'pending', 'in_flight'], to: 'refused' },
    /** The seller puts a dead letter back in the queue (read back first). */
    requeue: { from: ['dead'], to: 'pending' },
  },
});
export type OutboxAction = keyof typeof outboxMachine.transitions;
