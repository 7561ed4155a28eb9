/**
 * The Orders screen's files (issue 17): import an order file (CSV or XLSX) into the chosen shop, with the import's
 * whole-file report (every problem's row and column; nothing imported when one row is wrong), and export the list
 * as filtered on screen to XLSX.
 */
import { useRef, useState, type ChangeEvent } from 'react';
import { api, apiBlob, ApiError, type ApiIssue, type OrderImportReport as ImportReport } from '../../api';
import { ErrorText } from '../../components';
import { useI18n } from '../../i18n';
import { keyedByContent } from '../../keys';

type Outcome =
  | { kind: 'imported'; report: ImportReport }
  | { kind: 'refused'; file: string; issues: ApiIssue[] }
  | { kind: 'failed'; error: unknown };

export function OrderFiles({
  shop,
  exportQuery,
  onImported,
  canWrite,
}: {
  shop: string;
  exportQuery: URLSearchParams;
  onImported: () => void;
  canWrite: boolean;
}) {
  const { t, pick } = useI18n();
  const [busy, setBusy] = useState<'import' | 'export' | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const input = useRef<HTMLInputElement>(null);

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file || !shop) return;
    setBusy('import');
    setOutcome(undefined);
    try {
      const report = await api<ImportReport>(
        `/orders/import?shop=${encodeURIComponent(shop)}&filename=${encodeURIComponent(file.name)}`,
        { method: 'POST', body: file },
      );
      setOutcome({ kind: 'imported', report });
      onImported();
    } catch (error) {
      setOutcome(
        error instanceof ApiError && error.status === 422
          ? { kind: 'refused', file: file.name, issues: error.issues }
          : { kind: 'failed', error },
      );
    } finally {
      setBusy(undefined);
    }
  };

  const download = async () => {
    setBusy('export');
    try {
      const blob = await apiBlob(`/orders/export.xlsx?${exportQuery}`, {
        accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = 'orders.xlsx';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      setOutcome({ kind: 'failed', error });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="order-files" aria-label={t('orderFiles.title')} data-testid="order-files">
      <div className="order-files-actions">
        {canWrite ? (
          <label
            className={`button${!shop || busy ? ' disabled' : ''}`}
            title={shop ? undefined : t('orderFiles.chooseShop')}
          >
            {busy === 'import' ? t('orderFiles.importing') : t('orderFiles.upload')}
            <input
              ref={input}
              type="file"
              accept=".csv,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => void upload(e)}
              disabled={!shop || busy !== undefined}
              data-testid="order-file-input"
              className="visually-hidden"
            />
          </label>
        ) : null}
        <button type="button" onClick={() => void download()} disabled={busy !== undefined} data-testid="order-export">
          {busy === 'export' ? t('orderFiles.exporting') : t('orderFiles.export')}
        </button>
        {canWrite && !shop ? <span className="muted">{t('orderFiles.chooseShop')}</span> : null}
      </div>
      {outcome?.kind === 'imported' ? (
        <p className="ok" role="status" data-testid="import-report">
          {t('orderFiles.imported', {
            file: outcome.report.file,
            created: outcome.report.created,
            updated: outcome.report.updated,
            unchanged: outcome.report.unchanged,
          })}
        </p>
      ) : null}
      {outcome?.kind === 'refused' ? (
        <div className="import-refused" role="alert" data-testid="import-report" data-refused="true">
          <p className="error">{t('orderFiles.refused', { file: outcome.file })}</p>
          <table className="import-issues">
            <thead>
              <tr>
                <th className="num">{t('orderFiles.row')}</th>
                <th>{t('orderFiles.field')}</th>
                <th>{t('orderFiles.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {keyedByContent(outcome.issues).map(([key, issue]) => (
                <tr key={key} data-row={issue.row}>
                  <td className="num">{issue.row ? issue.row : t('orderFiles.wholeFile')}</td>
                  <td>{issue.path}</td>
                  <td>{issue.messages ? pick(issue.messages) : issue.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {outcome?.kind === 'failed' ? <ErrorText error={outcome.error} /> : null}
    </section>
  );
}
