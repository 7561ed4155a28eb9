/** Tables of the deadline engine (migration 0004). */
import type { Generated } from 'kysely';

export interface OrderExtensionsTable {
  id: Generated<number>;
  order_id: number;
  hours: number | null;
  new_deadline_at: number | null;
  agreed_by: string;
  agreed_at: number;
  note: string | null;
  created_at: number;
}

export interface OrderWarningsTable {
  order_id: number;
  hours_before: number;
  sent_at: number;
}

export interface AlertWebhooksTable {
  id: Generated<number>;
  /** null: every shop's alerts. */
  shop_id: string | null;
  url: string;
  /** The HMAC key the receiver verifies signatures with. Never returned by the API after creation. */
  secret: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  dedupe_key: string;
  kind: string;
  payload: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  /** The process holding the lease (store/leases.ts owner id); null when not leased. Migration 0026. */
  lease_owner: string | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface DeadlineTables {
  order_extensions: OrderExtensionsTable;
  order_warnings: OrderWarningsTable;
  alert_webhooks: AlertWebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
