/**
 * Catalogue → Marketplace SKU pairing: which seller SKUs (and how many of each) a marketplace SKU of the shop takes
 * from stock; several lines make a bundle. An empty pairing means the marketplace SKU is the seller SKU itself.
 */
import { useState, type FormEvent } from 'react';
import { api, type SkuMapping as Pair } from '../../api';
import { Card, ErrorText } from '../../components';
import { useApiForm } from '../../forms';
import { usePoll } from '../../hooks';
import { useI18n } from '../../i18n';
import { newLineId } from '../../keys';

const newLine = () => ({ id: newLineId(), sku: '', units: '1' });

export function Pairing({ shopId, writes }: { shopId: string; writes: boolean }) {
  const { t } = useI18n();
  const list = usePoll(
    (signal) => api<{ items: Pair[] }>(`/shops/${encodeURIComponent(shopId)}/sku-mappings`, { signal }),
    [shopId],
    300_000,
    { live: false },
  );
  const [platformSku, setPlatformSku] = useState('');
  const [lines, setLines] = useState(() => [newLine()]);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const { error, setError, busy, run } = useApiForm();
  const setLine = (n: number, field: 'sku' | 'units', value: string) =>
    setLines((ls) => ls.map((l, i) => (i === n ? { ...l, [field]: value } : l)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const components = lines.filter((l) => l.sku.trim()).map((l) => ({ sku: l.sku.trim(), units: Number(l.units) }));
    const code = platformSku.trim();
    await run(async () => {
      await api(`/shops/${encodeURIComponent(shopId)}/sku-mappings/${encodeURIComponent(code || ' ')}`, {
        method: 'PUT',
        body: { components },
      });
      setSaved(code);
      setPlatformSku('');
      setLines([newLine()]);
      await list.refresh();
    });
  };
  return (
    <Card id="catalogue-pairing" title={t('pairing.title')}>
      <p className="hint">{t('pairing.hint')}</p>
      <ErrorText error={list.error} />
      {list.data?.items.length ? (
        <table className="compact" data-testid="pairings">
          <thead>
            <tr>
              <th>{t('pairing.platformSku')}</th>
              <th>{t('pairing.components')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((p) => (
              <tr key={p.platform_sku} data-platform-sku={p.platform_sku}>
                <td>{p.platform_sku}</td>
                <td>{p.components.map((c) => `${c.sku} × ${c.units}`).join(t('setup.separator'))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : list.data ? (
        <p className="muted">{t('pairing.none')}</p>
      ) : null}
      {writes ? (
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate data-testid="pairing-form">
          <label htmlFor="pairing-platform-sku">{t('pairing.platformSku')}</label>
          <input
            id="pairing-platform-sku"
            name="platform_sku"
            value={platformSku}
            onChange={(e) => setPlatformSku(e.target.value)}
          />
          <label htmlFor="pairing-sku-0">{t('pairing.components')}</label>
          <div>
            {lines.map((l, n) => (
              <div className="bundle-line" key={l.id}>
                <input
                  id={`pairing-sku-${n}`}
                  name={`sku-${n}`}
                  value={l.sku}
                  onChange={(e) => setLine(n, 'sku', e.target.value)}
                  placeholder={t('skus.sku')}
                />
                <input
                  name={`units-${n}`}
                  type="number"
                  min={1}
                  value={l.units}
                  onChange={(e) => setLine(n, 'units', e.target.value)}
                  aria-label={t('pairing.units')}
                />
              </div>
            ))}
            <button
              type="button"
              className="link"
              onClick={() => setLines((ls) => [...ls, newLine()])}
              data-testid="add-bundle-line"
            >
              {t('pairing.addLine')}
            </button>
          </div>
          <div className="form-actions">
            <button type="submit" disabled={busy} data-testid="save-pairing">
              {busy ? t('action.working') : t('pairing.save')}
            </button>
            {saved ? (
              <span className="ok" role="status" data-testid="pairing-saved">
                {t('pairing.saved', { sku: saved })}
              </span>
            ) : null}
          </div>
        </form>
      ) : null}
      <ErrorText error={error} />
    </Card>
  );
}
