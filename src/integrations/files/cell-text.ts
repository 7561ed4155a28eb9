/** A spreadsheet cell as text, as every file reader here reads it. */
import type ExcelJS from 'exceljs';

/** ISO 8601 of the cell's UTC fields (exceljs hands dates over so). */
const iso = (d: Date) => d.toISOString();

/**
 * Rich text joined, a formula's result, a date through `date` (default ISO 8601), anything else as written. Excel
 * stores wall-clock times without a zone: a reader that wants them as typed passes its own `date`.
 */
export function cellText(value: ExcelJS.CellValue, date: (d: Date) => string = iso): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return date(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue, date);
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value);
}
