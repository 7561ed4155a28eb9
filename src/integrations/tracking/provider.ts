/**
 * Tracking providers speak to shipby through the same few calls (Karrio's idea): parse a webhook body, fetch the
 * histories of some numbers, register numbers. Every event comes out normalised (core/tracking-status.ts) with the
 * provider's raw status, sub-status and words kept beside it.
 *
 * Webhooks are signed by shipby's scheme for every provider: `X-Tracking-Timestamp` (Unix seconds) and
 * `X-Tracking-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseAfterShipWebhook } from './aftership';
import { parseSeventeenTrackResponse, parseSeventeenTrackWebhook, seventeenTrackClient } from './seventeen-track';
import { MalformedPayloadError, type ParsedDelivery, type PollingClient } from './types';

export * from './types';

export const TIMESTAMP_HEADER = 'x-tracking-timestamp';
export const SIGNATURE_HEADER = 'x-tracking-signature';

export const PROVIDER_KINDS = ['seventeen', 'aftership'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export function isProviderKind(value: string): value is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(value);
}

export function parseWebhookBody(kind: ProviderKind, body: string, receivedAt: number): ParsedDelivery {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedPayloadError('the body is not JSON');
  }
  return kind === 'aftership' ? parseAfterShipWebhook(json) : parseSeventeenTrackWebhook(json, receivedAt);
}

export function pollingClientFor(kind: ProviderKind, config: { baseUrl: string; apiKey: string | null; fetch?: typeof fetch; timeoutMs?: number }): PollingClient | undefined {
  if (kind === 'seventeen') return seventeenTrackClient(config);
  return undefined;
}

export { parseSeventeenTrackResponse };

export function signTrackingWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export type SignatureVerdict = { ok: true; signedAt: number } | { ok: false; reason: 'missing' | 'stale' | 'bad_signature' };

/** Checks the signature and that the timestamp is within `toleranceMs` of now (a stale one is refused). */
export function verifyTrackingSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: number,
  toleranceMs = 5 * 60_000,
): SignatureVerdict {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing' };
  const given = signature.startsWith('sha256=') ? signature.slice(7) : signature;
  const expected = signTrackingWebhook(secret, timestamp, body);
  const a = Buffer.from(given, 'hex');
  const b = Buffer.from(expected, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad_signature' };
  const signedAt = Number(timestamp) * 1000;
  if (Math.abs(now - signedAt) > toleranceMs) return { ok: false, reason: 'stale' };
  return { ok: true, signedAt };
}

