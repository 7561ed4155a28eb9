/**
 * The shipping label: 100 × 150 mm, one page per parcel. Service and the carrier's routing code on top, sender
 * (FROM) and recipient (TO, large), the tracking number as a Code 128 barcode with its text, the order reference
 * (also as Code 128: the pack station scans it), weight, box, parcel n of m. `renderLabels` puts many labels into
 * one PDF in the order given (the app sorts them: by deadline, carrier or SKU).
 */
import { code128, collect, countryName, MM, newDocument, write } from './pdf';

export interface LabelAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
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
}

const LABEL_SIZE: [number, number] = [100 * MM, 150 * MM];

function addressLines(a: LabelAddress): string[] {
  return [a.name, a.line1, a.line2 ?? '', [a.postcode, a.city].filter(Boolean).join(' '), `${countryName(a.country).toUpperCase()} (${a.country})`, a.phone ? `Tel ${a.phone}` : ''].filter((l) => l.trim());
}

export async function renderLabels(labels: readonly LabelData[]): Promise<Buffer> {
  const doc = newDocument(LABEL_SIZE, 0);
  const margin = 4 * MM;
  const width = LABEL_SIZE[0] - 2 * margin;
  const barcodes = await Promise.all(labels.map(async (l) => ({ tracking: await code128(l.trackingNumber), order: await code128(l.orderReference) })));
  labels.forEach((label, index) => {
    doc.addPage({ size: LABEL_SIZE, margin: 0 });
    let y = margin;
    // Service and routing code.
    if (label.routingCode) write(doc, label.routingCode, margin + width * 0.62, y, { size: 14, width: width * 0.38, bold: true, align: 'right' });
    const serviceEnd = write(doc, label.serviceName, margin, y, { size: 9, width: width * 0.62, bold: true });
    y = Math.max(write(doc, label.carrierName, margin, serviceEnd + 1, { size: 8, width: width * 0.62 }), y + 22) + 3;
    doc.moveTo(margin, y).lineTo(margin + width, y).lineWidth(1).stroke();
    y += 4;
    // FROM
    write(doc, 'FROM', margin, y, { size: 6.5, width, bold: true });
    y = write(doc, addressLines(label.sender).join('\n'), margin, y + 8, { size: 7.5, width, lineGap: 0.5 });
    y += 4;
    doc.moveTo(margin, y).lineTo(margin + width, y).lineWidth(0.5).stroke();
    y += 4;
    // TO
    write(doc, 'TO', margin, y, { size: 7, width, bold: true });
    const [name = '', ...rest] = addressLines(label.recipient);
    y = write(doc, name, margin, y + 9, { size: 12, width, bold: true });
    y = write(doc, rest.join('\n'), margin, y + 1, { size: 10.5, width, lineGap: 1 });
    y = Math.max(y + 6, 92 * MM - 0);
    doc.moveTo(margin, y).lineTo(margin + width, y).lineWidth(1).stroke();
    // Tracking number: barcode and text.
    y += 5;
    const barWidth = width - 6 * MM;
    doc.image(barcodes[index]!.tracking, margin + 3 * MM, y, { width: barWidth, height: 18 * MM });
    y += 18 * MM + 2;
    write(doc, label.trackingNumber, margin, y, { size: 13, width, bold: true, align: 'center' });
    y += 18;
    doc.moveTo(margin, y).lineTo(margin + width, y).lineWidth(0.5).stroke();
    y += 4;
    // Order reference, weight, parcel n of m.
    write(doc, `Order ${label.orderReference}`, margin, y, { size: 8.5, width: width * 0.6, bold: true });
    write(doc, `Parcel ${label.parcelPosition} of ${label.parcelCount}`, margin + width * 0.6, y, { size: 8.5, width: width * 0.4, align: 'right' });
    y += 11;
    write(doc, `Weight ${(label.weightG / 1000).toFixed(3)} kg (${label.weightG} g)${label.box ? `   Box ${label.box}` : ''}`, margin, y, { size: 8, width: width * 0.7 });
    write(doc, label.labelledOn, margin + width * 0.7, y, { size: 7, width: width * 0.3, align: 'right' });
    y += 11;
    doc.image(barcodes[index]!.order, margin, y, { width: width * 0.6, height: 9 * MM });
  });
  if (labels.length === 0) {
    doc.addPage({ size: LABEL_SIZE, margin: 0 });
    write(doc, 'No labels to print.', 4 * MM, 10 * MM, { size: 10, width: 90 * MM });
  }
  return collect(doc);
}
