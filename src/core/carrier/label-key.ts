/**
 * The key a label is bought with: the carrier's idempotency key, and for YunExpress and 4PX the customer order
 * number / `ref_no` the carrier keeps and refuses to see twice. It must name one attempt at one parcel of one order
 * across every shipby database that uses the carrier account (a second install, a restored backup), so it carries
 * the platform order id besides the parcel id and the attempt: `shipby-<parcel>-<attempt>-<platform order id>`.
 * Carriers cap it at 50 characters (YunExpress CustomerOrderNumber); a longer order id is replaced by its SHA-256
 * prefix, which keeps it unique.
 */
import { createHash } from 'node:crypto';

export const LABEL_KEY_MAX = 50;

export function labelKey(platformOrderId: string, parcelId: number, attempt: number): string {
  const head = `shipby-${parcelId}-${attempt}-`;
  const order = platformOrderId.replace(/[^A-Za-z0-9_-]/g, '_');
  const key = `${head}${order}`;
  if (key.length <= LABEL_KEY_MAX && order === platformOrderId) return key;
  return `${head}h${createHash('sha256')
    .update(platformOrderId, 'utf8')
    .digest('hex')
    .slice(0, LABEL_KEY_MAX - head.length - 1)}`;
}
