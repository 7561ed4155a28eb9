/**
 * labels.pdf prints the carrier's own label, on SQLite AND PostgreSQL: a label bought through a carrier adapter (a
 * local stand-in speaking YunExpress's API, whose label PDF is its own document of two pages) prints as that
 * document, page for page, with none of shipby's drawing; a number typed in with no carrier label behind it is the
 * only kind shipby draws itself; a batch mixing both keeps the print order. A carrier whose PDF cannot be had gives a
 * page saying so (never shipby's drawing in its place), and the next print fetches and keeps the document.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { addLabelSheets, labelsOfOrders, labelsPdf, packingSlipData } from '../../src/app/label-printing';
import { drawPackingSlip } from '../../src/documents/packing-slip';
import { PdfSequence } from '../../src/documents/sequence';
import { labelParcels } from '../../src/app/labels';
import { connectShop } from '../../src/app/marketplace';
import { markParcelShipped } from '../../src/app/shipments';
import { issueTrackingNumber } from '../../src/integrations/carriers/sample-numbers';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { pdfPages } from '../support/pdf-render';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { addAwaitingOrder, packAndWeighAll, setUpYunExpressShop } from '../support/pack';
import { carrierLabelDocument, startYunExpressStandIn, type StandIn } from '../support/yunexpress-stand-in';

const START = Date.UTC(2026, 10, 25, 2);

function pdfFile(pdf: Buffer): string {
  const file = path.join(tempDir(), 'labels.pdf');
  fs.writeFileSync(file, pdf);
  return file;
}
const pdfText = (pdf: Buffer) => execFileSync('pdftotext', [pdfFile(pdf), '-'], { encoding: 'utf8' });
const pageCount = (pdf: Buffer) =>
  Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdfFile(pdf)], { encoding: 'utf8' }))![1]);

describe.each(backends)("labels.pdf prints the carrier's own label on $name", (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let standIn: StandIn;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    standIn = await startYunExpressStandIn({ pages: 2 });
    await setUpYunExpressShop(
      ctx,
      'shop',
      { url: standIn.url, customerCode: standIn.customerCode, apiKey: 'stand-in-secret' },
      START,
    );
  });
  afterEach(async () => {
    await standIn.close();
    await dispose();
  });

  /** An order due in `hours`, packed, its label bought from the carrier: its number. */
  const boughtFromCarrier = async (id: string, hours: number) => {
    const orderId = await addAwaitingOrder(ctx, 'shop', id, { now: START, shipInHours: hours, sku: 'SKU-A' });
    await packAndWeighAll(ctx, id);
    const [label] = await labelParcels(ctx, { orderId, service: 'yunexpress-direct', confirmCost: true }, 'packer');
    return { orderId, number: label!.trackingNumber };
  };

  it("prints the carrier's document as it is: its text, its two pages, none of shipby's drawing", async () => {
    const { orderId, number } = await boughtFromCarrier('YT-PRINT-1', 48);
    expect(number).toMatch(/^YT\d{16}$/);
    const printed = await labelsPdf(ctx, { orderBy: 'deadline', orderIds: [orderId] });
    expect(printed.count).toBe(1);
    expect(pageCount(printed.pdf)).toBe(2);
    const text = pdfText(printed.pdf);
    expect(text).toContain(`YUNEXPRESS OWN LABEL ${number}`);
    expect(text).toContain(`YUNEXPRESS CUSTOMS FORM ${number} PAGE 2`);
    expect(text).toBe(pdfText(await carrierLabelDocument(number, 2)));
    expect(text).not.toContain('Buyer YT-PRINT-1'); // shipby's drawing prints the recipient
    expect(text).not.toMatch(/sample rates|示例运价/i);
  });

  it('a batch mixing a carrier label and a number typed in: the carrier’s pages, then shipby’s drawing, in deadline order', async () => {
    // A number typed in, in a shop connected to its marketplace (its upload is queued): no carrier label behind it.
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: 'connected',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    const typedIn = await addAwaitingOrder(ctx, 'connected', 'TYPED-1', { now: START, shipInHours: 24, sku: 'SKU-A' });
    const typedNumber = issueTrackingNumber('china-post', 4_711);
    await markParcelShipped(
      ctx,
      { orderId: typedIn, trackingNumber: typedNumber, serviceName: 'CPAM', lastParcel: true },
      'seller',
    );
    const { orderId, number } = await boughtFromCarrier('YT-PRINT-2', 48);
    const printed = await labelsPdf(ctx, { orderBy: 'deadline', orderIds: [orderId, typedIn] });
    expect(printed.count).toBe(2);
    expect(printed.order.map((o) => o.trackingNumber)).toEqual([typedNumber, number]);
    // shipby's label of the typed-in number and its CN22 (Shenzhen to Madrid), then the carrier's two pages.
    expect(pageCount(printed.pdf)).toBe(4);
    const text = pdfText(printed.pdf);
    expect(text).toContain('Order TYPED-1');
    expect(text).toContain('CUSTOMS DECLARATION');
    expect(text.indexOf(typedNumber)).toBeLessThan(text.indexOf(`YUNEXPRESS OWN LABEL ${number}`));
    expect(text).toContain('Buyer TYPED-1');
    expect(text).not.toContain('Buyer YT-PRINT-2');

    // The batch print (app/picking.ts batchDocumentsPdf): per order its labels, then its packing slip.
    const sheets = await labelsOfOrders(ctx, [orderId, typedIn]);
    const batch = new PdfSequence();
    for (const id of [orderId, typedIn]) {
      await addLabelSheets(batch, sheets.get(id) ?? []);
      await drawPackingSlip(batch.drawing(), await packingSlipData(ctx, id), 'A6');
    }
    const pages = pdfPages(await batch.finish());
    const kinds = pages.map((p) =>
      p.includes('YUNEXPRESS OWN LABEL')
        ? 'carrier label'
        : p.includes('YUNEXPRESS CUSTOMS FORM')
          ? 'carrier form'
          : /Packing slip/i.test(p)
            ? `slip ${/Order (\S+)/.exec(p)?.[1]}`
            : p.includes('CUSTOMS DECLARATION')
              ? 'CN22'
              : p.includes(typedNumber)
                ? 'drawn label'
                : 'other',
    );
    expect(kinds).toEqual(['carrier label', 'carrier form', 'slip YT-PRINT-2', 'drawn label', 'CN22', 'slip TYPED-1']);
  });

  it('a carrier PDF that cannot be had prints a page saying so, then is fetched and kept on the next print', async () => {
    standIn.servePdf = false;
    const { orderId, number } = await boughtFromCarrier('YT-PRINT-3', 48);
    expect(await store.db.selectFrom('label_documents').select('label_id').execute()).toEqual([]);

    const missing = await labelsPdf(ctx, { orderBy: 'deadline', orderIds: [orderId] });
    expect(pageCount(missing.pdf)).toBe(1);
    const said = pdfText(missing.pdf);
    expect(said).toContain('CARRIER LABEL MISSING');
    expect(said).toContain(number);
    expect(said).toContain('answered 500');
    expect(said).not.toContain('Buyer YT-PRINT-3'); // shipby's drawing would print the recipient

    standIn.servePdf = true;
    const fetched = await labelsPdf(ctx, { orderBy: 'deadline', orderIds: [orderId] });
    expect(pdfText(fetched.pdf)).toContain(`YUNEXPRESS OWN LABEL ${number}`);
    const kept = await store.db.selectFrom('label_documents').select(['parcel_id', 'bytes']).execute();
    expect(kept).toHaveLength(1);
    standIn.servePdf = false; // kept: printing again needs the carrier no more
    expect(pdfText((await labelsPdf(ctx, { orderBy: 'deadline', orderIds: [orderId] })).pdf)).toContain(
      `YUNEXPRESS OWN LABEL ${number}`,
    );
  });
});
