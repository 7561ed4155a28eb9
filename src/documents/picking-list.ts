/**
 * The picking list, A4, in the reader's language: the batch (warehouse, orders, units, when printed) and one row
 * per SKU and location, sorted by bin location (then the plan's order), with the quantity to take, the orders it serves, and a box to tick.
 * Chinese is written with the CJK font when installed (see pdf.ts).
 */
import type { Locale } from '../core/i18n';
import type { PickRow } from '../core/picking';
import { collect, MM, newDocument, write } from './pdf';

export interface PickingListData {
  warehouse: string | null;
  orders: string[];
  rows: PickRow[];
  printedOn: string;
}

const WORDS = {
  en: {
    title: 'Picking list',
    warehouse: 'Warehouse',
    all: 'all warehouses',
    orders: 'Orders',
    units: 'Units',
    sku: 'SKU',
    location: 'Location',
    qty: 'Qty',
    serves: 'For orders (in packing order)',
    none: 'Nothing to pick: the plan has no orders.',
    unreserved: 'not reserved',
    printed: 'Printed',
    order: 'Packing order',
  },
  'zh-CN': {
    title: '拣货单',
    warehouse: '仓库',
    all: '全部仓库',
    orders: '订单数',
    units: '件数',
    sku: 'SKU',
    location: '库位',
    qty: '数量',
    serves: '对应订单（按打包顺序）',
    none: '无需拣货：计划中没有订单。',
    unreserved: '未预留',
    printed: '打印时间',
    order: '打包顺序',
  },
} as const;

const A4: [number, number] = [210 * MM, 297 * MM];

export async function renderPickingList(list: PickingListData, locale: Locale): Promise<Buffer> {
  const w = WORDS[locale];
  const margin = 14 * MM;
  const width = A4[0] - 2 * margin;
  const doc = newDocument(A4, margin);
  doc.addPage({ size: A4, margin: 0 });
  let y = margin;
  y = write(doc, w.title, margin, y, { size: 16, width, bold: true }) + 2;
  const units = list.rows.reduce((n, r) => n + r.quantity, 0);
  y =
    write(
      doc,
      `${w.warehouse}: ${list.warehouse ?? w.all}    ${w.orders}: ${list.orders.length}    ${w.units}: ${units}`,
      margin,
      y,
      { size: 9, width },
    ) + 2;
  if (list.orders.length)
    y = write(doc, `${w.order}: ${list.orders.join(' → ')}`, margin, y, { size: 7.5, width, lineGap: 1 }) + 4;
  const cols = { tick: 8 * MM, sku: width * 0.26, location: width * 0.17, qty: width * 0.09 };
  const serves = width - cols.tick - cols.sku - cols.location - cols.qty;
  const x = {
    tick: margin,
    sku: margin + cols.tick,
    location: margin + cols.tick + cols.sku,
    qty: margin + cols.tick + cols.sku + cols.location,
    serves: margin + width - serves,
  };
  const header = () => {
    write(doc, w.sku, x.sku, y, { size: 8.5, width: cols.sku, bold: true });
    write(doc, w.location, x.location, y, { size: 8.5, width: cols.location, bold: true });
    write(doc, w.qty, x.qty, y, { size: 8.5, width: cols.qty - 6, bold: true, align: 'right' });
    y = write(doc, w.serves, x.serves, y, { size: 8.5, width: serves, bold: true }) + 3;
    doc
      .moveTo(margin, y)
      .lineTo(margin + width, y)
      .lineWidth(0.8)
      .stroke();
    y += 4;
  };
  header();
  if (!list.rows.length) y = write(doc, w.none, margin, y, { size: 10, width });
  for (const row of list.rows) {
    const servesText = row.orders.map((o) => `${o.reference} ×${o.quantity}`).join(', ');
    // The bin first (where to walk), the warehouse under it.
    const place = row.bin ? `${row.bin}\n${row.location ?? w.unreserved}` : (row.location ?? w.unreserved);
    const height =
      Math.max(
        doc.fontSize(8).heightOfString(servesText, { width: serves }),
        doc.fontSize(9).heightOfString(place, { width: cols.location - 4 }),
        12,
      ) + 6;
    if (y + height > A4[1] - margin - 14) {
      doc.addPage({ size: A4, margin: 0 });
      y = margin;
      header();
    }
    doc
      .rect(x.tick, y, 3.5 * MM, 3.5 * MM)
      .lineWidth(0.6)
      .stroke();
    write(doc, row.sku, x.sku, y, { size: 10, width: cols.sku - 4, bold: true });
    const placeEnd = write(doc, place, x.location, y + 1, { size: 9, width: cols.location - 4 });
    write(doc, String(row.quantity), x.qty, y, { size: 11, width: cols.qty - 6, bold: true, align: 'right' });
    const end = write(doc, servesText, x.serves, y + 1, { size: 8, width: serves });
    y = Math.max(end, placeEnd, y + 12) + 3;
    doc
      .moveTo(margin, y)
      .lineTo(margin + width, y)
      .lineWidth(0.3)
      .stroke();
    y += 3;
  }
  write(doc, `${w.printed} ${list.printedOn}`, margin, A4[1] - margin - 8, { size: 7, width, align: 'right' });
  return collect(doc);
}
