/**
 * The sample carrier's books (sample-server.ts serves them over YunExpress's protocol): the services it sells, the
 * labels it issued — each numbered in its carrier's real format (sample-numbers.ts) from a serial kept in
 * `stateFile` when given, priced from the rate card, refused with the reason when the service cannot take the
 * parcel, as YunExpress does — each label's PDF, and its tracking.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { compileService, isQuoteRefusal, quote, type CompiledService } from '../../core/carrier/rate-card';
import { SAMPLE_CARRIER_SERVICES } from '../../core/data/carriers/index';
import { renderLabels, type LabelAddress } from '../../documents/label';
import { issueTrackingNumber, issuesNumbersFor } from './sample-numbers';
import type { SampleCarrierOptions } from './sample-server';

export interface SampleLabel {
  id: string;
  service: string;
  carrier: string;
  trackingNumber: string;
  customerOrderNumber: string;
  reference: string;
  routingCode: string;
  amount: number;
  currency: string;
  createdAt: number;
  voidedAt: number | null;
  scannedAt: number | null;
  recipientCountry: string;
  weightG: number;
  sender: LabelAddress;
  recipient: LabelAddress;
}

export type Json = Record<string, unknown>;

export class Refused extends Error {}

export const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function addressOf(value: unknown, field: string): LabelAddress {
  const a = (value && typeof value === 'object' ? value : {}) as Json;
  for (const key of ['CountryCode', 'FirstName', 'Street', 'City'])
    if (!str(a[key])) throw new Refused(`${field}.${key} is required`);
  const country = str(a.CountryCode).toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new Refused(`${field}.CountryCode must be a 2-letter country code`);
  return {
    name: str(a.FirstName),
    line1: str(a.Street),
    city: str(a.City),
    state: str(a.State) || null,
    postcode: str(a.Zip) || null,
    country,
    phone: str(a.Phone) || null,
  };
}

/** The next serial to number a label from: kept in `stateFile` when given, so a restarted carrier reuses none. */
function serials(options: SampleCarrierOptions): () => number {
  let nextSerial = options.serialStart ?? randomInt(1_000_000, 90_000_000);
  if (options.stateFile) fs.mkdirSync(path.dirname(path.resolve(options.stateFile)), { recursive: true });
  if (options.stateFile && fs.existsSync(options.stateFile)) {
    const saved = JSON.parse(fs.readFileSync(options.stateFile, 'utf8')) as { nextSerial?: number };
    if (Number.isSafeInteger(saved.nextSerial)) nextSerial = Math.max(nextSerial, saved.nextSerial!);
  }
  return () => {
    const serial = nextSerial++;
    if (options.stateFile) fs.writeFileSync(options.stateFile, JSON.stringify({ nextSerial }));
    return serial;
  };
}

/**
 * What CreateOrder needs of an order, checked in YunExpress's order: its service, addresses, weight, size and customs
 * lines, and its price from the rate card; the first thing wrong is thrown as Refused with the reason.
 */
function checkedOrder(order: Json, services: Map<string, CompiledService>) {
  const service = services.get(str(order.ShippingMethodCode));
  if (!service)
    throw new Refused(
      `ShippingMethodCode "${str(order.ShippingMethodCode)}" is not a service (have: ${[...services.keys()].join(', ')})`,
    );
  if (!issuesNumbersFor(service.def.carrier))
    throw new Refused(`this carrier cannot number ${service.def.carrier} parcels`);
  const recipient = addressOf(order.Receiver, 'Receiver');
  const sender = addressOf(order.Sender, 'Sender');
  const weightKg = Number(order.Weight);
  if (!Number.isFinite(weightKg) || weightKg <= 0) throw new Refused('Weight must be a positive number of kg');
  const weightG = Math.round(weightKg * 1000);
  const dims = [order.Length, order.Width, order.Height].map((v) => Math.round(Number(v) * 10)) as [
    number,
    number,
    number,
  ];
  if (!dims.every((d) => Number.isInteger(d) && d > 0))
    throw new Refused('Length, Width and Height must be positive (cm)');
  if (!Array.isArray(order.Parcels) || order.Parcels.length === 0)
    throw new Refused('Parcels (the customs declaration) is required');
  const limits = service.def.limits;
  if (weightG > limits.maxWeightG) throw new Refused(`${weightG} g is over the service's ${limits.maxWeightG} g`);
  if (Math.max(...dims) > limits.maxLongestSideMm) throw new Refused(`longest side over ${limits.maxLongestSideMm} mm`);
  const priced = quote(service, { destinationCountry: recipient.country, grossWeightG: weightG, dimsMm: dims });
  if (isQuoteRefusal(priced)) throw new Refused(`${service.code} cannot take it: ${priced.refused}`);
  return { service, recipient, sender, weightG, priced };
}

/** A label's PDF (100 × 150 mm), as the carrier prints it. */
function labelPdf(services: Map<string, CompiledService>, label: SampleLabel): Promise<Buffer> {
  const service = services.get(label.service);
  return renderLabels([
    {
      trackingNumber: label.trackingNumber,
      carrierName: service?.def.carrier ?? label.carrier,
      serviceName: service?.def.name.en ?? label.service,
      routingCode: label.routingCode,
      sender: label.sender,
      recipient: label.recipient,
      orderReference: label.reference,
      parcelPosition: 1,
      parcelCount: 1,
      weightG: label.weightG,
      box: null,
      labelledOn: new Date(label.createdAt).toISOString().slice(0, 10),
    },
  ]);
}

/** The carrier's labels, how it issues one (CreateOrder), finds one and prints one. */
export function sampleCarrierBook(options: SampleCarrierOptions, now: () => number) {
  const services = new Map<string, CompiledService>();
  for (const service of options.services ?? SAMPLE_CARRIER_SERVICES)
    services.set(service.code, compileService(service));
  const labels = new Map<string, SampleLabel>();
  const byOrderNumber = new Map<string, SampleLabel>();
  const takeSerial = serials(options);
  const find = (number: string) => labels.get(number.toUpperCase()) ?? byOrderNumber.get(number);
  /** One order of CreateOrder: its label, or YunExpress's refusal item with the reason. */
  function createOne(order: Json): Json {
    const customerOrderNumber = str(order.CustomerOrderNumber);
    const refuse = (remark: string) => ({
      CustomerOrderNumber: customerOrderNumber,
      Success: 0,
      TrackType: '',
      Remark: remark,
      AgentNumber: null,
      WayBillNumber: '',
      RequireSenderAddress: 0,
      TrackingNumber: null,
      ShipperBoxs: null,
    });
    try {
      if (!customerOrderNumber) throw new Refused('CustomerOrderNumber is required');
      if (byOrderNumber.has(customerOrderNumber))
        throw new Refused(`客户订单号重复 (duplicate CustomerOrderNumber ${customerOrderNumber})`);
      const { service, recipient, sender, weightG, priced } = checkedOrder(order, services);
      let number = issueTrackingNumber(service.def.carrier, takeSerial(), service.def.s10IndicatorFirstLetters);
      while (labels.has(number))
        number = issueTrackingNumber(service.def.carrier, takeSerial(), service.def.s10IndicatorFirstLetters);
      const label: SampleLabel = {
        id: number,
        service: service.code,
        carrier: service.def.carrier,
        trackingNumber: number,
        customerOrderNumber,
        reference: str(order.TransactionNumber) || customerOrderNumber,
        routingCode: `${recipient.country}-${(recipient.postcode || recipient.city).replace(/\s+/g, '').slice(0, 3).toUpperCase()}-${priced.zone}`,
        amount: priced.total,
        currency: priced.currency,
        createdAt: now(),
        voidedAt: null,
        scannedAt: null,
        recipientCountry: recipient.country,
        weightG,
        sender,
        recipient,
      };
      labels.set(number, label);
      byOrderNumber.set(customerOrderNumber, label);
      return {
        CustomerOrderNumber: customerOrderNumber,
        Success: 1,
        TrackType: '1',
        Remark: '',
        AgentNumber: null,
        WayBillNumber: number,
        RequireSenderAddress: 0,
        TrackingNumber: null,
        ShipperBoxs: null,
      };
    } catch (error) {
      if (error instanceof Refused) return refuse(error.message);
      throw error;
    }
  }

  const pdfOf = async (label: SampleLabel): Promise<Buffer> => labelPdf(services, label);

  return { services, labels, find, createOne, pdfOf };
}

/** A label's tracking as GetTrackAllInfo answers it: the shipment information, then the depot's scan. */
export function trackAllInfo(label: SampleLabel): Json {
  // YunExpress writes scan times in China time without an offset.
  const local = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 19);
  const details: Array<{
    ProcessContent: string;
    ProcessLocation: string | null;
    ProcessDate: string;
    TrackingStatus: number;
  }> = [
    {
      ProcessContent: 'Shipment information received',
      ProcessLocation: null,
      ProcessDate: local(label.createdAt),
      TrackingStatus: 0,
    },
  ];
  if (label.scannedAt !== null)
    details.push({
      ProcessContent: 'Accepted at the depot',
      ProcessLocation: 'Shenzhen, CN',
      ProcessDate: local(label.scannedAt),
      TrackingStatus: 10,
    });
  return {
    CountryCode: label.recipientCountry,
    WaybillNumber: label.trackingNumber,
    TrackingNumber: '',
    PackageState: label.scannedAt !== null ? 1 : 0,
    OrderTrackingDetails: details,
  };
}
