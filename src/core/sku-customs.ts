/**
 * What customs need of a seller SKU (the CN22 block of a label): its HS code, the contents' description and the
 * declared value per unit. Pure checks, each naming its field.
 */
import { localized } from './i18n';
import { isCurrency } from './money';
import type { ImportIssue } from './order-input';

export interface SkuCustoms {
  hsCode: string | null;
  description: string | null;
  /** Minor units per unit of the SKU. */
  value: number | null;
  currency: string | null;
}

const MAX_CUSTOMS_VALUE = 100_000_000;

/** The HS code as stored: digits only (6 for the international heading, up to 10 for a national one). */
export function normaliseHsCode(text: string): string {
  return text.replace(/[\s.]/g, '');
}

export function checkSkuCustoms(c: SkuCustoms, row = 0): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const at = (field: string, en: string, zh: string) => issues.push({ row, field, message: localized(en, zh) });
  if (c.hsCode !== null && !/^\d{6,10}$/.test(c.hsCode))
    at(
      'hs_code',
      `the HS code "${c.hsCode}" must be 6 to 10 digits (e.g. 9405.11 or 940511).`,
      `HS 编码「${c.hsCode}」须为 6–10 位数字（例如 9405.11 或 940511）。`,
    );
  if (c.description !== null && (c.description.length < 3 || c.description.length > 100))
    at(
      'customs_description',
      'the customs description must be 3–100 characters, saying what the goods are (e.g. "LED desk lamp").',
      '报关品名须为 3–100 个字符，写明是什么商品（例如“LED 台灯”）。',
    );
  if (c.value !== null && !(Number.isInteger(c.value) && c.value >= 0 && c.value <= MAX_CUSTOMS_VALUE))
    at(
      'customs_value',
      `the customs value must be a whole number of minor units from 0 to ${MAX_CUSTOMS_VALUE}.`,
      `申报价值须为 0–${MAX_CUSTOMS_VALUE} 的整数（最小货币单位）。`,
    );
  if (c.value !== null && c.currency === null)
    at('customs_currency', 'give the currency of the customs value (e.g. USD).', '请填写申报价值的币种（例如 USD）。');
  if (c.currency !== null && !isCurrency(c.currency))
    at(
      'customs_currency',
      `"${c.currency}" is not an ISO 4217 currency code.`,
      `「${c.currency}」不是 ISO 4217 币种代码。`,
    );
  return issues;
}
