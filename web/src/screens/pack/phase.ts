/** Where the pack station's one field is in an order's packing, and what it asks for there. */
import type { PackSession } from '../../api';
import type { MessageKey } from '../../i18n/en';
import type { Printed } from './LabelPanel';

export type Phase = 'order' | 'items' | 'weight' | 'label' | 'printed';

export function phaseOf(session: PackSession | undefined, printed: Printed | undefined): Phase {
  if (!session) return 'order';
  if (printed) return 'printed';
  if (session.status === 'scanning') return 'items';
  if (session.status === 'weighing' || session.status === 'held') return 'weight';
  return 'label';
}

export const PROMPT: Record<Phase, MessageKey> = {
  order: 'pack.prompt.order',
  items: 'pack.prompt.items',
  weight: 'pack.prompt.weight',
  label: 'pack.prompt.label',
  printed: 'pack.prompt.next',
};
