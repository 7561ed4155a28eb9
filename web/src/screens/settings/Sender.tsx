/**
 * Settings → sender address: the shop's sender (return) address printed on its labels (`GET /shops/:shop/sender`,
 * `PUT /shops/:shop/sender`). A label is refused until it is set, with a link here. The API's 400 is shown at the
 * field it names; nothing changes.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type SenderAddress } from '../../api';
import { useAuth } from '../../auth';
import { Card, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import { setupChanged } from '../../SetupBanner';

/** The fields the seller edits (the shop is the one chosen). */
type Field = Exclude<keyof SenderAddress, 'shop_id'>;

const FIELDS: Array<{ field: Field; label: MessageKey; required?: boolean; autoComplete: string; maxLength?: number }> =
  [
    { field: 'name', label: 'sender.name', required: true, autoComplete: 'organization' },
    { field: 'address_line1', label: 'sender.line1', required: true, autoComplete: 'address-line1' },
    { field: 'address_line2', label: 'sender.line2', autoComplete: 'address-line2' },
    { field: 'city', label: 'sender.city', required: true, autoComplete: 'address-level2' },
    { field: 'postcode', label: 'sender.postcode', autoComplete: 'postal-code' },
    { field: 'country', label: 'sender.country', required: true, autoComplete: 'country', maxLength: 2 },
    { field: 'phone', label: 'sender.phone', autoComplete: 'tel' },
  ];

const EMPTY: Record<Field, string> = {
  name: '',
  address_line1: '',
  address_line2: '',
  city: '',
  postcode: '',
  country: '',
  phone: '',
};

export function Sender({ shopId }: { shopId: string }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const writes = can('settings:write', shopId);
  const stored = usePoll(
    (signal) => api<{ sender: SenderAddress | null }>(`/shops/${encodeURIComponent(shopId)}/sender`, { signal }),
    [shopId],
    300_000,
    { live: false },
  );
  const [draft, setDraft] = useState<Record<Field, string>>(EMPTY);
  const [touched, setTouched] = useState(false);
  const { error, setError, busy, run, invalid } = useApiForm();
  const [saved, setSaved] = useState(false);

  // The stored address fills the form once it arrives (and again after a save), unless the user is typing.
  const current = stored.data?.sender;
  useEffect(() => {
    if (!current || touched) return;
    setDraft({
      name: current.name,
      address_line1: current.address_line1,
      address_line2: current.address_line2 ?? '',
      city: current.city,
      postcode: current.postcode ?? '',
      country: current.country,
      phone: current.phone ?? '',
    });
  }, [current, touched]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    const optional = (text: string) => (text.trim() ? text.trim() : null);
    const body = {
      name: draft.name.trim(),
      address_line1: draft.address_line1.trim(),
      address_line2: optional(draft.address_line2),
      city: draft.city.trim(),
      postcode: optional(draft.postcode),
      country: draft.country.trim().toUpperCase(),
      phone: optional(draft.phone),
    };
    await run(async () => {
      await api(`/shops/${encodeURIComponent(shopId)}/sender`, { method: 'PUT', body });
      setSaved(true);
      setTouched(false);
      await stored.refresh();
      setupChanged();
    });
  };

  return (
    <Card id="settings-sender" title={t('sender.title')}>
      <p className="hint">{t('sender.hint')}</p>
      {stored.error ? <ErrorText error={stored.error} /> : null}
      {stored.data && !current ? (
        <p className="warning" data-testid="sender-missing">
          {t('sender.none')}
        </p>
      ) : null}
      <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="sender-form">
        {FIELDS.map(({ field, label, required, autoComplete, maxLength }) => (
          <Row key={field} field={field} label={t(label)} required={required}>
            <input
              id={`sender-${field}`}
              name={field}
              value={draft[field]}
              onChange={(e) => {
                setTouched(true);
                setDraft((d) => ({ ...d, [field]: e.target.value }));
              }}
              autoComplete={autoComplete}
              maxLength={maxLength}
              readOnly={!writes}
              aria-invalid={invalid(field)}
            />
            <FieldError error={error} field={field} />
          </Row>
        ))}
        <div className="form-actions">
          <button
            type="submit"
            className="primary"
            disabled={busy || !writes}
            title={writes ? undefined : t('auth.readOnly')}
            data-testid="save-sender"
          >
            {busy ? t('action.working') : t('sender.save')}
          </button>
          {!writes ? <span className="muted">{t('auth.readOnly')}</span> : null}
          {saved ? (
            <span className="ok" role="status" data-testid="sender-saved">
              {t('sender.saved')}
            </span>
          ) : null}
        </div>
      </form>
      {error &&
      !onlyFieldIssues(
        error,
        FIELDS.map((f) => f.field),
      ) ? (
        <ErrorText error={error} />
      ) : null}
    </Card>
  );
}

function Row({
  field,
  label,
  required,
  children,
}: {
  field: string;
  label: string;
  required?: boolean | undefined;
  children: ReactNode;
}) {
  return (
    <>
      <label htmlFor={`sender-${field}`}>
        {label}
        {required ? ' *' : ''}
      </label>
      <div>{children}</div>
    </>
  );
}
