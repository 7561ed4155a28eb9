/** What the dashboard reads beside the resources (http/server.ts): the shops, the notices, the alert webhooks. */
import { items, num, object, record, ref, str, strOrNull, orNull, anyValue } from './common';

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
