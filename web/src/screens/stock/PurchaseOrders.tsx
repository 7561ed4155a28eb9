/**
 * Purchase orders (GET /purchase-orders, newest first): place, receive (optionally other quantities than ordered)
 * or cancel, each refusal (400/409) shown at its row; and the form that creates a draft (POST /purchase-orders),
 * a refusal shown at its field. The buttons and the form are for callers with `stock:write`.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type ApiIssue, type PurchaseOrder } from '../../api';
import { Card, DateTime, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { useApiForm } from '../../forms';
import { useI18n } from '../../i18n';
import { newLineId } from '../../keys';
import type { PoDraft } from './Replenishment';

type Action = 'place' | 'receive' | 'cancel';

interface RowNote {
  error?: unknown;
  served?: number[];
}

export function PurchaseOrders({
  items,
  writable,
  onChanged,
  orderLabel,
}: {
  items: PurchaseOrder[] | undefined;
  writable: boolean;
  onChanged: () => Promise<void>;
  orderLabel: (id: number) => string;
}) {
  const { t, term } = useI18n();
  const [notes, setNotes] = useState<Record<number, RowNote>>({});
  const [received, setReceived] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<number | undefined>(undefined);

  const act = async (po: PurchaseOrder, action: Action) => {
    setBusy(po.id);
    setNotes((n) => ({ ...n, [po.id]: {} }));
    let body: unknown = {};
    if (action === 'receive') {
      const lines = po.lines.map((l) => ({
        sku: l.sku,
        quantity: Number(received[`${po.id}/${l.sku}`] ?? l.quantity),
      }));
      if (lines.some((l, i) => l.quantity !== po.lines[i]!.quantity)) body = { received: lines };
    }
    try {
      const answer = await api<{ status: string; served_orders: number[] }>(
        `/purchase-orders/${po.id}/actions/${action}`,
        { method: 'POST', body },
      );
      setNotes((n) => ({ ...n, [po.id]: { served: answer.served_orders } }));
      await onChanged();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setNotes((n) => ({ ...n, [po.id]: { error: e } }));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Card title={t('po.title')}>
      {items && items.length === 0 ? <p className="muted">{t('po.none')}</p> : null}
      {items && items.length > 0 ? (
        <table className="compact" data-testid="purchase-orders">
          <thead>
            <tr>
              <th>{t('po.number')}</th>
              <th>{t('stock.warehouse')}</th>
              <th>{t('po.supplier')}</th>
              <th>{t('po.lines')}</th>
              <th>{t('po.status')}</th>
              <th>{t('po.when')}</th>
              {writable ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((po) => {
              const note = notes[po.id];
              const receiving = writable && po.status === 'ordered';
              return (
                <tr key={po.id} data-po={po.id} data-status={po.status}>
                  <td>#{po.id}</td>
                  <td>{po.warehouse_id}</td>
                  <td>
                    {po.supplier} {po.reference ? <span className="muted">{po.reference}</span> : null}
                  </td>
                  <td>
                    {po.lines.map((l) => (
                      <div key={l.sku} className="po-line">
                        {receiving ? (
                          <label>
                            {t('po.lineReceive', { sku: l.sku, quantity: l.quantity })}{' '}
                            <input
                              type="number"
                              min={0}
                              className="po-received"
                              name={`received.${l.sku}`}
                              aria-label={t('po.receivedOf', { sku: l.sku })}
                              value={received[`${po.id}/${l.sku}`] ?? String(l.quantity)}
                              onChange={(e) => setReceived((r) => ({ ...r, [`${po.id}/${l.sku}`]: e.target.value }))}
                            />
                          </label>
                        ) : l.received_quantity !== null ? (
                          t('po.lineReceived', { sku: l.sku, quantity: l.quantity, received: l.received_quantity })
                        ) : (
                          t('po.line', { sku: l.sku, quantity: l.quantity })
                        )}
                      </div>
                    ))}
                  </td>
                  <td>
                    <span className={`badge po-${po.status}`}>{term('poStatus', po.status)}</span>
                  </td>
                  <td>
                    <DateTime iso={po.received_at ?? po.cancelled_at ?? po.ordered_at ?? po.created_at} />
                  </td>
                  {writable ? (
                    <td className="po-actions">
                      {po.status === 'draft' ? (
                        <button
                          type="button"
                          className="primary"
                          disabled={busy === po.id}
                          onClick={() => void act(po, 'place')}
                          data-testid="po-place"
                        >
                          {t('po.place')}
                        </button>
                      ) : null}
                      {po.status === 'ordered' ? (
                        <button
                          type="button"
                          className="primary"
                          disabled={busy === po.id}
                          onClick={() => void act(po, 'receive')}
                          data-testid="po-receive"
                        >
                          {t('po.receive')}
                        </button>
                      ) : null}
                      {po.status === 'draft' || po.status === 'ordered' ? (
                        <button
                          type="button"
                          className="danger"
                          disabled={busy === po.id}
                          onClick={() => void act(po, 'cancel')}
                          data-testid="po-cancel"
                        >
                          {t('po.cancel')}
                        </button>
                      ) : null}
                      {note?.error ? (
                        <div data-testid="po-error">
                          <ErrorText error={note.error} />
                        </div>
                      ) : null}
                      {note?.served && note.served.length > 0 ? (
                        <p className="ok" data-testid="po-served">
                          {t('po.served', { count: note.served.length })}{' '}
                          {note.served.map((id, i) => (
                            <span key={id}>
                              {i ? ', ' : ''}
                              <a href={`#/orders/${id}`}>{orderLabel(id)}</a>
                            </span>
                          ))}
                        </p>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}

/** The fields a refusal of the draft can name (a line's own fields by `lines.N.field`, or `field` with its row). */
const PO_FIELDS = ['warehouse', 'supplier', 'reference', 'lines', 'sku', 'quantity'];

/** The API's issues about one line's field: the schema names `lines.0.quantity`, the use case `quantity` on row 1. */
function lineIssues(error: unknown, index: number, field: 'sku' | 'quantity'): ApiIssue[] {
  if (!(error instanceof ApiError)) return [];
  return error.issues.filter((i) => {
    const path = i.path.replace(/^(body|querystring|params)\./, '');
    return (
      path === `lines.${index}.${field}` ||
      path === `lines[${index}].${field}` ||
      (path === field && i.row === index + 1)
    );
  });
}

/** The API's issues about the lines as a whole (none given). */
function wholeLinesIssues(error: unknown): ApiIssue[] {
  return error instanceof ApiError
    ? error.issues.filter((i) => i.path.replace(/^(body|querystring|params)\./, '') === 'lines')
    : [];
}

function Issues({ issues, field }: { issues: ApiIssue[]; field: string }) {
  const { pick } = useI18n();
  if (!issues.length) return null;
  return (
    <p className="field-error" role="alert" data-field={field}>
      {issues.map((i) => (i.messages ? pick(i.messages) : i.message)).join(' ')}
    </p>
  );
}

const emptyLine = () => ({ id: newLineId(), sku: '', quantity: '' });

export function PurchaseOrderForm({
  draft,
  warehouses,
  onCreated,
}: {
  draft: PoDraft | undefined;
  warehouses: string[];
  onCreated: () => Promise<void>;
}) {
  const { t } = useI18n();
  const [warehouse, setWarehouse] = useState('');
  const [supplier, setSupplier] = useState('');
  const [reference, setReference] = useState('');
  const [lines, setLines] = useState(() => [emptyLine()]);
  const { error, setError, busy, run, invalid } = useApiForm();
  const [created, setCreated] = useState<number | undefined>(undefined);
  const supplierField = useRef<HTMLInputElement>(null);

  // A suggestion's "draft a purchase order" fills the form and brings it into view.
  useEffect(() => {
    if (!draft) return;
    setWarehouse(draft.warehouse);
    setLines(draft.lines.map((l) => ({ ...l, id: newLineId() })));
    setError(undefined);
    setCreated(undefined);
    supplierField.current?.scrollIntoView({ block: 'center' });
    supplierField.current?.focus();
  }, [draft, setError]);

  const setLine = (index: number, field: 'sku' | 'quantity', value: string) =>
    setLines((ls) => ls.map((l, i) => (i === index ? { ...l, [field]: value } : l)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    const body = {
      warehouse: warehouse.trim(),
      supplier: supplier.trim(),
      ...(reference.trim() ? { reference: reference.trim() } : {}),
      lines: lines.map((l) => ({ sku: l.sku.trim(), quantity: l.quantity.trim() === '' ? 0 : Number(l.quantity) })),
    };
    await run(
      async () => {
        const answer = await api<{ id: number }>('/purchase-orders', { method: 'POST', body });
        setCreated(answer.id);
        setWarehouse('');
        setSupplier('');
        setReference('');
        setLines([emptyLine()]);
        await onCreated();
      },
      // The only thing the route looks up before its checks is the warehouse: a 404 is about that field.
      (e) =>
        e.status === 404
          ? new ApiError(404, e.code, e.messages, [{ path: 'warehouse', message: e.messages.en, messages: e.messages }])
          : e,
    );
  };

  return (
    <Card title={t('po.new')}>
      <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="po-form">
        <label htmlFor="po-warehouse">{t('stock.warehouse')}</label>
        <div>
          <input
            id="po-warehouse"
            name="warehouse"
            list="po-warehouses"
            value={warehouse}
            onChange={(e) => setWarehouse(e.target.value)}
            aria-invalid={invalid('warehouse')}
          />
          <datalist id="po-warehouses">
            {warehouses.map((w) => (
              <option key={w} value={w} />
            ))}
          </datalist>
          <FieldError error={error} field="warehouse" />
        </div>
        <label htmlFor="po-supplier">{t('po.supplier')}</label>
        <div>
          <input
            id="po-supplier"
            name="supplier"
            ref={supplierField}
            value={supplier}
            onChange={(e) => setSupplier(e.target.value)}
            placeholder={t('po.supplierPlaceholder')}
            aria-invalid={invalid('supplier')}
          />
          <FieldError error={error} field="supplier" />
        </div>
        <label htmlFor="po-reference">{t('po.reference')}</label>
        <div>
          <input
            id="po-reference"
            name="reference"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            aria-invalid={invalid('reference')}
          />
          <FieldError error={error} field="reference" />
        </div>
        <label htmlFor="po-sku-0">{t('po.lines')}</label>
        <div>
          {lines.map((l, i) => (
            <div key={l.id} className="po-form-line" data-line={i}>
              <div className="inline-fields">
                <input
                  id={`po-sku-${i}`}
                  name={`lines.${i}.sku`}
                  value={l.sku}
                  onChange={(e) => setLine(i, 'sku', e.target.value)}
                  placeholder={t('lines.sku')}
                  aria-label={t('lines.sku')}
                  aria-invalid={lineIssues(error, i, 'sku').length > 0}
                />
                <input
                  name={`lines.${i}.quantity`}
                  type="number"
                  min={1}
                  value={l.quantity}
                  onChange={(e) => setLine(i, 'quantity', e.target.value)}
                  placeholder={t('po.quantity')}
                  aria-label={t('po.quantity')}
                  aria-invalid={lineIssues(error, i, 'quantity').length > 0}
                />
                {lines.length > 1 ? (
                  <button type="button" className="link" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>
                    {t('po.removeLine')}
                  </button>
                ) : null}
              </div>
              <Issues issues={lineIssues(error, i, 'sku')} field={`lines.${i}.sku`} />
              <Issues issues={lineIssues(error, i, 'quantity')} field={`lines.${i}.quantity`} />
            </div>
          ))}
          <Issues issues={wholeLinesIssues(error)} field="lines" />
          <button type="button" className="link" onClick={() => setLines((ls) => [...ls, emptyLine()])}>
            {t('po.addLine')}
          </button>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="create-po">
            {busy ? t('action.working') : t('po.create')}
          </button>
          {created ? (
            <span className="ok" role="status">
              {t('po.created', { id: created })}
            </span>
          ) : null}
        </div>
        {onlyFieldIssues(error, PO_FIELDS) ? null : <ErrorText error={error} />}
      </form>
    </Card>
  );
}
