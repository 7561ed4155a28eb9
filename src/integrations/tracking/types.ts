/** What every tracking provider adapter produces, and the calls it answers. */
import type { TrackingEvent } from '../../core/tracking-status';

/** One event of one parcel, as a provider reported it. */
export interface ProviderEvent {
  trackingNumber: string;
  carrier: string;
  event: TrackingEvent;
}

/** An event of a delivery that could not be read: set aside with why; the others are processed. */
export interface SetAsideEvent {
  number: string | null;
  /** Its position in the parcel's list of events. */
  index: number;
  reason: string;
}

/** An event kept whose time was read by a guess (no offset; its country's main zone, or UTC). */
export interface FlaggedTime {
  number: string;
  key: string;
  flag: string;
}

export interface ParsedDelivery {
  events: ProviderEvent[];
  /** Numbers the payload was about (also those with no events yet). */
  numbers: string[];
  /** Events skipped because neither their status nor their sub-status is known. */
  unknownCodes: number;
  setAside: SetAsideEvent[];
  flagged: FlaggedTime[];
}

export function emptyParsedDelivery(): ParsedDelivery {
  return { events: [], numbers: [], unknownCodes: 0, setAside: [], flagged: [] };
}

/** The body is not what the provider sends: answered 400 and kept with the provider, nothing applied. */
export class MalformedPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPayloadError';
  }
}

/** The provider answered an error (its own code and words kept). */
export class ProviderCallError extends Error {
  constructor(
    readonly provider: string,
    readonly path: string,
    readonly status: number,
    readonly providerCode: string | number | null,
    message: string,
  ) {
    super(`${provider} ${path}: ${message}`);
    this.name = 'ProviderCallError';
  }
}

export interface FetchResult extends ParsedDelivery {
  /** Numbers the provider does not know yet (to register). */
  unregistered: string[];
  /** Numbers refused for another reason, with it. */
  refused: Array<{ number: string; reason: string }>;
}

export interface RegisterResult {
  /** Registered now, or known to the provider already. */
  registered: string[];
  refused: Array<{ number: string; reason: string }>;
}

/** A provider's webhook as it sends it: its own signature over the raw body, its own identity, its own shape. */
export interface WebhookAdapter {
  /** The header (lower case) carrying the signature. */
  signatureHeader: string;
  /** Constant-time check of the signature over the raw body. */
  verify(secret: string, signature: string | undefined, rawBody: string): boolean;
  /** The delivery's identity with the provider: a replay carries the same. */
  identity(signature: string, json: unknown): string;
  parse(json: unknown, receivedAt: number): ParsedDelivery;
}

export interface PollingClient {
  /** At most `batchSize` numbers per call. */
  batchSize: number;
  fetch(numbers: string[], receivedAt: number, signal?: AbortSignal): Promise<FetchResult>;
  register(parcels: Array<{ number: string; carrier: string | null }>, signal?: AbortSignal): Promise<RegisterResult>;
}

export interface ClientConfig {
  baseUrl: string;
  apiKey: string | null;
  /** The provider's API version (see provider.ts API_VERSIONS). */
  version: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Tracking numbers compared as the parcels store them: upper case, no spaces or dashes. */
export function normaliseNumber(value: string): string {
  return value.replace(/[\s-]+/g, '').toUpperCase();
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}
