/** What every tracking provider adapter produces. */
import type { TrackingEvent } from '../../core/tracking-status';

/** One event of one parcel, as a provider reported it. */
export interface ProviderEvent {
  trackingNumber: string;
  carrier: string;
  event: TrackingEvent;
}

export interface ParsedDelivery {
  events: ProviderEvent[];
  /** Numbers the payload was about (also those with no events yet). */
  numbers: string[];
  /** Events skipped because neither their status nor their sub-status is known. */
  unknownCodes: number;
}

/** The body is not what the provider sends: answered 400 and logged with the provider. */
export class MalformedPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPayloadError';
  }
}

export interface FetchResult extends ParsedDelivery {
  /** Numbers the provider does not know yet (to register). */
  unregistered: string[];
  /** Numbers refused for another reason, with it. */
  refused: Array<{ number: string; reason: string }>;
}

export interface PollingClient {
  /** At most `batchSize` numbers per call. */
  batchSize: number;
  fetch(numbers: string[], receivedAt: number, signal?: AbortSignal): Promise<FetchResult>;
  register(parcels: Array<{ number: string; carrier: string | null }>, signal?: AbortSignal): Promise<void>;
}

/** Tracking numbers compared as the parcels store them: upper case, no spaces or dashes. */
export function normaliseNumber(value: string): string {
  return value.replace(/[\s-]+/g, '').toUpperCase();
}
