/**
 * Reading one row of the order format: a field reader that collects issues naming the field and the row, and the
 * buyer's name and address (the import's rules, also used alone by the order page's address edit).
 */
import { localized, type Localized } from './i18n';
import type { BuyerInput, ImportColumn, ImportIssue, RawRow } from './order-input-format';
import { parseInstant } from './time';

/** The ISO 3166 country codes ICU names, listed on first use (676 look-ups: not worth paying for a read command). */
let countries: ReadonlySet<string> | undefined;
function isCountry(code: string): boolean {
  countries ??= listCountries();
  return countries.has(code);
}

function listCountries(): ReadonlySet<string> {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const set = new Set<string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      if (name && name !== code && name !== 'Unknown Region') set.add(code);
    }
  }
  for (const notACountry of ['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']) set.delete(notACountry);
  return set;
}

/** Maps a column to the name shown to the user (a JSON path for JSON input). */
export type FieldNamer = (column: ImportColumn) => string;
export const plainName: FieldNamer = (c) => c;

/**
 * Reads the fields of one row and collects issues. A class rather than closures: this runs for every
 * row of a million-order file.
 */
export class RowReader {
  private readonly start: number;
  constructor(
    private readonly raw: RawRow,
    private readonly row: number,
    private readonly issues: ImportIssue[],
    private readonly name: FieldNamer,
  ) {
    this.start = issues.length;
  }
  get failed(): boolean {
    return this.issues.length > this.start;
  }
  fail(column: ImportColumn, message: Localized): void {
    this.issues.push({ row: this.row, field: this.name(column), message });
  }
  text(column: ImportColumn): string {
    const value = this.raw[column];
    return value === undefined ? '' : value.trim();
  }
  need(column: ImportColumn, max: number): string {
    const value = this.text(column);
    if (!value) this.fail(column, localized(`${this.name(column)} is required.`, `${this.name(column)} 为必填项。`));
    else this.limit(column, value, max);
    return value;
  }
  optional(column: ImportColumn, max: number): string {
    const value = this.text(column);
    this.limit(column, value, max);
    return value;
  }
  limit(column: ImportColumn, value: string, max: number): void {
    if (value.length > max) {
      this.fail(
        column,
        localized(
          `${this.name(column)} is longer than ${max} characters.`,
          `${this.name(column)} 超过 ${max} 个字符。`,
        ),
      );
    }
  }
  instant(column: ImportColumn, mandatory: boolean, bareZone: string | undefined): number | null {
    const value = mandatory ? this.need(column, 64) : this.text(column);
    if (!value) return null;
    const parsed = parseInstant(value, bareZone);
    if (parsed !== undefined) return parsed;
    const name = this.name(column);
    this.fail(
      column,
      bareZone
        ? localized(
            `${name} "${value}" is not a valid date and time (e.g. 2026-11-20T10:00:00+08:00).`,
            `${name}「${value}」不是有效的日期时间（例如 2026-11-20T10:00:00+08:00）。`,
          )
        : localized(
            `${name} "${value}" is not a valid date and time with a zone or offset (e.g. 2026-11-20T10:00:00Z).`,
            `${name}「${value}」不是带时区或偏移量的有效日期时间（例如 2026-11-20T10:00:00Z）。`,
          ),
    );
    return null;
  }
}

/** The buyer's name and address of a row (the columns of BUYER_COLUMNS). */
export function readBuyer(r: RowReader): BuyerInput {
  const name = r.need('buyer_name', 200);
  const country = r.need('buyer_country', 2).toUpperCase();
  if (country && !isCountry(country))
    r.fail(
      'buyer_country',
      localized(
        `buyer_country "${country}" is not an ISO 3166 country code.`,
        `buyer_country「${country}」不是 ISO 3166 国家代码。`,
      ),
    );
  const addressLine1 = r.need('address_line1', 500);
  const addressLine2 = r.optional('address_line2', 500);
  const city = r.need('city', 200);
  const state = r.optional('state', 200);
  const postcode = r.optional('postcode', 32);
  const phone = r.optional('phone', 40);
  return {
    name,
    country,
    addressLine1,
    addressLine2: addressLine2 || null,
    city,
    state: state || null,
    postcode: postcode || null,
    phone: phone || null,
  };
}

/** A shipping address on its own (the order page's address edit): the import's rules for the buyer's columns. */
export function parseBuyerFields(raw: RawRow, issues: ImportIssue[]): BuyerInput | undefined {
  const r = new RowReader(raw, 0, issues, plainName);
  const buyer = readBuyer(r);
  return r.failed ? undefined : buyer;
}
