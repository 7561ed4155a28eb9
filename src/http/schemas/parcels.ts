/** Parcels and their tracking (app/tracking/views.ts): open problems, every parcel, one parcel's tracking. */
import { anyValue, bool, items, list, num, numOrNull, object, orNull, record, ref, str, strOrNull } from './common';

const localized = ref('Localized');

const ParcelProblem = object({
  id: num,
  order_id: num,
  platform_order_id: str,
  shop_id: str,
  parcel_id: numOrNull,
  tracking_number: strOrNull,
  tracking_status: strOrNull,
  kind: str,
  level: str,
  detected_at: strOrNull,
  message: localized,
  what_to_do: localized,
  data: anyValue,
});

const ParcelListItem = object({
  parcel_id: num,
  order_id: num,
  platform_order_id: str,
  shop_id: str,
  destination: str,
  parcel_status: str,
  carrier: strOrNull,
  service: strOrNull,
  tracking_number: strOrNull,
  tracking_status: strOrNull,
  tracking_label: orNull(localized),
  last_event_at: strOrNull,
  first_scan_at: strOrNull,
  delivered_at: strOrNull,
  open_problems: num,
  created_at: strOrNull,
});

const ParcelTracking = object({
  parcel_id: num,
  order_id: num,
  tracking_number: strOrNull,
  parcel_status: str,
  tracking: orNull(
    object({
      status: strOrNull,
      label: orNull(localized),
      raw_status: strOrNull,
      raw_substatus: strOrNull,
      description: strOrNull,
      status_at: strOrNull,
      first_scan_at: strOrNull,
      last_event_at: strOrNull,
      delivered_at: strOrNull,
      destination_country: strOrNull,
      next_poll_at: strOrNull,
    }),
  ),
  events: list(
    object({
      at: strOrNull,
      status: str,
      raw_status: strOrNull,
      raw_substatus: strOrNull,
      description: strOrNull,
      location: strOrNull,
      provider: str,
    }),
  ),
  problems: list(ref('ParcelProblem')),
});

export const PARCEL_SCHEMAS = { ParcelProblem, ParcelListItem, ParcelTracking };

export const parcelProblems = items(ref('ParcelProblem'));
export const parcelPage = items(ref('ParcelListItem'), { next_before: numOrNull });

/**
 * A tracking provider (app/tracking/providers.ts; never its secrets): address, cadence, webhook path and whether an
 * API key is stored to owners only.
 */
const TrackingProvider = object(
  {
    name: str,
    kind: str,
    base_url: strOrNull,
    api_version: strOrNull,
    polls: bool,
    cadence: record(num),
    webhook_path: str,
    /** Whether an API key is stored (never the key itself). */
    api_key_stored: bool,
  },
  ['base_url', 'cadence', 'webhook_path', 'api_key_stored'],
);

/** A carrier event kept aside: no parcel has its number yet. */
const UnmatchedEvent = object({
  id: num,
  tracking_number: str,
  carrier: strOrNull,
  provider: strOrNull,
  status: strOrNull,
  raw_substatus: strOrNull,
  occurred_at: strOrNull,
  received_at: strOrNull,
});

export const TRACKING_SCHEMAS = { TrackingProvider, UnmatchedEvent };

/**
 * The providers, and the kinds one may be with the API versions each speaks (the default first); to the installation's
 * owners, the base of the webhook addresses (SHIPBY_PUBLIC_URL; null: the address the dashboard was opened at).
 */
export const trackingProviders = object(
  {
    items: list(ref('TrackingProvider')),
    kinds: list(object({ kind: str, api_versions: list(str) })),
    webhook_base: strOrNull,
  },
  ['webhook_base'],
);
export const unmatchedEvents = items(ref('UnmatchedEvent'));
/** A provider's delivery: stored and processed behind the answer (202), or one received before (200). */
export const webhookReceived = object({ accepted: bool, delivery_id: num, set_aside: num, duplicate: bool }, [
  'delivery_id',
  'set_aside',
  'duplicate',
]);
