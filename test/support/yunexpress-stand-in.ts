/**
 * A local stand-in speaking YunExpress's OMS API v1 as documented (test/fixtures/carriers/yunexpress): CreateOrder
 * numbers each order YT + 16 digits, Label/Print links to a label PDF the stand-in serves, GetPriceTrial answers
 * what the test scripts. The label PDF is the carrier's own document, made here with pdf-lib and unlike shipby's
 * drawing (its own words, `pages` pages), so a print that contains it can be told from one shipby drew.
 */
import { createServer, type Server } from 'node:http';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export interface StandIn {
  url: string;
  customerCode: string;
  /** Every call, in order: the path and query, and the JSON body if any. */
  calls: Array<{ path: string; body: unknown }>;
  /** Whether the label PDFs are served (false: HTTP 500, as a carrier's file server that fails). */
  servePdf: boolean;
  /** The answer to GetPriceTrial: a JSON body, or `hang` (never answers: a timeout). */
  priceTrial: ((query: URLSearchParams) => unknown) | 'hang';
  close(): Promise<void>;
}

/** The carrier's own label: page 1 the label with its words, then `pages - 1` more pages (its customs form). */
export async function carrierLabelDocument(wayBill: string, pages: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = pdf.addPage([283, 283]);
    page.drawText(i === 0 ? `YUNEXPRESS OWN LABEL ${wayBill}` : `YUNEXPRESS CUSTOMS FORM ${wayBill} PAGE ${i + 1}`, {
      x: 10,
      y: 250,
      size: 9,
      font,
    });
  }
  return Buffer.from(await pdf.save());
}

export async function startYunExpressStandIn(options: { pages?: number; firstSerial?: number } = {}): Promise<StandIn> {
  let serial = options.firstSerial ?? 1;
  const byOrder = new Map<string, string>();
  const hanging = new Set<import('node:http').ServerResponse>();
  const state: StandIn = {
    url: '',
    customerCode: 'STANDIN01',
    calls: [],
    servePdf: true,
    priceTrial: () => ({ Items: null, Code: '0000', Message: '提交成功!' }),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://stand-in');
        const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : null;
        state.calls.push({ path: `${url.pathname}${url.search}`, body });
        const json = (value: unknown) => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(value));
        };
        const pdf = /^\/PDF\/(YT\d{16})\.pdf$/.exec(url.pathname);
        if (pdf) {
          if (!state.servePdf) {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end('label store unavailable');
            return;
          }
          res.writeHead(200, { 'content-type': 'application/pdf' });
          res.end(await carrierLabelDocument(pdf[1]!, options.pages ?? 2));
          return;
        }
        switch (url.pathname) {
          case '/api/WayBill/CreateOrder': {
            const items = (body as Array<Record<string, unknown>>).map((order) => {
              const key = String(order.CustomerOrderNumber);
              const wayBill = byOrder.get(key) ?? `YT${String(serial++).padStart(16, '0')}`;
              byOrder.set(key, wayBill);
              return { CustomerOrderNumber: key, Success: 1, TrackType: '1', Remark: '', WayBillNumber: wayBill };
            });
            return json({ Item: items, Code: '0000', Message: '提交成功!' });
          }
          case '/api/Label/Print': {
            const numbers = body as string[];
            return json({
              Item: numbers.map((n) => ({
                Url: `${state.url}/PDF/${n}.pdf`,
                OrderInfos: [{ CustomerOrderNumber: n, Error: '', Code: 100 }],
              })),
              Code: '0000',
              Message: '提交成功',
            });
          }
          case '/api/Freight/GetPriceTrial': {
            if (state.priceTrial === 'hang') {
              hanging.add(res);
              return;
            }
            return json(state.priceTrial(url.searchParams));
          }
          default:
            return json({ Code: '1004', Message: `no such endpoint ${url.pathname}` });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
