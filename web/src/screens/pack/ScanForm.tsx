/**
 * The pack station's one field, for a scanner (it types the code and Enter) or a keyboard: what it asks for depends
 * on the phase (the order, its items, the weight; Enter for the label, Enter for the next order). A held parcel
 * (weight out of tolerance) takes the reason to accept it anyway.
 */
import type { FormEvent, RefObject } from 'react';
import type { PlanJob } from '../../api';
import { useI18n } from '../../i18n';
import { PROMPT, type Phase } from './phase';

export function ScanForm({
  phase,
  inputRef,
  code,
  onCode,
  onSubmit,
  next,
  alerting,
  busy,
  blocked,
  held,
  overrideReason,
  onOverrideReason,
}: {
  phase: Phase;
  inputRef: RefObject<HTMLInputElement | null>;
  code: string;
  onCode: (value: string) => void;
  onSubmit: (event: FormEvent) => void;
  next: { job: PlanJob } | undefined;
  /** The message line shows an error. */
  alerting: boolean;
  busy: boolean;
  /** The order cannot be labelled (closed or cancelled meanwhile): said at #pack-blocked. */
  blocked: boolean;
  /** The parcel's weight is out of tolerance: the override reason is asked for. */
  held: boolean;
  overrideReason: string;
  onOverrideReason: (value: string) => void;
}) {
  const { t } = useI18n();
  const placeholder =
    phase === 'weight'
      ? t('pack.gramsPlaceholder')
      : phase === 'order' || phase === 'printed'
        ? next
          ? t('pack.enterForNext', { order: next.job.platform_order_id })
          : t('pack.scanPlaceholder')
        : phase === 'label'
          ? t('pack.enterToPrint')
          : t('pack.scanPlaceholder');
  return (
    <form className="scan-form" onSubmit={onSubmit} data-testid="scan-form">
      <label htmlFor="scan-input" className="scan-prompt" data-testid="scan-prompt">
        {t(PROMPT[phase])}
      </label>
      <div className="scan-row">
        <input
          id="scan-input"
          ref={inputRef}
          className="scan-input"
          value={code}
          onChange={(e) => onCode(e.target.value)}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          inputMode={phase === 'weight' ? 'numeric' : 'text'}
          placeholder={placeholder}
          aria-invalid={alerting}
          aria-busy={busy}
          data-testid="scan-input"
        />
        <button
          type="submit"
          className="primary big"
          disabled={busy || (phase === 'label' && blocked)}
          aria-describedby={blocked ? 'pack-blocked' : undefined}
        >
          {phase === 'label' ? t('pack.printLabel') : phase === 'weight' ? t('pack.weigh') : t('pack.enter')}
        </button>
      </div>
      {phase === 'weight' && held ? (
        <label className="override">
          {t('pack.overrideReason')}
          <input
            value={overrideReason}
            onChange={(e) => onOverrideReason(e.target.value)}
            data-testid="override-reason"
            placeholder={t('pack.overridePlaceholder')}
          />
        </label>
      ) : null}
      <p className="hint">{t('pack.keys')}</p>
    </form>
  );
}
