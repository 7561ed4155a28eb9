/**
 * Batch label printing: N labels (100 × 150 mm, two Code 128 barcodes each) rendered into one PDF, as
 * `GET /labels.pdf` and `shipby labels` do for a day's print queue. Prints the time per label and the PDF size,
 * then one JSON line.
 */
import { renderLabels, type LabelData } from '../src/documents/label';
import { issueTrackingNumber } from '../src/integrations/carriers/sample-numbers';

const counts = (process.argv[2] ?? '100,500').split(',').map(Number);
const base: Omit<LabelData, 'trackingNumber' | 'orderReference'> = {
  carrierName: 'China Post',
  serviceName: 'China Post Registered Air Mail',
  routingCode: 'ES-280-3',
  sender: { name: 'Shenzhen Example Co', line1: '1 Keji Road', city: 'Shenzhen', postcode: '518000', country: 'CN', phone: '+86 755 0000 0000' },
  recipient: { name: 'María García', line1: 'Calle de Alcalá 42', city: 'Madrid', postcode: '28014', country: 'ES', phone: '+34 600 000 000' },
  parcelPosition: 1,
  parcelCount: 1,
  weightG: 780,
  box: 'S',
  labelledOn: '2026-11-25',
};

const figures: Record<string, number> = {};
await renderLabels([{ ...base, trackingNumber: issueTrackingNumber('china-post', 1), orderReference: '8190000000000000' }]); // warm-up
for (const n of counts) {
  const labels = Array.from({ length: n }, (_, i) => ({ ...base, trackingNumber: issueTrackingNumber('china-post', 10_000_000 + i, 'R'), orderReference: String(8190000000000000 + i * 10) }));
  const started = performance.now();
  const pdf = await renderLabels(labels);
  const ms = performance.now() - started;
  console.log(`${n} labels: ${ms.toFixed(0)} ms (${(ms / n).toFixed(2)} ms/label), ${(pdf.length / 1024).toFixed(0)} KiB (${(pdf.length / n / 1024).toFixed(1)} KiB/label)`);
  figures[`labels_${n}_ms`] = Math.round(ms);
  figures[`labels_${n}_ms_per_label`] = Number((ms / n).toFixed(2));
  figures[`labels_${n}_kib`] = Math.round(pdf.length / 1024);
}
console.log(JSON.stringify(figures));
