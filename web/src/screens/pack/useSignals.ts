/**
 * The pack station's signals: the message line (`notice`, said in the language of the moment it shows), a flash of the screen (green, or red for longer) and a
 * beep, each counted so that the same signal twice is seen and heard twice. `loud` for a wrong scan or a refusal,
 * `good` for a scan or a step done.
 */
import { useCallback, useEffect, useState } from 'react';
import { noticeOf, type Notice, type Say } from './Alert';
import { beep } from './sound';

export function useSignals() {
  const [notice, setNotice] = useState<Notice>();
  const [flash, setFlash] = useState<{ tone: 'ok' | 'error'; n: number } | undefined>();
  const [sound, setSound] = useState<{ kind: string; n: number }>({ kind: '', n: 0 });

  const loud = useCallback((error: unknown) => {
    setNotice(noticeOf(error));
    setFlash((f) => ({ tone: 'error', n: (f?.n ?? 0) + 1 }));
    setSound((s) => ({ kind: 'error', n: s.n + 1 }));
    beep('error');
  }, []);

  const good = useCallback((say: Say) => {
    setNotice({ tone: 'ok', say });
    setFlash((f) => ({ tone: 'ok', n: (f?.n ?? 0) + 1 }));
    setSound((s) => ({ kind: 'ok', n: s.n + 1 }));
    beep('ok');
  }, []);

  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(undefined), flash.tone === 'error' ? 1500 : 400);
    return () => clearTimeout(timer);
  }, [flash]);

  return { notice, setNotice, flash, sound, loud, good };
}
