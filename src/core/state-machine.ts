/**
 * A state machine declared as one table of named actions. Every state change in shipby goes through
 * `decide`, so the legal transitions live in exactly one place per machine (Vendure's idea).
 * Adding a state or a guard is one line in the table.
 */
import { localized, type Localized } from './i18n';

export interface TransitionRule<S extends string, C> {
  from: readonly S[];
  to: S;
  /** Returns a refusal (why the action is not allowed now) or undefined when allowed. */
  guard?: (context: C) => Localized | undefined;
}

export type TransitionTable<S extends string, A extends string, C> = Record<A, TransitionRule<S, C>>;

export interface MachineDefinition<S extends string, A extends string, C> {
  name: string;
  /** How the thing is called in messages (default: the name, and 订单 / 包裹 for the order and parcel). */
  label?: { en: string; zh: string };
  states: readonly S[];
  transitions: TransitionTable<S, A, C>;
}

export type Decision<S extends string, A extends string> =
  | { ok: true; action: A; from: S; to: S }
  | { ok: false; action: A; from: S; rule: string; message: Localized };

export function defineMachine<S extends string, A extends string, C>(
  definition: MachineDefinition<S, A, C>,
): MachineDefinition<S, A, C> {
  for (const [action, rule] of Object.entries(definition.transitions) as [A, TransitionRule<S, C>][]) {
    for (const state of [...rule.from, rule.to]) {
      if (!definition.states.includes(state)) {
        throw new Error(`${definition.name}: action ${action} names unknown state ${state}`);
      }
    }
  }
  return definition;
}

export function isAction<S extends string, A extends string, C>(
  machine: MachineDefinition<S, A, C>,
  action: string,
): action is A {
  return Object.prototype.hasOwnProperty.call(machine.transitions, action);
}

/** The one place where a transition is checked. */
export function decide<S extends string, A extends string, C>(
  machine: MachineDefinition<S, A, C>,
  from: S,
  action: A,
  context: C,
): Decision<S, A> {
  const rule = machine.transitions[action];
  if (!rule.from.includes(from)) {
    return {
      ok: false,
      action,
      from,
      rule: `${machine.name}.${action}.from`,
      message: localized(
        `Cannot ${action.replace(/_/g, ' ')} a ${machine.label?.en ?? machine.name} that is ${from.replace(/_/g, ' ')} (allowed from: ${rule.from.join(', ')}).`,
        `${machine.label?.zh ?? (machine.name === 'order' ? '订单' : '包裹')}当前状态为「${from}」，不能执行「${action}」（允许的状态：${rule.from.join('、')}）。`,
      ),
    };
  }
  const refusal = rule.guard?.(context);
  if (refusal) {
    return { ok: false, action, from, rule: `${machine.name}.${action}.guard`, message: refusal };
  }
  return { ok: true, action, from, to: rule.to };
}

/** The actions that are legal from a state, ignoring guards. */
export function actionsFrom<S extends string, A extends string, C>(machine: MachineDefinition<S, A, C>, from: S): A[] {
  return (Object.entries(machine.transitions) as [A, TransitionRule<S, C>][])
    .filter(([, rule]) => rule.from.includes(from))
    .map(([action]) => action);
}
