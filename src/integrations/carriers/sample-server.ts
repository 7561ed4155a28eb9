/**
 * A sample carrier: a real local HTTP server (node:http) that speaks YunExpress's OMS API v1 (yunexpress/protocol.ts,
 * the same wire format as the real carrier), so the demo and the tests buy labels through a real protocol. It serves
 * every service of its list (`ShippingMethodCode` = shipby's service code; the sample services by default), numbers
 * each parcel in its carrier's real format (sample-numbers.ts), prices it from the rate card (a parcel the service
 * cannot take is refused with the reason, as YunExpress does), and serves each label as a real PDF (100 × 150 mm,
 * Code 128 barcodes: src/documents/label.ts).
 *
 * - `Authorization: Basic base64(customerCode&apiSecret)`; anything else → HTTP 401.
 * - `POST /api/WayBill/CreateOrder` [orders] → {Item: [{CustomerOrderNumber, Success, Remark, WayBillNumber, …}],
 *   Code: "0000" | "1001"}; a repeated CustomerOrderNumber is refused "客户订单号重复 (duplicate)" like YunExpress.
 * - `POST /api/Label/Print` [numbers] → {Item: [{Url, OrderInfos: [{CustomerOrderNumber, Error, Code: 100}]}]}
 * - `GET  /PDF/<waybill>.pdf` → the label PDF (the link Label/Print gives; no authorisation, like YunExpress's)
 * - `POST /api/WayBill/Delete` {OrderType, OrderNumber} → {Item: {OrderNumber, Status, Type, Remark}}; refused once
 *   the parcel was scanned (`scan`, below)
 * - `GET  /api/WayBill/GetOrder?OrderNumber=` and `GET /api/Tracking/GetTrackAllInfo?OrderNumber=`
 * - `GET  /api/Freight/GetPriceTrial?CountryCode=&Weight=&Length=&Width=&Height=` → {Items: [{Code, CName, EName,
 *   ShippingFee, RegistrationFee, FuelFee, SundryFee, TotalFee, Currency, DeliveryDays, Remark}]}: every service
 *   that takes the parcel, priced from its rate card (null when none does, as YunExpress answers)
 * `scan(number)` (in process, for tests and the demo) records the carrier's acceptance scan.
 *
 * Serials: from `serialStart` (default: random), kept in `stateFile` when given so a restarted carrier never
 * issues a number twice (shipby refuses a number another order used within 12 months).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomInt } from 'node:crypto';
import type { CarrierService } from '../../core/carrier/types';
import { Refused, sampleCarrierBook, str, trackAllInfo, type Json, type SampleLabel } from './sample-carrier-book';
import { priceTrial } from './sample-price-trial';
import { credentialsOf } from './yunexpress/protocol';

export type { SampleLabel } from './sample-carrier-book';

export const SAMPLE_CUSTOMER_CODE = 'SAMPLE0001';

export interface SampleCarrierOptions {
  port?: number;
  host?: string;
  /** The ApiSecret clients must sign with (Basic customerCode&apiSecret). */
  apiKey: string;
  customerCode?: string;
  services?: readonly CarrierService[];
  serialStart?: number;
  stateFile?: string;
  now?: () => number;
}

export interface SampleCarrierServer {
  url: string;
  customerCode: string;
  labels: Map<string, SampleLabel>;
  /** The carrier's acceptance scan at its depot: the label can no longer be deleted. */
  scan(trackingNumber: string): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) {
        reject(new Refused('request body over 1 MiB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(size ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : null);
      } catch {
        reject(new Refused('the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** One request to the sample carrier, with what its endpoints answer with. */
interface Exchange {
  req: IncomingMessage;
  url: URL;
  /** The server's own address (for the label links). */
  base: string;
  book: ReturnType<typeof sampleCarrierBook>;
  now: () => number;
  send: (status: number, body: unknown) => void;
  envelope: (code: string, message: string, item: unknown) => object;
}

/** `POST /api/WayBill/CreateOrder`: a label per order (each refused with its reason, as YunExpress does). */
async function createOrders({ req, send, envelope, book: { createOne } }: Exchange): Promise<void> {
  const body = await readBody(req);
  if (!Array.isArray(body) || body.length === 0)
    return send(200, envelope('1001', 'the body must be an array of orders', []));
  const items = body.map((order) => createOne((order && typeof order === 'object' ? order : {}) as Json));
  const failed = items.some((i) => i.Success !== 1);
  return send(
    200,
    envelope(failed ? '1001' : '0000', failed ? '提交失败 (some orders were refused)' : '提交成功!', items),
  );
}

/** `POST /api/Label/Print`: the link to the first number's label PDF, and each number found or not. */
async function printLabels({ req, send, envelope, base, book: { find } }: Exchange): Promise<void> {
  const body = await readBody(req);
  if (!Array.isArray(body) || body.length === 0 || !body.every((n) => typeof n === 'string'))
    return send(200, envelope('1001', 'the body must be an array of order numbers', []));
  const infos = body.map((n) => ({
    CustomerOrderNumber: n,
    Error: find(n) ? '' : '订单不存在 (no such order)',
    Code: find(n) ? 100 : 200,
  }));
  const first = find(body[0] as string);
  return send(
    200,
    envelope('0000', '提交成功', [{ Url: first ? `${base}/PDF/${first.trackingNumber}.pdf` : '', OrderInfos: infos }]),
  );
}

/** `POST /api/WayBill/Delete`: a label voided, refused once the parcel was scanned. */
async function deleteLabel({ req, send, envelope, now, book: { find } }: Exchange): Promise<void> {
  const body = ((await readBody(req)) ?? {}) as Json;
  const number = str(body.OrderNumber);
  const label = find(number);
  const item = (status: string, remark: string) => ({
    OrderNumber: number,
    Status: status,
    Type: Number(body.OrderType) || 1,
    Remark: remark,
  });
  if (!label) return send(200, envelope('1001', '提交失败', item('Failure', '订单不存在 (no such order)')));
  if (label.scannedAt !== null)
    return send(
      200,
      envelope(
        '1001',
        '提交失败',
        item('Failure', '已收货，不能删除 (the parcel is already with the carrier: it cannot be deleted)'),
      ),
    );
  label.voidedAt ??= now();
  return send(200, envelope('0000', '提交成功!', item('Success', '删除成功!')));
}

/** `GET /api/Freight/GetPriceTrial`: every service that takes the parcel, priced from its rate card. */
function priceTrialOf({ url, send, envelope, book: { services } }: Exchange) {
  const trial = priceTrial(services.values(), url.searchParams);
  if ('refused' in trial) return send(200, envelope('1004', trial.refused, null));
  return send(200, { ...envelope('0000', '提交成功!', undefined), Items: trial.items });
}

/** `GET /api/WayBill/GetOrder`: one label's order. */
function getOrder({ url, send, envelope, book: { find } }: Exchange) {
  const label = find(url.searchParams.get('OrderNumber') ?? '');
  if (!label) return send(200, envelope('1011', '订单不存在 (no such order)', null));
  return send(
    200,
    envelope('0000', '提交成功', {
      WayBillNumber: label.trackingNumber,
      OrderNumber: label.customerOrderNumber,
      ShippingMethodCode: label.service,
      TrackingNumber: '',
      TransactionNumber: label.reference,
      Weight: label.weightG / 1000,
      Status: label.voidedAt !== null ? 5 : 3,
    }),
  );
}

/** `GET /api/Tracking/GetTrackAllInfo`: one label's tracking. */
function trackingOf({ url, send, envelope, book: { find } }: Exchange) {
  const label = find(url.searchParams.get('OrderNumber') ?? '');
  if (!label) return send(200, envelope('1011', '订单不存在 (no such order)', null));
  return send(200, envelope('0000', '提交成功', trackAllInfo(label)));
}

/** The endpoints behind the credentials, by method and path. */
const ENDPOINTS: Readonly<Record<string, (exchange: Exchange) => Promise<void> | void>> = {
  'POST /api/WayBill/CreateOrder': createOrders,
  'POST /api/Label/Print': printLabels,
  'POST /api/WayBill/Delete': deleteLabel,
  'GET /api/Freight/GetPriceTrial': priceTrialOf,
  'GET /api/WayBill/GetOrder': getOrder,
  'GET /api/Tracking/GetTrackAllInfo': trackingOf,
};

export async function startSampleCarrierServer(options: SampleCarrierOptions): Promise<SampleCarrierServer> {
  const now = options.now ?? Date.now;
  const customerCode = options.customerCode ?? SAMPLE_CUSTOMER_CODE;
  const book = sampleCarrierBook(options, now);
  const { labels, find, pdfOf } = book;
  const envelope = (code: string, message: string, item: unknown) => ({
    Item: item,
    Code: code,
    Message: message,
    RequestId: `sample-${randomInt(1e9)}`,
    TimeStamp: new Date(now()).toISOString(),
  });

  async function handle(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://sample-carrier');
    const route = url.pathname;
    const pdf = /^\/PDF\/([^/]+)\.pdf$/.exec(route);
    if (req.method === 'GET' && pdf) {
      const label = find(decodeURIComponent(pdf[1]!));
      if (!label) return send(404, envelope('1011', 'no such label', null));
      const bytes = await pdfOf(label);
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': bytes.length });
      res.end(bytes);
      return;
    }
    const who = credentialsOf(req.headers.authorization);
    if (!who || who.customerCode !== customerCode || who.apiSecret !== options.apiKey)
      return send(401, envelope('401', 'Unauthorized: wrong customer code or API secret', null));
    const endpoint = ENDPOINTS[`${req.method} ${route}`];
    if (endpoint) return endpoint({ req, url, base, book, now, send, envelope });
    return send(404, envelope('404', `${req.method} ${route} is not an endpoint`, null));
  }

  let base = '';
  const server: Server = createServer((req, res) => {
    handle(req, res, base).catch((error: unknown) => {
      if (res.headersSent) return;
      const refused = error instanceof Refused;
      res.writeHead(refused ? 400 : 500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify(
          envelope(refused ? '1001' : '500', error instanceof Error ? error.message : String(error), null),
        ),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  base = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: base,
    customerCode,
    labels,
    scan(trackingNumber) {
      const label = find(trackingNumber);
      if (!label) throw new RangeError(`the sample carrier has no parcel ${trackingNumber}`);
      if (label.voidedAt !== null) throw new RangeError(`the label of ${trackingNumber} was voided`);
      label.scannedAt ??= now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
