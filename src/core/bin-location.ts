/**
 * A SKU's bin location (issue 17): the shelf place a picker walks to, as the seller names it ("A-03-2", "R2/S4").
 * Pure: the text as typed is trimmed and upper-cased; blank means "no bin". At most 32 characters of letters,
 * digits, spaces and - . / _ : a label a picking list prints on one line. Bins sort naturally (A-2 before A-10).
 */
import { localized } from './i18n';
import type { ImportIssue } from './order-input';

const BIN_MAX_LENGTH = 32;

/** The bin as stored: trimmed, upper-case, null when blank. */
export function normaliseBin(text: string | null | undefined): string | null {
  const bin = (text ?? '').trim().replace(/\s+/g, ' ').toUpperCase();
  return bin === '' ? null : bin;
}

/** What is wrong with a bin (already normalised), at `field` of `row`; none for a good one or none at all. */
export function checkBin(bin: string | null, row: number, field = 'bin_location'): ImportIssue[] {
  if (bin === null) return [];
  if (bin.length > BIN_MAX_LENGTH)
    return [
      {
        row,
        field,
        message: localized(
          `the bin location "${bin}" is longer than ${BIN_MAX_LENGTH} characters.`,
          `库位「${bin}」超过 ${BIN_MAX_LENGTH} 个字符。`,
        ),
      },
    ];
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u.test(bin))
    return [
      {
        row,
        field,
        message: localized(
          `the bin location "${bin}" may hold only letters, digits, spaces and - . / _ (e.g. A-03-2).`,
          `库位「${bin}」只能包含字母、数字、空格和 - . / _（例如 A-03-2）。`,
        ),
      },
    ];
  return [];
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order of bins (A-2 before A-10); SKUs without a bin after every bin. */
export function compareBins(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return collator.compare(a, b);
}
