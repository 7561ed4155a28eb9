/**
 * The order list as an XLSX workbook (issue 17): one row per order in the list's order, the columns a seller filters
 * and sorts on in Excel. Building the rows is pure (`orderExportRows`); writing the workbook is apart. Every text cell
 * passes through `safeCell`, so a buyer name such as `=HYPERLINK(...)` opens as text, never as a formula.
 */
import { excel } from './excel';
import { safeCell } from '../../core/spreadsheet-cell';
import { formatMoney } from '../../core/money';

/** What one exported order shows; the caller reads it from the order list. */
export interface ExportedOrder {
  shop_id: string;
  platform_order_id: string;
  status: string;
  ship_by_at: number | null;
  paid_at: number;
  buyer_name: string;
  buyer_country: string;
  city: string;
  address_line1: string;
  postcode: string | null;
  total_amount: number;
  currency: string;
  logistics_service: string | null;
  held_at?: number | null;
}

const EXPORT_COLUMNS = [
  'shop',
  'order_id',
  'status',
  'held',
  'ship_by',
  'paid_at',
  'buyer_name',
  'buyer_country',
  'city',
  'address_line1',
  'postcode',
  'total',
  'currency',
  'logistics_service',
] as const;

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

/** The rows of the export, header first, every text already escaped. */
export function orderExportRows(orders: Iterable<ExportedOrder>): string[][] {
  const rows: string[][] = [[...EXPORT_COLUMNS]];
  for (const o of orders) {
    const total = formatMoney({ amount: o.total_amount, currency: o.currency }).split(' ')[0]!;
    rows.push(
      [
        o.shop_id,
        o.platform_order_id,
        o.status,
        o.held_at ? 'yes' : '',
        iso(o.ship_by_at),
        iso(o.paid_at),
        o.buyer_name,
        o.buyer_country,
        o.city,
        o.address_line1,
        o.postcode ?? '',
        total,
        o.currency,
        o.logistics_service ?? '',
      ].map(safeCell),
    );
  }
  return rows;
}

/** The workbook's bytes: one sheet "orders" holding the rows as text cells. */
export async function ordersWorkbook(rows: string[][]): Promise<Buffer> {
  const workbook = new (await excel()).Workbook();
  const sheet = workbook.addWorksheet('orders');
  for (const row of rows) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
