/**
 * A sample carrier: a real local HTTP server (node:http) that prices parcels from rate cards, issues labels with
 * tracking numbers in each carrier's real format (sample-numbers.ts), voids them and reports their tracking. It
 * serves every carrier of its service list at once (the sample services in core/data/carriers by default), so one
 * process stands in for China Post, Cainiao, YunExpress, 4PX and DHL in tests and demos.
 *
 * Protocol (JSON, `Authorization: Bearer <api key>`):
 * - `GET  /v1/services`                      → {services: [{code, carrier, name}]}
 * - `POST /v1/rates`   {service, destination_country, weight_g, dims_mm}
 *                                            → {service, amount, currency, zone, transit_days: {p50, p90}}
 * - `POST /v1/labels`  {service, reference, sender, recipient, weight_g, dims_mm, declared_value}; header
 *   `Idempotency-Key`: a repeated key returns the label it created (200), a new one creates it (201)
 *                                            → {label_id, tracking_number, routing_code, amount, currency}
 * - `POST /v1/labels/:id/void`               → {label_id, status: 'voided'} (409 once the parcel was scanned)
 * - `GET  /v1/tracking/:number`              → {tracking_number, events: [{at, status, description, location}]}
 * - `POST /v1/tracking/:number/scan`         (demo/test) records an acceptance scan at the carrier's depot
 * Errors: {error: {code, message}} with 400/401/404/409/422.
 *
 * Serials: from `serialStart` (default: random), kept in `stateFile` when given so a restarted carrier never
 * issues a number twice (shipby refuses a number another order used within 12 months).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomInt } from 'node:crypto';
import { compileService, isQuoteRefusal, quote, type CompiledService } from '../../core/carrier/rate-card';
import type { CarrierService } from '../../core/carrier/types';
import { SAMPLE_CARRIER_SERVICES } from '../../core/data/carriers/index';
import { issueTrackingNumber, issuesNumbersFor } from './sample-numbers';

export interface SampleCarrierOptions {
  port?: number;
  host?: string;
  apiKey: string;
  services?: readonly CarrierService[];
  serialStart?: number;
  stateFile?: string;
  now?: () => number;
}

export interface SampleLabel {
  id: string;
  service: string;
  carrier: string;
  trackingNumber: string;
  reference: string;
  routingCode: string;
  amount: number;
  currency: string;
  createdAt: number;
  voidedAt: number | null;
  scannedAt: number | null;
  idempotencyKey: string;
  recipientCountry: string;
}

export interface SampleCarrierServer {
  url: string;
  labels: Map<string, SampleLabel>;
  close(): Promise<void>;
}

interface Body {
  [key: string]: unknown;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) {
        reject(new HttpProblem(413, 'too_large', 'request body over 1 MiB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size === 0) return resolve({});
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        resolve(value as Body);
      } catch {
        reject(new HttpProblem(400, 'bad_json', 'the body is not a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

function positiveInt(body: Body, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new HttpProblem(400, 'bad_field', `${field} must be a positive integer`);
  return value;
}

function dims(body: Body): [number, number, number] {
  const value = body.dims_mm;
  if (!Array.isArray(value) || value.length !== 3 || !value.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    throw new HttpProblem(400, 'bad_field', 'dims_mm must be three positive integers (mm)');
  }
  return value as [number, number, number];
}

function address(body: Body, field: string): { country: string; city: string; postcode: string } {
  const value = body[field] as Record<string, unknown> | undefined;
  if (!value || typeof value !== 'object') throw new HttpProblem(400, 'bad_field', `${field} is required`);
  for (const key of ['name', 'line1', 'city', 'country']) {
    if (typeof value[key] !== 'string' || !(value[key] as string).trim()) throw new HttpProblem(400, 'bad_field', `${field}.${key} is required`);
  }
  const country = (value.country as string).toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new HttpProblem(400, 'bad_field', `${field}.country must be ISO 3166-1 alpha-2`);
  return { country, city: value.city as string, postcode: typeof value.postcode === 'string' ? value.postcode : '' };
}

export async function startSampleCarrierServer(options: SampleCarrierOptions): Promise<SampleCarrierServer> {
  const now = options.now ?? Date.now;
  const services = new Map<string, CompiledService>();
  for (const service of options.services ?? SAMPLE_CARRIER_SERVICES) services.set(service.code, compileService(service));
  const labels = new Map<string, SampleLabel>();
  const byKey = new Map<string, SampleLabel>();
  const byNumber = new Map<string, SampleLabel>();
  let nextSerial = options.serialStart ?? randomInt(1_000_000, 90_000_000);
  if (options.stateFile) fs.mkdirSync(path.dirname(path.resolve(options.stateFile)), { recursive: true });
  if (options.stateFile && fs.existsSync(options.stateFile)) {
    const saved = JSON.parse(fs.readFileSync(options.stateFile, 'utf8')) as { nextSerial?: number };
    if (Number.isSafeInteger(saved.nextSerial)) nextSerial = Math.max(nextSerial, saved.nextSerial!);
  }
  const takeSerial = () => {
    const serial = nextSerial++;
    if (options.stateFile) fs.writeFileSync(options.stateFile, JSON.stringify({ nextSerial }));
    return serial;
  };

  const serviceOf = (body: Body): CompiledService => {
    const code = body.service;
    if (typeof code !== 'string') throw new HttpProblem(400, 'bad_field', 'service is required');
    const service = services.get(code);
    if (!service) throw new HttpProblem(422, 'unknown_service', `no service "${code}" (have: ${[...services.keys()].join(', ')})`);
    return service;
  };

  const priced = (service: CompiledService, country: string, weightG: number, dimsMm: [number, number, number]) => {
    const limits = service.def.limits;
    if (weightG > limits.maxWeightG) throw new HttpProblem(422, 'overweight', `${weightG} g is over the service's ${limits.maxWeightG} g`);
    if (Math.max(...dimsMm) > limits.maxLongestSideMm) throw new HttpProblem(422, 'too_long', `longest side over ${limits.maxLongestSideMm} mm`);
    const result = quote(service, { destinationCountry: country, grossWeightG: weightG, dimsMm });
    if (isQuoteRefusal(result)) throw new HttpProblem(422, result.refused.replace(/-/g, '_'), `${service.code} cannot take it: ${result.refused}`);
    const zone = service.zoneFor(country)!;
    const transit = service.transitFor(country, zone);
    return { result, transit };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://sample-carrier');
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) throw new HttpProblem(401, 'unauthorized', 'missing or wrong API key');
    const route = url.pathname;
    if (req.method === 'GET' && route === '/v1/services') {
      return send(200, { services: [...services.values()].map((s) => ({ code: s.code, carrier: s.def.carrier, name: s.def.name.en })) });
    }
    if (req.method === 'POST' && route === '/v1/rates') {
      const body = await readJson(req);
      const service = serviceOf(body);
      const country = String(body.destination_country ?? '').toUpperCase();
      const { result, transit } = priced(service, country, positiveInt(body, 'weight_g'), dims(body));
      return send(200, { service: service.code, amount: result.total, currency: result.currency, zone: result.zone, transit_days: { p50: transit.p50Ms / 86_400_000, p90: transit.p90Ms / 86_400_000 } });
    }
    if (req.method === 'POST' && route === '/v1/labels') {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !key.trim()) throw new HttpProblem(400, 'idempotency_key', 'the Idempotency-Key header is required');
      const body = await readJson(req);
      const repeat = byKey.get(key);
      if (repeat) return send(200, present(repeat));
      const service = serviceOf(body);
      if (!issuesNumbersFor(service.def.carrier)) throw new HttpProblem(422, 'no_number_format', `this carrier cannot number ${service.def.carrier} parcels`);
      const recipient = address(body, 'recipient');
      address(body, 'sender');
      const reference = typeof body.reference === 'string' ? body.reference : '';
      if (!reference) throw new HttpProblem(400, 'bad_field', 'reference is required');
      const { result } = priced(service, recipient.country, positiveInt(body, 'weight_g'), dims(body));
      let trackingNumber = issueTrackingNumber(service.def.carrier, takeSerial(), service.def.s10IndicatorFirstLetters);
      while (byNumber.has(trackingNumber)) trackingNumber = issueTrackingNumber(service.def.carrier, takeSerial(), service.def.s10IndicatorFirstLetters);
      const label: SampleLabel = {
        id: `L${labels.size + 1}-${trackingNumber.slice(-6)}`,
        service: service.code,
        carrier: service.def.carrier,
        trackingNumber,
        reference,
        routingCode: `${recipient.country}-${(recipient.postcode || recipient.city).replace(/\s+/g, '').slice(0, 3).toUpperCase()}-${result.zone}`,
        amount: result.total,
        currency: result.currency,
        createdAt: now(),
        voidedAt: null,
        scannedAt: null,
        idempotencyKey: key,
        recipientCountry: recipient.country,
      };
      labels.set(label.id, label);
      byKey.set(key, label);
      byNumber.set(trackingNumber, label);
      return send(201, present(label));
    }
    const voidMatch = /^\/v1\/labels\/([^/]+)\/void$/.exec(route);
    if (req.method === 'POST' && voidMatch) {
      const label = labels.get(decodeURIComponent(voidMatch[1]!));
      if (!label) throw new HttpProblem(404, 'not_found', 'no such label');
      if (label.scannedAt !== null) throw new HttpProblem(409, 'already_scanned', 'the parcel is already with the carrier: it cannot be voided');
      label.voidedAt ??= now();
      return send(200, { label_id: label.id, status: 'voided' });
    }
    const trackMatch = /^\/v1\/tracking\/([^/]+)(\/scan)?$/.exec(route);
    if (trackMatch) {
      const label = byNumber.get(decodeURIComponent(trackMatch[1]!).toUpperCase());
      if (!label) throw new HttpProblem(404, 'not_found', 'no parcel with this number');
      if (req.method === 'POST' && trackMatch[2]) {
        if (label.voidedAt !== null) throw new HttpProblem(409, 'voided', 'the label was voided');
        label.scannedAt ??= now();
        return send(200, { tracking_number: label.trackingNumber, scanned_at: label.scannedAt });
      }
      if (req.method === 'GET' && !trackMatch[2]) {
        const events: Array<{ at: number; status: string; description: string; location: string | null }> = [
          { at: label.createdAt, status: 'info_received', description: 'Label created, awaiting the item', location: null },
        ];
        if (label.scannedAt !== null) events.push({ at: label.scannedAt, status: 'accepted', description: 'Accepted at the depot', location: 'Shenzhen, CN' });
        if (label.voidedAt !== null) events.push({ at: label.voidedAt, status: 'voided', description: 'Label voided by the sender', location: null });
        return send(200, { tracking_number: label.trackingNumber, events });
      }
    }
    throw new HttpProblem(404, 'not_found', `${req.method} ${route} is not an endpoint`);
  }

  function present(label: SampleLabel) {
    return { label_id: label.id, tracking_number: label.trackingNumber, routing_code: label.routingCode, amount: label.amount, currency: label.currency, service: label.service };
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const problem = error instanceof HttpProblem ? error : new HttpProblem(500, 'internal', error instanceof Error ? error.message : String(error));
      if (!res.headersSent) {
        res.writeHead(problem.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: problem.code, message: problem.message } }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    labels,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
