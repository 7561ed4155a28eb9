/**
 * Buying a label without dead ends (issue 17), shared by the pack station and the order page:
 *   - when the API chooses no service (409 label.no_service), the quote's candidates are shown with cost, arrival and
 *     why each was not chosen, and the packer picks one; the next purchase sends it;
 *   - when the label costs more than the shop's share of the order's value (409 label.cost_confirm), the cost is
 *     shown and only the «Buy it anyway» button buys it: Enter (or a scanner's Enter) never does.
 */
import { useCallback, useState } from 'react';
import { api, ApiError, type IssuedLabel, type Localized, type OrderQuotes, type QuoteCandidate } from '../../api';
import { DateTime, Money } from '../../components';
import { useI18n } from '../../i18n';

export interface LabelPurchase {
  /** Buys the order's labels with the service picked (if any); `confirmed` only from the confirmation button. */
  buy: (confirmed?: boolean) => Promise<IssuedLabel[]>;
  picked: string | undefined;
  pick: (service: string | undefined) => void;
  candidates: QuoteCandidate[] | undefined;
  /** The cost message waiting for the confirmation button, when there is one. */
  costToConfirm: Localized | undefined;
  reset: () => void;
}

export function useLabelPurchase(orderId: number | undefined): LabelPurchase {
  const [picked, setPicked] = useState<string | undefined>();
  const [candidates, setCandidates] = useState<QuoteCandidate[] | undefined>();
  const [costToConfirm, setCostToConfirm] = useState<Localized | undefined>();
  const reset = useCallback(() => {
    setPicked(undefined);
    setCandidates(undefined);
    setCostToConfirm(undefined);
  }, []);
  const buy = async (confirmed = false) => {
    if (orderId === undefined) return [];
    try {
      const answer = await api<{ items: IssuedLabel[] }>(`/orders/${orderId}/labels`, {
        method: 'POST',
        body: { ...(picked ? { service: picked } : {}), ...(confirmed ? { confirm_cost: true } : {}) },
      });
      reset();
      return answer.items;
    } catch (error) {
      if (error instanceof ApiError && error.rule === 'label.cost_confirm') setCostToConfirm(error.messages);
      if (error instanceof ApiError && error.rule === 'label.no_service') {
        const quotes = await api<OrderQuotes>(`/orders/${orderId}/quotes`).catch(() => undefined);
        setCandidates(quotes?.parcels[0]?.candidates?.filter((c) => c.cost !== null) ?? []);
      }
      throw error;
    }
  };
  return {
    buy,
    picked,
    pick: (service) => {
      setPicked(service);
      setCostToConfirm(undefined);
    },
    candidates,
    costToConfirm,
    reset,
  };
}

export function LabelChoice({
  purchase,
  busy,
  onConfirm,
}: {
  purchase: LabelPurchase;
  busy: boolean;
  onConfirm: () => void;
}) {
  const { t, pick } = useI18n();
  const { candidates, picked, costToConfirm } = purchase;
  return (
    <>
      {candidates?.length ? (
        <div className="label-choice-panel" data-testid="label-choice">
          <h3>{t('labelChoice.title')}</h3>
          <p className="muted">
            {picked
              ? t('labelChoice.picked', {
                  service: candidates.find((c) => c.service === picked)?.name
                    ? pick(candidates.find((c) => c.service === picked)!.name)
                    : picked,
                })
              : t('labelChoice.hint')}
          </p>
          <table className="label-choice">
            <thead>
              <tr>
                <th>{t('labelChoice.service')}</th>
                <th className="num">{t('labelChoice.cost')}</th>
                <th>{t('labelChoice.arrival')}</th>
                <th>{t('labelChoice.why')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {candidates.map((c) => (
                <tr key={c.service} className={picked === c.service ? 'picked' : ''} data-service={c.service}>
                  <td>{pick(c.name)}</td>
                  <td className="num">
                    {c.cost ? <Money value={c.cost} /> : null}
                    {c.cost && c.cost_source === 'platform' ? (
                      <span className="muted" data-testid="cost-source">
                        {' '}
                        {t('labelChoice.platformEstimate')}
                      </span>
                    ) : null}
                  </td>
                  <td>{c.arrival_p90_at ? <DateTime iso={c.arrival_p90_at} /> : null}</td>
                  <td className="muted">{c.dropped_because.map((r) => pick(r.message)).join(' ')}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => purchase.pick(c.service)}
                      disabled={busy}
                      aria-pressed={picked === c.service}
                      data-testid="pick-service"
                    >
                      {t('labelChoice.pick')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {costToConfirm ? (
        <div className="cost-confirm" role="alert" data-testid="cost-confirm">
          <strong>{t('labelCost.confirmTitle')}</strong> {pick(costToConfirm)}
          <p className="muted">{t('labelCost.useButton')}</p>
          <button type="button" className="danger" onClick={onConfirm} disabled={busy} data-testid="confirm-cost">
            {t('labelCost.confirm')}
          </button>
        </div>
      ) : null}
    </>
  );
}
