/**
 * Batch label printing: N labels (100 × 150 mm, two Code 128 barcodes each) rendered into one PDF, as
 * `GET /labels.pdf` and `shipby labels` do for a day's print queue. Then labels bought through the YunExpress
 * adapter from the local sample carrier (the real protocol over HTTP: CreateOrder, then Label/Print for the PDF
 * link), one after another as a pack station does, and a retried purchase (the repeated customer order number read
 * back). Prints the time per label and the PDF size, then one JSON line.
 */
import { renderLabels, type LabelData } from '../src/documents/label';
import { issueTrackingNumber } from '../src/integrations/carriers/sample-numbers';
import { startSampleCarrierServer } from '../src/integrations/carriers/sample-server';
import { createYunExpressCarrier } from '../src/integrations/carriers/yunexpress/adapter';

const counts = (process.argv[2] ?? '100,500').split(',').map(Number);
const base: Omit<LabelData, 'trackingNumber' | 'orderReference'> = {
  carrierName: 'China Post',
  serviceName: 'China Post Registered Air Mail',
  routingCode: 'ES-280-3',
  sender: {
    name: 'Shenzhen Example Co',
    line1: '1 Keji Road',
    city: 'Shenzhen',
    postcode: '518000',
    country: 'CN',
    phone: '+86 755 0000 0000',
  },
  recipient: {
    name: 'María García',
    line1: 'Calle de Alcalá 42',
    city: 'Madrid',
    postcode: '28014',
    country: 'ES',
    phone: '+34 600 000 000',
  },
  parcelPosition: 1,
  parcelCount: 1,
  weightG: 780,
  box: 'S',
  labelledOn: '2026-11-25',
};

const figures: Record<string, number> = {};
await renderLabels([
  { ...base, trackingNumber: issueTrackingNumber('china-post', 1), orderReference: '8190000000000000' },
]); // warm-up
for (const n of counts) {
  const labels = Array.from({ length: n }, (_, i) => ({
    ...base,
    trackingNumber: issueTrackingNumber('china-post', 10_000_000 + i, 'R'),
    orderReference: String(8190000000000000 + i * 10),
  }));
  const started = performance.now();
  const pdf = await renderLabels(labels);
  const ms = performance.now() - started;
  console.log(
    `${n} labels: ${ms.toFixed(0)} ms (${(ms / n).toFixed(2)} ms/label), ${(pdf.length / 1024).toFixed(0)} KiB (${(pdf.length / n / 1024).toFixed(1)} KiB/label)`,
  );
  figures[`labels_${n}_ms`] = Math.round(ms);
  figures[`labels_${n}_ms_per_label`] = Number((ms / n).toFixed(2));
  figures[`labels_${n}_kib`] = Math.round(pdf.length / 1024);
}

const bought = Number(process.argv[3] ?? 200);
const carrier = await startSampleCarrierServer({ apiKey: 'bench-secret' });
try {
  const adapter = createYunExpressCarrier({
    baseUrl: carrier.url,
    customerCode: carrier.customerCode,
    apiSecret: 'bench-secret',
  });
  const request = (i: number) => ({
    service: 'china-post-registered',
    reference: String(8190000000000000 + i),
    idempotencyKey: `shipby-${i}-1-${8190000000000000 + i}`,
    sender: base.sender,
    recipient: base.recipient,
    grossWeightG: 780,
    dimsMm: [250, 200, 120] as const,
    declaredValue: { amount: 1999, currency: 'USD' },
    contents: [{ sku: 'PHONE-CASE-BLK', quantity: 2 }],
  });
  await adapter.createLabel(request(0)); // warm-up
  let started = performance.now();
  for (let i = 1; i <= bought; i++) await adapter.createLabel(request(i));
  const buyMs = performance.now() - started;
  started = performance.now();
  for (let i = 1; i <= bought; i++) await adapter.createLabel(request(i)); // every one a retry: read back, not bought
  const retryMs = performance.now() - started;
  if (carrier.labels.size !== bought + 1) throw new Error(`retries bought labels: ${carrier.labels.size}`);
  console.log(
    `${bought} labels bought over YunExpress's protocol: ${(buyMs / bought).toFixed(2)} ms/label; retried: ${(retryMs / bought).toFixed(2)} ms/label, none bought twice`,
  );
  figures.yunexpress_buy_ms_per_label = Number((buyMs / bought).toFixed(2));
  figures.yunexpress_retry_ms_per_label = Number((retryMs / bought).toFixed(2));
} finally {
  await carrier.close();
}
console.log(JSON.stringify(figures));
