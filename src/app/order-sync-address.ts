/**
 * The full shipping address of a synced order whose detail came masked (`****`): the marketplace's own call for the
 * shipping address (AliExpress: `findorderreceiptinfo`, integrations/marketplace/aliexpress/adapter.ts) replaces the
 * masked fields, so the order, its label and the carrier's request carry the address the parcel must reach.
 * When the platform refuses the call (e.g. the app lacks the permission) or gives it masked too, the masked address
 * is kept and the sync notes it on the order (order-sync-batch.ts MASKED_ADDRESS_NOTE). Errors that are not a refusal
 * (call limits, the gateway away, a refused token) stop the run as a failed detail read does: the next run reads the
 * order again.
 */
import { PermanentMarketplaceError } from '../integrations/aliexpress/errors';
import type { MarketplacePort, PulledOrder } from '../integrations/marketplace/port';

export interface AddressCounts {
  /** Masked addresses replaced by the platform's full one. */
  unmasked: number;
  /** Masked addresses kept: the platform refused the call or answered masked too. */
  keptMasked: number;
}

/** The order as pulled, with its full address when it came masked and the platform gives it. */
export async function pullWithFullAddress(
  port: MarketplacePort,
  orderId: string,
  counts: AddressCounts,
): Promise<PulledOrder> {
  const pulled = await port.pullOrder(orderId);
  if (!pulled.input || !pulled.addressMasked || !port.receiptAddress) return pulled;
  let receipt: Awaited<ReturnType<NonNullable<MarketplacePort['receiptAddress']>>>;
  try {
    receipt = await port.receiptAddress(orderId);
  } catch (error) {
    if (!(error instanceof PermanentMarketplaceError)) throw error;
    counts.keptMasked++;
    return pulled;
  }
  if (receipt.masked) {
    counts.keptMasked++;
    return pulled;
  }
  const { buyer_name: name, ...fields } = receipt.fields;
  // Every address field from the one answer: a line the full address does not have is not kept from the masked one.
  const { address_line2: _line2, state: _state, ...rest } = pulled.input;
  counts.unmasked++;
  return { ...pulled, input: { ...rest, ...fields, ...(name ? { buyer_name: name } : {}) }, addressMasked: false };
}
