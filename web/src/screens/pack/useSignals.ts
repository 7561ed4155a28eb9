/**
 * The pack station's signals: the message line (`notice`), a flash of the screen (green, or red for longer) and a
 * beep, each counted so that the same signal twice is seen and heard twice. `loud` for a wrong scan or a refusal,
 * `good` for a scan or a step done.
 */
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { noticeOf, type Notice } from './Alert';
import { beep } from './sound';

export function useSignals() {
  const { t, pick } = useI18n();
  const [notice, setNotice] = useState<Notice>();
  const [flash, setFlash] = useState<{ tone: 'ok' | 'error'; n: number } | undefined>();
  const [sound, setSound] = useState<{ kind: string; n: number }>({ kind: '', n: 0 });

  const loud = useCallback(
    (error: unknown) => {
      setNotice(noticeOf(error, pick, t));
      setFlash((f) => ({ tone: 'error', n: (f?.n ?? 0) + 1 }));
      setSound((s) => ({ kind: 'error', n: s.n + 1 }));
      beep('error');
    },
    [pick, t],
  );

  const good = useCallback((text: string) => {
    setNotice({ tone: 'ok', text });
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
