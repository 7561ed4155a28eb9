/**
 * Tracking providers speak to shipby through the same few calls (Karrio's idea): a webhook adapter (its own
 * signature over the raw body, its own delivery identity, its payload mapping) and a polling client (register numbers,
 * fetch their histories), each in the provider's own protocol and API version. Every event comes out normalised
 * (core/tracking-status.ts) with the provider's raw status, sub-status and words kept beside it.
 */
import { afterShipWebhook } from './aftership';
import { AFTERSHIP_DEFAULT_BASE_URL, afterShipClient } from './aftership-client';
import { seventeenTrackWebhook } from './seventeen-track';
import { SEVENTEEN_DEFAULT_BASE_URL, seventeenTrackClient } from './seventeen-track-client';
import {
  MalformedPayloadError,
  type ClientConfig,
  type ParsedDelivery,
  type PollingClient,
  type WebhookAdapter,
} from './types';

export * from './types';
export { parseSeventeenTrackResponse } from './seventeen-track';

const PROVIDER_KINDS = ['seventeen', 'aftership'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export function isProviderKind(value: string): value is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(value);
}

/** The API versions each adapter speaks, the current one first (the default). */
export const API_VERSIONS: Readonly<Record<ProviderKind, readonly string[]>> = {
  seventeen: ['v2.4', 'v2.2'],
  aftership: ['2025-01', '2024-10', '2024-07'],
};

export const DEFAULT_BASE_URLS: Readonly<Record<ProviderKind, string>> = {
  seventeen: SEVENTEEN_DEFAULT_BASE_URL,
  aftership: AFTERSHIP_DEFAULT_BASE_URL,
};

export function apiVersionOf(kind: ProviderKind, configured: string | null | undefined): string {
  return configured && API_VERSIONS[kind].includes(configured) ? configured : API_VERSIONS[kind][0]!;
}

export function webhookAdapterFor(kind: ProviderKind): WebhookAdapter {
  return kind === 'aftership' ? afterShipWebhook : seventeenTrackWebhook;
}

export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new MalformedPayloadError('the body is not JSON');
  }
}

export function parseWebhookBody(kind: ProviderKind, body: string, receivedAt: number): ParsedDelivery {
  return webhookAdapterFor(kind).parse(parseJsonBody(body), receivedAt);
}

export function pollingClientFor(
  kind: ProviderKind,
  config: Omit<ClientConfig, 'version'> & { version?: string | null },
): PollingClient {
  const full: ClientConfig = { ...config, version: apiVersionOf(kind, config.version) };
  return kind === 'aftership' ? afterShipClient(full) : seventeenTrackClient(full);
}
