/**
 * The packing slip, A6 (goes in the parcel) or A4 (the station's pick sheet): the order with its barcode (scanning
 * it starts the pack session), the ship-by deadline, the buyer, each item to pack as a seller SKU with its Code 128
 * barcode and quantity (the marketplace SKU beside it when it differs: bundles are listed by component), and the
 * buyer's note.
 */
import { canWriteChinese, code128, collect, countryName, MM, newDocument, write, type Doc } from './pdf';

export interface SlipItem {
  sku: string;
  quantity: number;
  /** The marketplace SKU(s) the item comes from, when not the SKU itself. */
  fromPlatformSku?: string | null;
  /** The parcel it goes into, when the order is planned in several ("1/2"). */
  parcel?: string | null;
}

export interface SlipData {
  orderReference: string;
  shopName: string;
  shipBy: string | null;
  buyerName: string;
  buyerCountry: string;
  buyerCity: string;
  items: SlipItem[];
  buyerNote: string | null;
  printedOn: string;
}

export type SlipSize = 'A6' | 'A4';

export const SLIP_SIZES: Record<SlipSize, [number, number]> = { A6: [105 * MM, 148 * MM], A4: [210 * MM, 297 * MM] };

export async function renderPackingSlip(slip: SlipData, size: SlipSize): Promise<Buffer> {
  const doc = newDocument(SLIP_SIZES[size], 0);
  await drawPackingSlip(doc, slip, size);
  return collect(doc);
}

/** Adds the slip's page(s) to a document (a batch prints labels and slips in one). */
export async function drawPackingSlip(doc: Doc, slip: SlipData, size: SlipSize): Promise<void> {
  const [pageW, pageH] = SLIP_SIZES[size];
  const scale = size === 'A4' ? 1.35 : 1;
  const margin = (size === 'A4' ? 15 : 6) * MM;
  const width = pageW - 2 * margin;
  const zh = canWriteChinese();
  const orderCode = await code128(slip.orderReference);
  const itemCodes = await Promise.all(slip.items.map((i) => code128(i.sku)));
  doc.addPage({ size: [pageW, pageH], margin: 0 });
  let y = margin;
  // The barcode starts below whichever is taller, the title or the shop's name (a CJK title's line is taller).
  const titleEnd = write(doc, zh ? 'Packing slip 装箱单' : 'Packing slip', margin, y, {
    size: 12 * scale,
    width: width * 0.55,
    bold: true,
  });
  const shopEnd = write(doc, slip.shopName, margin + width * 0.55, y, {
    size: 8 * scale,
    width: width * 0.45,
    align: 'right',
  });
  y = Math.max(titleEnd, shopEnd) + 3 * scale;
  doc.image(orderCode, margin, y, { width: width * 0.7, height: 10 * MM * scale });
  y += 10 * MM * scale + 2;
  y = write(doc, `Order ${slip.orderReference}`, margin, y, { size: 10 * scale, width, bold: true });
  if (slip.shipBy) y = write(doc, `Ship by ${slip.shipBy}`, margin, y + 1, { size: 8 * scale, width });
  y = write(
    doc,
    `Buyer: ${slip.buyerName}, ${slip.buyerCity}, ${countryName(slip.buyerCountry)} (${slip.buyerCountry})`,
    margin,
    y + 1,
    { size: 8 * scale, width },
  );
  y += 4;
  doc
    .moveTo(margin, y)
    .lineTo(margin + width, y)
    .lineWidth(0.8)
    .stroke();
  y += 4;
  const colSku = width * 0.38;
  const colCode = width * 0.42;
  const colQty = width * 0.2;
  write(doc, 'SKU', margin, y, { size: 7 * scale, width: colSku, bold: true });
  write(doc, zh ? 'Barcode 条码' : 'Barcode', margin + colSku, y, { size: 7 * scale, width: colCode, bold: true });
  write(doc, zh ? 'Qty 数量' : 'Qty', margin + colSku + colCode, y, {
    size: 7 * scale,
    width: colQty,
    bold: true,
    align: 'right',
  });
  y += 10 * scale;
  const rowH = 11 * MM * scale;
  slip.items.forEach((item, i) => {
    if (y + rowH > pageH - margin - 30 * scale) {
      doc.addPage({ size: [pageW, pageH], margin: 0 });
      y = margin;
    }
    write(doc, item.sku, margin, y + 1, { size: 8.5 * scale, width: colSku - 4, bold: true });
    const notes = [
      item.fromPlatformSku ? `from ${item.fromPlatformSku}` : '',
      item.parcel ? `parcel ${item.parcel}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    if (notes) write(doc, notes, margin, y + 12 * scale, { size: 6.5 * scale, width: colSku - 4 });
    doc.image(itemCodes[i]!, margin + colSku, y, { width: colCode - 6, height: rowH - 8 });
    write(doc, `× ${item.quantity}`, margin + colSku + colCode, y + 2, {
      size: 11 * scale,
      width: colQty,
      bold: true,
      align: 'right',
    });
    y += rowH;
    doc
      .moveTo(margin, y - 3)
      .lineTo(margin + width, y - 3)
      .lineWidth(0.3)
      .stroke();
  });
  const total = slip.items.reduce((n, i) => n + i.quantity, 0);
  y = write(doc, `${total} item${total === 1 ? '' : 's'}`, margin, y + 1, { size: 8 * scale, width, align: 'right' });
  y += 6;
  write(doc, zh ? "Buyer's note 买家留言" : "Buyer's note", margin, y, { size: 7.5 * scale, width, bold: true });
  y += 10 * scale;
  const note = slip.buyerNote?.trim() || '(none)';
  const noteTop = y;
  y = write(doc, note, margin + 3, y + 2, { size: 8.5 * scale, width: width - 6, lineGap: 1 });
  doc
    .rect(margin, noteTop - 1, width, Math.max(y - noteTop + 4, 12 * scale))
    .lineWidth(0.5)
    .stroke();
  write(doc, `Printed ${slip.printedOn}`, margin, pageH - margin - 8 * scale, {
    size: 6 * scale,
    width,
    align: 'right',
  });
}
