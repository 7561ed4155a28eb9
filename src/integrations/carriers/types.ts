/**
 * Every carrier speaks to shipby through the same few calls (Karrio's idea): `quote`, `createLabel` (→ tracking
 * number + label data), `void`, `track` and `labelPdf`. An adapter turns one carrier's API into these; the app never sees a
 * carrier's own protocol.
 */
import type { Money } from '../../core/money';

export interface PostalAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  /** State, province or region. */
  state?: string | null;
  postcode?: string | null;
  country: string; // ISO 3166-1 alpha-2
  phone?: string | null;
}

export interface CarrierQuoteRequest {
  service: string;
  destinationCountry: string;
  grossWeightG: number;
  dimsMm: readonly [number, number, number];
  /** The marketplace order the parcel ships (the platform's online logistics quotes per order). */
  platformOrderId?: string;
  /** The recipient's postcode (a remote-area surcharge depends on it). */
  postcode?: string | null;
  /** The parcel holds batteries (YunExpress prices battery goods apart). */
  batteries?: boolean;
}

export interface CarrierQuote {
  service: string;
  cost: Money;
  zone: string | null;
  transitDays: { p50: number; p90: number } | null;
}

export interface LabelRequest {
  service: string;
  /** Our reference printed on the label and kept by the carrier (the platform order id). */
  reference: string;
  /** The same key returns the same label: a retried request never buys a second one. */
  idempotencyKey: string;
  sender: PostalAddress;
  recipient: PostalAddress;
  grossWeightG: number;
  dimsMm: readonly [number, number, number];
  declaredValue: Money;
  contents: ReadonlyArray<{ sku: string; quantity: number }>;
  /** The service's name on the marketplace (e.g. `CAINIAO_STANDARD`): the platform's online logistics creates with it. */
  platformService?: string;
}

export interface CreatedLabel {
  trackingNumber: string;
  carrierLabelId: string;
  /** The carrier's sorting code for the destination, printed large on the label. */
  routingCode: string | null;
  cost: Money | null;
  /** Where the carrier's own label PDF is (YunExpress `Label/Print`, 4PX `ds.xms.label.get`), when it gives one. */
  labelUrl?: string | null;
}

export interface CarrierTrackingEvent {
  at: number;
  status: string;
  description: string;
  location: string | null;
}

export interface CarrierAdapter {
  /** What it talks to, for messages: e.g. `yunexpress http://127.0.0.1:4100`. */
  readonly describe: string;
  /** The numbers come from the marketplace itself for the order (its online logistics): no format guess applies. */
  readonly numbersIssuedByPlatform?: boolean;
  /**
   * The carrier prices a parcel live (a freight trial call, free of charge): the quotes ask it for each of its
   * services, the contract rates being the fallback. Without it `quote` is not called by the quotes.
   */
  readonly quotesLive?: boolean;
  /** The carrier's price for one service and parcel; refuses (CarrierRefusedError) when it does not price it. */
  quote(request: CarrierQuoteRequest): Promise<CarrierQuote>;
  createLabel(request: LabelRequest): Promise<CreatedLabel>;
  void(carrierLabelId: string): Promise<void>;
  track(trackingNumber: string): Promise<CarrierTrackingEvent[]>;
  /** The carrier's own label, as PDF bytes (asks the carrier for its link again when `labelUrl` is not known). */
  labelPdf(label: { carrierLabelId: string; labelUrl?: string | null }): Promise<Buffer>;
}

/** The carrier said no (bad request, unknown service, cannot void): retrying the same request will not help. */
export class CarrierRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CarrierRefusedError';
  }
}

/** The carrier could not be reached or failed (network, timeout, 5xx): the outcome of a write is unknown. */
export class CarrierUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CarrierUnavailableError';
  }
}
