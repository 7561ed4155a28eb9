/**
 * The shipping label: 100 × 150 mm, one page per parcel. Service and the carrier's routing code on top, sender
 * (FROM) and recipient (TO, large), the tracking number as a Code 128 barcode with its text, the order reference
 * (also as Code 128: the pack station scans it), weight, box, parcel n of m. `renderLabels` puts many labels into
 * one PDF in the order given (the app sorts them: by deadline, carrier or SKU). A parcel leaving the sender's customs
 * territory carries its CN22 declaration on a second page of the same size, printed right after its label (contents,
 * quantity, weight, value and currency, HS code, origin, the sender's signature line).
 */
import type { CustomsDeclaration } from '../core/customs';
import { minorDigits } from '../core/money';
import { code128, collect, countryName, fitOnOneLine, MM, newDocument, textWidth, write, type Doc } from './pdf';

export interface LabelAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  /** State, province or region, printed after the city ("Madrid, Comunidad de Madrid"). */
  state?: string | null;
  postcode?: string | null;
  country: string;
  phone?: string | null;
}

export interface LabelData {
  trackingNumber: string;
  carrierName: string;
  serviceName: string;
  routingCode: string | null;
  sender: LabelAddress;
  recipient: LabelAddress;
  orderReference: string;
  parcelPosition: number;
  parcelCount: number;
  weightG: number;
  box: string | null;
  /** ISO date the label was made, printed small. */
  labelledOn: string;
  /** The CN22 declaration, when the destination needs one (core/customs needsCustomsDeclaration); else null. */
  customs?: CustomsDeclaration | null;
}

const LABEL_SIZE: [number, number] = [100 * MM, 150 * MM];

/** A rate card's remark ("(sample rates)", "（示例运价）") is for the seller's screens, never for a carrier's label. */
export function serviceOnLabel(name: string): string {
  return name.replace(/\s*[(（][^()（）]*(sample rates|示例运价)[^()（）]*[)）]\s*/gi, ' ').trim();
}

function addressLines(a: LabelAddress): string[] {
  return [
    a.name,
    a.line1,
    a.line2 ?? '',
    [[a.postcode, a.city].filter(Boolean).join(' '), a.state].filter((p) => p?.trim()).join(', '),
    `${countryName(a.country).toUpperCase()} (${a.country})`,
    a.phone ? `Tel ${a.phone}` : '',
  ].filter((l) => l.trim());
}

export async function renderLabels(labels: readonly LabelData[]): Promise<Buffer> {
  const doc = newDocument(LABEL_SIZE, 0);
  await drawLabels(doc, labels);
  return collect(doc);
}

/** Adds one page per label to a document (a batch prints labels and slips in one). */
export async function drawLabels(doc: Doc, labels: readonly LabelData[]): Promise<void> {
  const margin = 4 * MM;
  const width = LABEL_SIZE[0] - 2 * margin;
  const barcodes = await Promise.all(
    labels.map(async (l) => ({ tracking: await code128(l.trackingNumber), order: await code128(l.orderReference) })),
  );
  labels.forEach((label, index) => {
    doc.addPage({ size: LABEL_SIZE, margin: 0 });
    let y = margin;
    // Service and routing code.
    // The sort code on one line: beside the service when it fits there at 9 pt or more, else on a line of its own.
    if (label.routingCode) {
      if (textWidth(doc, label.routingCode, 9, true) <= width * 0.38)
        fitOnOneLine(doc, label.routingCode, margin + width * 0.62, y, {
          size: 14,
          width: width * 0.38,
          bold: true,
          align: 'right',
        });
      else y = fitOnOneLine(doc, label.routingCode, margin, y, { size: 14, width, bold: true, align: 'right' }) + 2;
    }
    const serviceEnd = write(doc, serviceOnLabel(label.serviceName), margin, y, {
      size: 9,
      width: width * 0.62,
      bold: true,
    });
    y = Math.max(write(doc, label.carrierName, margin, serviceEnd + 1, { size: 8, width: width * 0.62 }), y + 22) + 3;
    doc
      .moveTo(margin, y)
      .lineTo(margin + width, y)
      .lineWidth(1)
      .stroke();
    y += 4;
    // FROM
    write(doc, 'FROM', margin, y, { size: 6.5, width, bold: true });
    y = write(doc, addressLines(label.sender).join('\n'), margin, y + 8, { size: 7.5, width, lineGap: 0.5 });
    y += 4;
    doc
      .moveTo(margin, y)
      .lineTo(margin + width, y)
      .lineWidth(0.5)
      .stroke();
    y += 4;
    // TO
    write(doc, 'TO', margin, y, { size: 7, width, bold: true });
    const [name = '', ...rest] = addressLines(label.recipient);
    y = write(doc, name, margin, y + 9, { size: 12, width, bold: true });
    y = write(doc, rest.join('\n'), margin, y + 1, { size: 10.5, width, lineGap: 1 });
    y = Math.max(y + 6, 92 * MM - 0);
    doc
      .moveTo(margin, y)
      .lineTo(margin + width, y)
      .lineWidth(1)
      .stroke();
    // Tracking number: barcode and text.
    y += 5;
    const barWidth = width - 6 * MM;
    doc.image(barcodes[index]!.tracking, margin + 3 * MM, y, { width: barWidth, height: 18 * MM });
    y += 18 * MM + 2;
    write(doc, label.trackingNumber, margin, y, { size: 13, width, bold: true, align: 'center' });
    y += 18;
    doc
      .moveTo(margin, y)
      .lineTo(margin + width, y)
      .lineWidth(0.5)
      .stroke();
    y += 4;
    // Order reference, weight, parcel n of m.
    write(doc, `Order ${label.orderReference}`, margin, y, { size: 8.5, width: width * 0.6, bold: true });
    write(doc, `Parcel ${label.parcelPosition} of ${label.parcelCount}`, margin + width * 0.6, y, {
      size: 8.5,
      width: width * 0.4,
      align: 'right',
    });
    y += 11;
    write(
      doc,
      `Weight ${(label.weightG / 1000).toFixed(3)} kg (${label.weightG} g)${label.box ? `   Box ${label.box}` : ''}`,
      margin,
      y,
      { size: 8, width: width * 0.7 },
    );
    write(doc, label.labelledOn, margin + width * 0.7, y, { size: 7, width: width * 0.3, align: 'right' });
    y += 11;
    doc.image(barcodes[index]!.order, margin, y, { width: width * 0.6, height: 9 * MM });
    if (label.customs) drawCn22(doc, label, label.customs, margin, width);
  });
  if (labels.length === 0) {
    doc.addPage({ size: LABEL_SIZE, margin: 0 });
    write(doc, 'No labels to print.', 4 * MM, 10 * MM, { size: 10, width: 90 * MM });
  }
}

const CATEGORIES: Array<[CustomsDeclaration['category'], string]> = [
  ['gift', 'Gift'],
  ['sample', 'Commercial sample'],
  ['documents', 'Documents'],
  ['sale-of-goods', 'Sale of goods'],
  ['other', 'Other'],
];

function money(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** The CN22 page: the UPU form's fields in its order, for the parcel on the page before. */
function drawCn22(doc: Doc, label: LabelData, customs: CustomsDeclaration, margin: number, width: number): void {
  doc.addPage({ size: LABEL_SIZE, margin: 0 });
  let y = margin;
  write(doc, 'CUSTOMS DECLARATION', margin, y, { size: 11, width: width * 0.7, bold: true });
  write(doc, 'CN 22', margin + width * 0.7, y, { size: 14, width: width * 0.3, bold: true, align: 'right' });
  y += 15;
  y = write(
    doc,
    `May be opened officially. ${label.carrierName}, ${label.trackingNumber}, parcel ${label.parcelPosition} of ${label.parcelCount}`,
    margin,
    y,
    { size: 6.5, width },
  );
  y += 3;
  doc
    .moveTo(margin, y)
    .lineTo(margin + width, y)
    .lineWidth(1)
    .stroke();
  y += 4;
  const boxes = CATEGORIES.map(([code, text]) => `[${customs.category === code ? 'X' : ' '}] ${text}`);
  y = write(doc, boxes.join('   '), margin, y, { size: 7, width, lineGap: 1 });
  y += 4;
  const cols = { desc: width * 0.4, qty: width * 0.1, weight: width * 0.16, value: width * 0.16, hs: width * 0.18 };
  const xs = {
    desc: margin,
    qty: margin + cols.desc,
    weight: margin + cols.desc + cols.qty,
    value: margin + cols.desc + cols.qty + cols.weight,
    hs: margin + width - cols.hs,
  };
  const header = y;
  write(doc, 'Detailed description of contents', xs.desc, header, { size: 6, width: cols.desc - 2, bold: true });
  write(doc, 'Qty', xs.qty, header, { size: 6, width: cols.qty - 2, bold: true, align: 'right' });
  write(doc, 'Weight (kg)', xs.weight, header, { size: 6, width: cols.weight - 2, bold: true, align: 'right' });
  write(doc, `Value (${customs.currency})`, xs.value, header, {
    size: 6,
    width: cols.value - 2,
    bold: true,
    align: 'right',
  });
  write(doc, 'HS tariff no.', xs.hs, header, { size: 6, width: cols.hs, bold: true, align: 'right' });
  y = header + 16;
  doc
    .moveTo(margin, y - 2)
    .lineTo(margin + width, y - 2)
    .lineWidth(0.5)
    .stroke();
  for (const item of customs.items) {
    const top = y;
    const end = write(doc, item.description, xs.desc, top, { size: 7.5, width: cols.desc - 2 });
    write(doc, String(item.quantity), xs.qty, top, { size: 7.5, width: cols.qty - 2, align: 'right' });
    write(doc, (item.weightG / 1000).toFixed(3), xs.weight, top, { size: 7.5, width: cols.weight - 2, align: 'right' });
    write(doc, money(item.value, customs.currency), xs.value, top, {
      size: 7.5,
      width: cols.value - 2,
      align: 'right',
    });
    write(doc, item.hsCode ?? '', xs.hs, top, { size: 7.5, width: cols.hs, align: 'right' });
    y = Math.max(end, top + 10) + 2;
  }
  doc
    .moveTo(margin, y)
    .lineTo(margin + width, y)
    .lineWidth(0.5)
    .stroke();
  y += 3;
  write(doc, 'Total weight (kg)', xs.desc, y, { size: 7, width: cols.desc + cols.qty - 2, bold: true });
  write(doc, (customs.totalWeightG / 1000).toFixed(3), xs.weight, y, {
    size: 7.5,
    width: cols.weight - 2,
    bold: true,
    align: 'right',
  });
  write(doc, `${money(customs.totalValue, customs.currency)} ${customs.currency}`, xs.value, y, {
    size: 7.5,
    width: cols.value + cols.hs - 2,
    bold: true,
    align: 'left',
  });
  y += 13;
  const origins = [...new Set(customs.items.map((i) => i.origin))];
  y = write(
    doc,
    `Country of origin of goods: ${origins.map((c) => `${countryName(c)} (${c})`).join(', ')}`,
    margin,
    y,
    { size: 7.5, width },
  );
  y += 6;
  y = write(
    doc,
    'I certify that the particulars given in this declaration are correct and that this item does not contain any dangerous article prohibited by legislation or by postal or customs regulations.',
    margin,
    y,
    { size: 6, width, lineGap: 0.5 },
  );
  y += 16;
  doc
    .moveTo(margin, y)
    .lineTo(margin + width * 0.6, y)
    .lineWidth(0.5)
    .stroke();
  write(doc, label.labelledOn, margin + width * 0.65, y - 9, { size: 7.5, width: width * 0.35, align: 'right' });
  write(doc, `Date and sender's signature (${label.sender.name})`, margin, y + 2, { size: 6, width });
}

/**
 * The page standing in for a carrier's own label that could not be had (the carrier did not give its PDF): the
 * number, the order and why, in both languages — never a label of shipby's drawing for a carrier that makes its own.
 */
export function drawMissingCarrierLabel(
  doc: Doc,
  label: { trackingNumber: string; orderReference: string; reason: { en: string; 'zh-CN': string } },
): void {
  const margin = 6 * MM;
  const width = LABEL_SIZE[0] - 2 * margin;
  doc.addPage({ size: LABEL_SIZE, margin: 0 });
  let y = write(doc, 'CARRIER LABEL MISSING\n承运商面单缺失', margin, margin, { size: 14, width, bold: true });
  y = write(doc, `${label.trackingNumber}\nOrder ${label.orderReference}`, margin, y + 4 * MM, { size: 11, width });
  y = write(doc, label.reason.en, margin, y + 4 * MM, { size: 9, width });
  write(doc, label.reason['zh-CN'], margin, y + 2 * MM, { size: 9, width });
}
