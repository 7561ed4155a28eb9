/**
 * The at-risk screen's shipping bulk actions, for the selected orders:
 * - print labels: the orders' labels in one PDF (`GET /labels.pdf?order=…&order_by=deadline`, as a blob through
 *   api.ts), to open or download; an order without a label is named with why (no parcel yet / not labelled yet);
 * - mark shipped: hand the orders' labelled parcels to the carrier (`POST /orders/:id/handover`), one order at a
 *   time; each order's outcome is listed (done with its new state, or refused with the API's message and rule).
 */
import { useState } from 'react';
import {
  api,
  apiBlob,
  ApiError,
  NetworkError,
  type AtRiskOrder,
  type Localized,
  type OrderDetail,
  type HandOverAnswer,
} from '../../api';
import { ErrorText, StateBadge } from '../../components';
import { useI18n } from '../../i18n';

export interface BulkRow {
  orderId: number;
  order: string;
  ok: boolean;
  /** The new state (mark shipped). */
  state?: string;
  /** What was done or why it was skipped, already in the user's language or as the API's two texts. */
  note?: Localized | string;
  error?: unknown;
}

export interface BulkOutcome {
  action: 'print' | 'ship';
  rows: BulkRow[];
  /** The labels PDF (an object URL), when some selected order had labels. */
  pdfUrl?: string;
  labelCount?: number;
}

const isRefusal = (error: unknown) => error instanceof ApiError || error instanceof NetworkError;

/** One labels PDF is kept at a time: the next print frees the last one's object URL. */
let lastPdfUrl: string | undefined;
function keepPdf(pdf: Blob): string {
  if (lastPdfUrl) URL.revokeObjectURL(lastPdfUrl);
  lastPdfUrl = URL.createObjectURL(pdf);
  return lastPdfUrl;
}

/** The two buttons, for the toolbar. `onResult` receives each run's outcome; `onDone` refreshes the list. */
export function BulkShippingButtons({
  orders,
  onResult,
  onDone,
}: {
  orders: AtRiskOrder[];
  onResult: (outcome: BulkOutcome) => void;
  onDone: () => Promise<unknown>;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<'print' | 'ship' | undefined>(undefined);

  const printLabels = async () => {
    setBusy('print');
    try {
      const rows: BulkRow[] = [];
      const withLabels: AtRiskOrder[] = [];
      // Which of them carry a label: the order's parcels (a few requests, only for what is selected).
      const details = await Promise.all(
        orders.map((o) => api<OrderDetail>(`/orders/${o.id}`).catch((error: unknown) => error)),
      );
      orders.forEach((o, i) => {
        const detail = details[i];
        if (!(detail && typeof detail === 'object' && 'parcels' in detail)) {
          if (!isRefusal(detail)) throw detail;
          rows.push({ orderId: o.id, order: o.platform_order_id, ok: false, error: detail });
          return;
        }
        const parcels = (detail as OrderDetail).parcels.filter((p) => p.status !== 'voided');
        const labelled = parcels.filter((p) => p.tracking_number);
        if (labelled.length) {
          withLabels.push(o);
          rows.push({
            orderId: o.id,
            order: o.platform_order_id,
            ok: true,
            note: t('bulk.labelsIncluded', { count: labelled.length }),
          });
        } else if (parcels.length === 0) {
          rows.push({ orderId: o.id, order: o.platform_order_id, ok: false, note: t('bulk.noParcel') });
        } else {
          rows.push({
            orderId: o.id,
            order: o.platform_order_id,
            ok: false,
            note: t('bulk.notLabelled', { count: parcels.length }),
          });
        }
      });
      const outcome: BulkOutcome = { action: 'print', rows };
      if (withLabels.length) {
        const ids = withLabels.map((o) => o.id).join(',');
        try {
          const pdf = await apiBlob(`/labels.pdf?order=${ids}&order_by=deadline`);
          outcome.pdfUrl = keepPdf(pdf);
          outcome.labelCount = withLabels.length;
        } catch (error) {
          if (!isRefusal(error)) throw error;
          for (const row of rows) if (row.ok) Object.assign(row, { ok: false, note: undefined, error });
        }
      }
      onResult(outcome);
    } finally {
      setBusy(undefined);
    }
  };

  const markShipped = async () => {
    setBusy('ship');
    try {
      const rows: BulkRow[] = [];
      // One at a time, in the list's order (most urgent first): each order's answer stands on its own.
      for (const o of orders) {
        try {
          const answer = await api<HandOverAnswer>(`/orders/${o.id}/handover`, { method: 'POST', body: {} });
          rows.push({
            orderId: o.id,
            order: o.platform_order_id,
            ok: true,
            state: answer.status,
            note: answer.message,
          });
        } catch (error) {
          if (!isRefusal(error)) throw error;
          rows.push({ orderId: o.id, order: o.platform_order_id, ok: false, error });
        }
      }
      onResult({ action: 'ship', rows });
      await onDone();
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      <button
        type="button"
        disabled={busy !== undefined || orders.length === 0}
        onClick={() => void printLabels()}
        data-testid="bulk-print"
      >
        {busy === 'print' ? t('action.working') : t('bulk.printSelected', { count: orders.length })}
      </button>
      <button
        type="button"
        disabled={busy !== undefined || orders.length === 0}
        onClick={() => void markShipped()}
        data-testid="bulk-ship"
      >
        {busy === 'ship' ? t('action.working') : t('bulk.shipSelected', { count: orders.length })}
      </button>
    </>
  );
}

/** Each order's outcome of the last bulk action; the labels PDF to open or download. */
export function BulkOutcomeView({ outcome, onClose }: { outcome: BulkOutcome; onClose: () => void }) {
  const { t, pick } = useI18n();
  const refused = outcome.rows.filter((r) => !r.ok).length;
  const done = outcome.rows.length - refused;
  return (
    <div
      className={refused ? 'notice notice-warn' : 'notice notice-ok'}
      role="status"
      data-testid="bulk-outcome"
      data-action={outcome.action}
    >
      <div className="bulk-outcome-head">
        <strong>
          {outcome.action === 'print'
            ? t('bulk.printDone', { done, skipped: refused })
            : t('bulk.shipDone', { done, refused })}
        </strong>
        {outcome.pdfUrl ? (
          <>
            {' '}
            <a href={outcome.pdfUrl} target="_blank" rel="noopener" data-testid="labels-pdf">
              {t('bulk.openLabels', { count: outcome.labelCount ?? 0 })}
            </a>{' '}
            <a href={outcome.pdfUrl} download="labels.pdf">
              {t('bulk.downloadLabels')}
            </a>
          </>
        ) : null}
        <button type="button" className="link" onClick={onClose} aria-label={t('bulk.dismiss')}>
          ×
        </button>
      </div>
      <table className="compact bulk-outcome">
        <tbody>
          {outcome.rows.map((r) => (
            <tr key={r.orderId} data-order={r.order} data-ok={r.ok ? 'true' : 'false'}>
              <td>
                <a href={`#/orders/${r.orderId}`}>{r.order}</a>
              </td>
              <td>{r.ok ? t('bulk.done') : outcome.action === 'print' ? t('bulk.skipped') : t('bulk.refused')}</td>
              <td>{r.state ? <StateBadge state={r.state} /> : null}</td>
              <td>
                {r.error ? (
                  <ErrorText error={r.error} />
                ) : typeof r.note === 'string' ? (
                  r.note
                ) : r.note ? (
                  pick(r.note)
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
