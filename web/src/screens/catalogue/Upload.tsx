/**
 * A catalogue spreadsheet's round trip: the template to download, and the filled file to upload. The API takes the
 * file whole or not at all; a refusal lists each row and field with its message, in the dashboard's language.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { ErrorText } from '../../components';
import { useApiForm } from '../../forms';
import { useI18n } from '../../i18n';
import { keyedByContent } from '../../keys';

export function TemplateUpload({
  kind,
  uploadPath,
  onUploaded,
}: {
  kind: 'skus' | 'stock';
  uploadPath: string;
  onUploaded: () => Promise<void>;
}) {
  const { t, pick } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const { error, setError, busy, run } = useApiForm();
  const [rows, setRows] = useState<number | undefined>(undefined);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setRows(undefined);
    const file = input.current?.files?.[0];
    if (!file) return;
    await run(async () => {
      const answer = await api<{ rows: number }>(`${uploadPath}?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        body: file,
      });
      setRows(answer.rows);
      if (input.current) input.current.value = '';
      await onUploaded();
    });
  };
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <form className="upload-row" onSubmit={(e) => void submit(e)} data-testid={`upload-${kind}`}>
      <a href={`/catalogue/templates/${kind}`} download={`shipby-${kind}.xlsx`} data-testid={`template-${kind}`}>
        {t('catalogue.template')}
      </a>
      <input
        ref={input}
        type="file"
        name="file"
        accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
        aria-label={t('catalogue.upload')}
      />
      <button type="submit" disabled={busy} data-testid={`upload-${kind}-submit`}>
        {busy ? t('catalogue.uploading') : t('catalogue.upload')}
      </button>
      {rows !== undefined ? (
        <span className="ok" role="status" data-testid={`uploaded-${kind}`}>
          {t('catalogue.uploaded', { rows })}
        </span>
      ) : null}
      {issues.length ? (
        <div className="error" role="alert" data-testid={`upload-${kind}-refused`}>
          {t('catalogue.refused')}
          <ul className="upload-report">
            {keyedByContent(issues).map(([key, i]) => (
              <li key={key} data-row={i.row ?? 0} data-field={i.path}>
                {i.row ? t('catalogue.row', { row: i.row }) : t('catalogue.file')}, {i.path}:{' '}
                {i.messages ? pick(i.messages) : i.message}
              </li>
            ))}
          </ul>
        </div>
      ) : error ? (
        <ErrorText error={error} />
      ) : null}
    </form>
  );
}
