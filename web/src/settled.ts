/**
 * Why an order can no longer be labelled or shipped, read from its situation (the API's one truth,
 * core/situation.ts, sent with the verdict): closed by the platform or cancelled. The order page and the pack
 * station show it instead of buttons that the API would refuse with 409 `order.closed` / `order.cancelled`.
 */
import type { Verdict } from './api';
import type { MessageKey } from './i18n/en';

export interface Settled {
  kind: 'closed' | 'cancelled';
  key: MessageKey;
}

export function settledOf(verdict: Verdict | undefined): Settled | undefined {
  const kind = verdict?.situation?.kind;
  if (kind === 'closed') return { kind, key: 'ship.closed' };
  if (kind === 'cancelled') return { kind, key: 'ship.cancelled' };
  return undefined;
}
