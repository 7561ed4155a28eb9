/**
 * The pack station's keys: Esc twice stops packing the order (the first Esc says to press it again), F2 and F4 open
 * the printed label and slip. Anything else the scan field takes.
 */
import { useState, type KeyboardEvent } from 'react';
import type { PackSession } from '../../api';
import type { Notice } from './Alert';
import type { Printed } from './LabelPanel';
import type { Phase } from './phase';

export function useStationKeys({
  session,
  phase,
  printed,
  cancel,
  setNotice,
}: {
  session: PackSession | undefined;
  phase: Phase;
  printed: Printed | undefined;
  cancel: () => Promise<void>;
  setNotice: (notice: Notice) => void;
}) {
  const [escArmed, setEscArmed] = useState(false);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && session && phase !== 'printed') {
      event.preventDefault();
      if (escArmed) {
        setEscArmed(false);
        void cancel();
      } else {
        setEscArmed(true);
        setNotice({ tone: 'info', say: (t) => t('pack.escAgain') });
      }
    } else if ((event.key === 'F2' || event.key === 'F4') && printed) {
      event.preventDefault();
      window.open(event.key === 'F2' ? printed.labelUrl : printed.slipUrl, '_blank', 'noopener');
    }
  };
  /** A scan was entered: the next Esc asks again. */
  const disarm = () => setEscArmed(false);
  return { onKeyDown, disarm };
}
