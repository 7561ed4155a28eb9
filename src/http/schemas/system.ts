/** What the dashboard reads beside the resources (http/server.ts): the shops, the notices, the alert webhooks. */
import { anyValue, bool, items, list, num, object, open, orNull, record, ref, str, strOrNull } from './common';

const Shop = object({
  id: str,
  name: str,
  platform: str,
  created_at: strOrNull,
  policy: object({
    policy_id: str,
    by_order_type: orNull(record(str)),
    overrides: orNull(record(anyValue)),
  }),
});

/** A marketplace outage in progress (with its failure count), or a shop of yours paused until authorised again. */
const Notice = object(
  {
    kind: str,
    level: str,
    platform: str,
    shop_id: str,
    since: strOrNull,
    failures: num,
    message: str,
    messages: ref('Localized'),
  },
  ['shop_id', 'failures'],
);

const Webhook = object({ id: num, shop_id: strOrNull, url: str, created_at: strOrNull });

export const SYSTEM_SCHEMAS = { Shop, Notice, Webhook };

export const shopList = items(ref('Shop'));
export const noticeList = items(ref('Notice'));
export const webhookList = items(ref('Webhook'));

/** A shop's marketplace authorisation (app/shop-authorisation.ts AuthorisationView; never a secret). */
const Authorisation = object({
  shop_id: str,
  connected: bool,
  state: strOrNull,
  /** `platform` (the consent page, refreshable) or `pasted` (a pasted access token). */
  source: strOrNull,
  account: strOrNull,
  access_expires_at: strOrNull,
  refresh_expires_at: strOrNull,
  paused_reason: orNull(ref('Localized')),
  last_sync_at: strOrNull,
});

export const AUTHORISATION_SCHEMAS = { Authorisation };

export const authorisationList = items(ref('Authorisation'));
/** The consent page to send the seller to (`format=json`; otherwise a redirect). */
export const authoriseLink = object({ url: str, expires_at: strOrNull });
/** Liveness and each dependency; the 503 answer adds the error. */
export const health = open({ ok: bool, database: str, dependencies: record(str), error: anyValue }, ['error']);

/** An order file imported (app/import-orders.ts ImportReport): the counts and each problem by row. */
export const orderFileImported = open({
  file: str,
  shopId: str,
  rows: num,
  orders: num,
  created: num,
  updated: num,
  unchanged: num,
  rejectedOrders: num,
  rejectedRows: num,
  issueCount: num,
  issues: list(anyValue),
  committed: bool,
});
