/**
 * The adapter for carriers that speak the sample carrier's JSON protocol (sample-server.ts) — the sample carrier
 * itself, or a carrier gateway put in front of a real API. Every call has a timeout; a network failure, timeout or
 * 5xx is `CarrierUnavailableError` (outcome unknown), a 4xx is `CarrierRefusedError` with the carrier's words.
 */
import {
  CarrierRefusedError,
  CarrierUnavailableError,
  type CarrierAdapter,
  type CarrierQuote,
  type CarrierQuoteRequest,
  type CarrierTrackingEvent,
  type CreatedLabel,
  type LabelRequest,
} from './types';

export interface HttpCarrierOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export function createHttpCarrier(options: HttpCarrierOptions): CarrierAdapter {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CarrierUnavailableError(`carrier at ${base} did not answer ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CarrierUnavailableError(`carrier at ${base} answered ${response.status} with something that is not JSON`);
    }
    if (response.status >= 500) throw new CarrierUnavailableError(`carrier at ${base} failed (${response.status})`);
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } }).error;
      throw new CarrierRefusedError(response.status, error?.code ?? 'refused', error?.message ?? `HTTP ${response.status}`);
    }
    return json as T;
  }

  return {
    describe: `sample-http ${base}`,
    async quote(request: CarrierQuoteRequest): Promise<CarrierQuote> {
      const answer = await call<{ service: string; amount: number; currency: string; zone?: string; transit_days?: { p50: number; p90: number } }>('POST', '/v1/rates', {
        service: request.service,
        destination_country: request.destinationCountry,
        weight_g: request.grossWeightG,
        dims_mm: request.dimsMm,
      });
      return { service: answer.service, cost: { amount: answer.amount, currency: answer.currency }, zone: answer.zone ?? null, transitDays: answer.transit_days ?? null };
    },
    async createLabel(request: LabelRequest): Promise<CreatedLabel> {
      const answer = await call<{ label_id: string; tracking_number: string; routing_code?: string; amount?: number; currency?: string }>(
        'POST',
        '/v1/labels',
        {
          service: request.service,
          reference: request.reference,
          sender: request.sender,
          recipient: request.recipient,
          weight_g: request.grossWeightG,
          dims_mm: request.dimsMm,
          declared_value: request.declaredValue,
          contents: request.contents,
        },
        { 'idempotency-key': request.idempotencyKey },
      );
      if (typeof answer.tracking_number !== 'string' || typeof answer.label_id !== 'string') {
        throw new CarrierUnavailableError(`carrier at ${base} answered a label without a tracking number`);
      }
      return {
        trackingNumber: answer.tracking_number,
        carrierLabelId: answer.label_id,
        routingCode: answer.routing_code ?? null,
        cost: typeof answer.amount === 'number' && answer.currency ? { amount: answer.amount, currency: answer.currency } : null,
      };
    },
    async void(carrierLabelId: string): Promise<void> {
      await call('POST', `/v1/labels/${encodeURIComponent(carrierLabelId)}/void`);
    },
    async track(trackingNumber: string): Promise<CarrierTrackingEvent[]> {
      const answer = await call<{ events: Array<{ at: number; status: string; description: string; location: string | null }> }>('GET', `/v1/tracking/${encodeURIComponent(trackingNumber)}`);
      return answer.events.map((e) => ({ at: e.at, status: e.status, description: e.description, location: e.location ?? null }));
    },
  };
}

export const CARRIER_PROTOCOLS = ['sample-http'] as const;
export type CarrierProtocol = (typeof CARRIER_PROTOCOLS)[number];

/** The adapter for a stored carrier account. */
export function adapterFor(account: { protocol: string; base_url: string; api_key: string }): CarrierAdapter {
  switch (account.protocol) {
    case 'sample-http':
      return createHttpCarrier({ baseUrl: account.base_url, apiKey: account.api_key });
    default:
      throw new RangeError(`unknown carrier protocol "${account.protocol}" (known: ${CARRIER_PROTOCOLS.join(', ')})`);
  }
}
